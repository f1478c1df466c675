"""A signed statement as a PDF (reportlab), in Chinese and English.

Chinese text uses Adobe's STSong-Light CID font, which every PDF reader ships (reportlab needs
no font file for it, so nothing is installed on the server). The PDF prints what the JSON file
says and its signature (key id, value and the SHA-256 of the signed bytes): the JSON file is
what ``steelyard audit check-statement`` checks; the PDF is for people.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from interfaces.statements.signing import canonical

FONT = "STSong-Light"

FIGURE_LABELS = {
    "financial_balance": "财务余额 Financial balance",
    "available_to_order": "可订货余额 Available to order",
    "unallocated": "未分配 Unallocated",
    "allocated": "已分配品种 Allocated to categories",
    "held": "待审核冻结 Held (transfers, refunds)",
    "reserved": "合同占用 Reserved for contracts",
    "deposit_free": "保证金可用 Deposit free",
    "deposit_locked": "保证金冻结 Deposit locked",
    "rebate": "返利 Rebate",
    "credit_limit": "授信额度 Credit limit",
    "credit_used": "已用授信 Credit used",
    "credit_available": "可用授信 Credit available",
}


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=11, leading=15, spaceBefore=8)
    return title, heading, body


def statement_pdf(document: dict[str, Any]) -> bytes:
    statement, signature = document["statement"], document["signature"]
    company = statement["company"]
    title, heading, body = _styles()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Balance confirmation {company['name']} as of {statement['as_of']}",
        subject="余额确认函 / 对账单",
        author="Steelyard",
    )
    story: list[Any] = [
        Paragraph("余额确认函（对账单）Balance confirmation", title),
        *_header(statement, body),
        Paragraph("余额 Figures (CNY)", heading),
        _table(["", "金额 Amount"], _figure_rows(statement), body),
        Paragraph("账户明细 Buckets", heading),
        _table(["账户 Bucket", "金额 Amount"], list(statement["buckets"].items()), body),
        Paragraph("未完结合同 Open contracts", heading),
        _table(CONTRACT_COLUMNS, _contract_rows(statement), body),
        Paragraph("流水 Journal", heading),
        _table(JOURNAL_COLUMNS, _journal_rows(statement), body),
        Spacer(1, 6 * mm),
        Paragraph("签名 Signature", heading),
        Paragraph(f"{signature['algorithm']} key {signature['key_id']}", body),
        Paragraph(f"SHA-256 {hashlib.sha256(canonical(statement)).hexdigest()}", body),
        Paragraph(_esc(signature["value"]), body),
    ]
    pdf.build(story)
    return out.getvalue()


CONTRACT_COLUMNS = ["合同编号 No.", "状态 State", "金额 Total", "已付 Paid", "授信 Credit"]
JOURNAL_COLUMNS = ["日期 Date", "类型 Kind", "参考 Reference", "分录 Lines"]


def _header(statement: dict[str, Any], body: ParagraphStyle) -> list[Paragraph]:
    company, issued_by = statement["company"], statement.get("issued_by") or {}
    lines = [
        f"客户 Customer: {company['name']}",
        f"统一社会信用代码 Credit code: {company['credit_code']}",
        f"截至 As of: {statement['as_of']} (Asia/Shanghai), cutoff {statement['cutoff']}",
        f"出具 Issued: {statement.get('issued_at', '')} by {issued_by.get('role', '')}",
    ]
    return [Paragraph(_esc(line), body) for line in lines]


def _figure_rows(statement: dict[str, Any]) -> list[list[str]]:
    return [[FIGURE_LABELS.get(k, k), v] for k, v in statement["figures"].items()]


def _contract_rows(statement: dict[str, Any]) -> list[list[str]]:
    return [
        [c["contract_no"], c["state"], c["total_amount"], c["paid_amount"], c["credit_drawn"]]
        for c in statement["open_contracts"]
    ]


def _journal_rows(statement: dict[str, Any]) -> list[list[str]]:
    return [
        [
            e["posted_on"],
            e["kind"],
            e["reference"] or e["memo"],
            "; ".join(f"{line['bucket']} {line['amount']}" for line in e["lines"]),
        ]
        for e in statement["journal"]
    ]


def _table(header: list[str], rows: list[Any], style: ParagraphStyle) -> Table:
    body = [list(row) for row in rows] or [["—"] + [""] * (len(header) - 1)]
    cells = [[Paragraph(_esc(str(cell)), style) for cell in row] for row in [header, *body]]
    table = Table(cells, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
