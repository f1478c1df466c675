"""Reads the ERP's customer export (CSV) into registry entries.

The export comes from Chinese Excel as GBK/GB18030 ("CSV" in Excel's save dialog), or as UTF-8
with or without a byte-order mark ("CSV UTF-8"): `decode_registry` accepts all three. Every bad
row is reported with its line number, all of them at once, and nothing is imported.
"""

from __future__ import annotations

import csv
import io

from domain.accounts.identity import normalise_credit_code
from domain.accounts.staff import RegistryEntry
from domain.errors import ValidationError

REQUIRED = ("credit_code", "name", "customer_no")
MAX_ROWS = 100_000
SHOWN_PROBLEMS = 20  # the detail names this many bad lines; `errors` lists them all


def decode_registry(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "invalid_csv_encoding",
            f"The file is neither UTF-8 nor GBK/GB18030 text (bad byte at offset {exc.start}).",
        ) from None


def parse_registry_csv(text: str) -> tuple[RegistryEntry, ...]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        fieldnames = [name.strip() for name in reader.fieldnames or ()]
    except csv.Error as exc:
        raise ValidationError("invalid_csv", f"line 1: {exc}") from None
    missing = [c for c in REQUIRED if c not in fieldnames]
    if missing:
        raise ValidationError(
            "invalid_csv",
            f"line 1: the CSV header must name {', '.join(REQUIRED)}; "
            f"missing {', '.join(missing)}.",
        )
    reader.fieldnames = fieldnames
    entries: list[RegistryEntry] = []
    problems: list[dict[str, object]] = []
    try:
        for row in reader:
            if len(entries) + len(problems) >= MAX_ROWS:
                raise ValidationError("invalid_csv", f"At most {MAX_ROWS} rows per import.")
            try:
                entries.append(_entry(row))
            except ValidationError as exc:
                problems.append({"line": reader.line_num, "detail": exc.detail})
    except csv.Error as exc:
        problems.append({"line": reader.line_num, "detail": str(exc)})
    if problems:
        raise ValidationError("invalid_csv", _summary(problems), errors=problems)
    return tuple(entries)


def _entry(row: dict[str, str | None]) -> RegistryEntry:
    code = normalise_credit_code((row.get("credit_code") or "").strip())
    name, number = (row.get("name") or "").strip(), (row.get("customer_no") or "").strip()
    if not name or not number:
        raise ValidationError("invalid_csv", "name and customer_no are required")
    return RegistryEntry(code, name, number, (row.get("region") or "").strip())


def _summary(problems: list[dict[str, object]]) -> str:
    shown = "; ".join(f"line {p['line']}: {p['detail']}" for p in problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    tail = f"; and {more} more" if more > 0 else ""
    return f"{len(problems)} bad row(s), nothing imported: {shown}{tail}"
