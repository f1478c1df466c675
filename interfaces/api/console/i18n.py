"""The console's words, Chinese first with English. A page's language: ``?lang=`` (kept in a
cookie), else the cookie, else the browser's Accept-Language, else Chinese."""

from __future__ import annotations

from fastapi import Request

LANGS = ("zh", "en")
LANG_COOKIE = "sy_lang"

WORDS: dict[str, tuple[str, str]] = {
    "console": ("Steelyard 钢秤 控制台", "Steelyard console"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "phone": ("手机号", "Phone number"),
    "password": ("密码", "Password"),
    "bad_credentials": ("手机号或密码不正确。", "Wrong phone number or password."),
    "too_many": ("尝试次数过多，请稍后再试。", "Too many attempts; try again later."),
    "csrf": (
        "表单已过期或来源不明，请刷新页面后重试。",
        "The form has expired or did not come from this page; reload it and try again.",
    ),
    "my_funds": ("我的资金", "My funds"),
    "company": ("企业", "Company"),
    "as_of": ("业务日期", "Business date"),
    "financial_balance": ("财务余额", "Financial balance"),
    "available_to_order": ("可订货余额", "Available to order"),
    "unallocated": ("未分配资金", "Unallocated"),
    "allocated": ("已分配资金", "Allocated"),
    "held": ("冻结（退转款待审）", "Held (transfers and refunds)"),
    "reserved": ("合同占用", "Reserved for contracts"),
    "deposit_free": ("可用保证金", "Deposit, free"),
    "deposit_locked": ("锁定保证金", "Deposit, locked"),
    "rebate": ("返利余额", "Rebate"),
    "credit_limit": ("授信额度", "Credit limit"),
    "credit_used": ("已用授信", "Credit used"),
    "credit_available": ("可用授信", "Credit available"),
    "categories": ("分品类可订货余额", "Available to order by category"),
    "category": ("品类", "Category"),
    "amount": ("分配金额", "Allocated"),
    "journal": ("资金流水", "Journal"),
    "posted_on": ("日期", "Date"),
    "kind": ("类型", "Kind"),
    "memo": ("摘要", "Memo"),
    "reference": ("单据号", "Reference"),
    "lines": ("分录", "Lines"),
    "no_entries": ("暂无流水。", "No entries."),
    "filter": ("筛选", "Filter"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "all_kinds": ("全部类型", "All kinds"),
    "not_found": ("没有可显示的内容。", "Nothing to show here."),
    "forbidden": ("您无权查看此页面。", "You may not see this page."),
    "pick_company": ("请输入企业编号", "Company id"),
    "show": ("查看", "Show"),
    "count": ("共 {n} 条", "{n} in all"),
    "language": ("语言", "Language"),
    "signed_in_as": ("当前角色", "Signed in as"),
    "overdue": ("授信逾期", "Credit overdue"),
    "frozen": ("授信冻结", "Credit frozen"),
    "skip": ("跳到正文", "Skip to content"),
    "tracking": ("采购跟踪", "Purchase tracking"),
    "orders": ("订单", "Orders"),
    "contracts": ("合同", "Contracts"),
    "order_no": ("订单号", "Order no."),
    "contract_no": ("合同号", "Contract no."),
    "placed_on": ("下单日期", "Placed on"),
    "total": ("金额", "Total"),
    "status": ("状态", "Status"),
    "payment_status": ("付款状态", "Payment"),
    "shipping_status": ("发货状态", "Shipping"),
    "paid": ("已付", "Paid"),
    "settled": ("结算金额", "Settled"),
    "invoiced": ("已开票", "Invoiced"),
    "tonnes": ("吨数（合同/已发）", "Tonnes (contracted/shipped)"),
    "none": ("暂无。", "None."),
    "contract": ("合同", "Contract"),
    "shipments": ("发货", "Shipments"),
    "certificates": ("质保书", "Certificates"),
    "invoices": ("发票", "Invoices"),
    "objections": ("异议", "Objections"),
    "text": ("合同文本", "Contract text"),
    "digest": ("文本摘要（SHA-256，回传确认用）", "Digest (SHA-256, for confirmation)"),
    "line_no": ("行号", "Line"),
    "description": ("品名规格", "Description"),
    "unit_price": ("单价", "Unit price"),
    "weight": ("重量（吨）", "Weight (t)"),
    "shipped_at": ("发货时间", "Shipped at"),
    "vehicle": ("车船号", "Vehicle / vessel"),
    "certificate_no": ("质保书号", "Certificate no."),
    "batch_no": ("批号", "Batch"),
    "invoice_no": ("发票号", "Invoice no."),
    "claimed": ("索赔", "Claimed"),
    "audit": ("审计：流历史", "Audit: stream history"),
    "stream_id": ("流编号（账户、合同、拍品……）", "Stream id (account, contract, lot …)"),
    "as_of_moment": ("截至时刻（北京时间）", "As of (Asia/Shanghai time)"),
    "version": ("版本", "Version"),
    "last_version": ("最新版本", "Newest version"),
    "events": ("事件", "Events"),
    "state": ("当时状态", "State then"),
    "event_type": ("事件类型", "Event"),
    "time": ("时间（北京）", "Time (Shanghai)"),
    "who": ("操作人", "Who"),
    "reason": ("原因", "Reason"),
    "proof": ("包含证明", "Inclusion proof"),
    "position": ("位置", "Position"),
    "bad_input": ("输入有误：", "Invalid input: "),
    "reports": ("销售报表", "Sales reports"),
    "by": ("维度", "Break down by"),
    "by_category": ("按品类", "By category"),
    "by_region": ("按区域", "By region"),
    "by_manager": ("按客户经理", "By manager"),
    "by_customer": ("按客户", "By customer"),
    "period": ("月份", "Month"),
    "name": ("名称", "Name"),
    "ordered_amount": ("订货金额", "Ordered amount"),
    "ordered_tonnes": ("订货吨数", "Ordered tonnes"),
    "settled_amount": ("结算金额", "Settled amount"),
    "commission": ("提成", "Commission"),
    "totals": ("合计", "Totals"),
    "chart_amount": ("月度订货金额（元）", "Ordered amount by month (CNY)"),
    "chart_tonnes": ("月度订货吨数", "Ordered tonnes by month"),
    "deal_feed": ("成交动态", "Latest deals"),
    "auctions": ("竞拍", "Auctions"),
    "tiers": ("返利阶梯进度", "Rebate tier progress"),
    "policy": ("返利政策", "Policy"),
    "tier_rate": ("已达返利率", "Rate reached"),
    "next_lower": ("下一档门槛", "Next tier from"),
    "to_go": ("距下一档", "To go"),
    "progress": ("进度", "Progress"),
    "board": ("竞拍大厅", "Auction board"),
    "history": ("抢购历史", "Auction history"),
    "lot": ("拍品", "Lot"),
    "session_name": ("场次", "Session"),
    "quantity": ("数量（吨）", "Quantity (t)"),
    "highest_price": ("当前最高价", "Highest price"),
    "bids": ("出价次数", "Bids"),
    "ends_at": ("结束时间", "Ends at"),
    "outcome": ("结果", "Outcome"),
    "best_price": ("我方最高出价", "Our best bid"),
}


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    if kept in LANGS:
        return kept
    header = request.headers.get("accept-language", "").lower()
    for part in header.split(","):
        tag = part.split(";")[0].strip()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def words(lang: str) -> dict[str, str]:
    index = LANGS.index(lang) if lang in LANGS else 0
    return {key: pair[index] for key, pair in WORDS.items()}
