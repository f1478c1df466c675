"""Reads the ERP's customer export (CSV) into registry entries."""

from __future__ import annotations

import csv
import io

from domain.accounts.identity import normalise_credit_code
from domain.accounts.staff import RegistryEntry
from domain.errors import ValidationError

REQUIRED = ("credit_code", "name", "customer_no")
MAX_ROWS = 100_000


def parse_registry_csv(text: str) -> tuple[RegistryEntry, ...]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise ValidationError(
            "invalid_csv", f"The CSV header must name {', '.join(REQUIRED)}; missing {missing}."
        )
    entries: list[RegistryEntry] = []
    for line, row in enumerate(reader, start=2):
        if len(entries) >= MAX_ROWS:
            raise ValidationError("invalid_csv", f"At most {MAX_ROWS} rows per import.")
        try:
            code = normalise_credit_code(row["credit_code"])
        except ValidationError as exc:
            raise ValidationError("invalid_csv", f"line {line}: {exc.detail}") from None
        name, number = (row["name"] or "").strip(), (row["customer_no"] or "").strip()
        if not name or not number:
            raise ValidationError("invalid_csv", f"line {line}: name and customer_no are required")
        entries.append(RegistryEntry(code, name, number, (row.get("region") or "").strip()))
    return tuple(entries)
