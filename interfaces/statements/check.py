"""Checking a balance confirmation: its signature, then every figure recomputed from the store.

Each problem is one line naming what differs: ``figure financial_balance: the statement says
1500.00, the store says 1000.00``, ``bucket category:HRC: …``, ``journal entry <id> …``,
``open contract <no> …``, or what is wrong with the signature.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import DomainError
from domain.ledger import Ledger
from interfaces.statements.build import Period, statement_body
from interfaces.statements.signing import signature_problems

NOT_RECOMPUTED = frozenset({"issued_at", "issued_by"})  # when and by whom, not what


def read_document(path: Path) -> dict[str, Any]:
    """The signed statement in ``path``; ValueError naming what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a JSON statement: {error}") from None
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a signed statement (an object)")
    return document


def check_document(ledger: Ledger, document: dict[str, Any], platform_pem: str) -> list[str]:
    """Every problem found; none when the signature holds and every figure matches."""
    problems = signature_problems(document, platform_pem)
    statement = document.get("statement")
    if isinstance(statement, dict):
        problems += figure_problems(ledger, statement)
    return problems


def figure_problems(ledger: Ledger, statement: dict[str, Any]) -> list[str]:
    try:
        period = Period(
            UUID(str(statement["company"]["id"])),
            date.fromisoformat(str(statement["as_of"])),
            datetime.fromisoformat(str(statement["cutoff"])),
        )
    except (KeyError, TypeError, ValueError):
        return ["the statement does not name its company, as_of date and cutoff"]
    try:
        store = statement_body(ledger, period)
    except DomainError as error:
        return [f"the store cannot recompute it: {error.detail}"]
    return compare(statement, store)


def compare(said: dict[str, Any], store: dict[str, Any]) -> list[str]:
    problems = []
    for part in sorted(set(said) | set(store)):
        if part in NOT_RECOMPUTED:
            continue
        mine, theirs = said.get(part), store.get(part)
        if part == "figures":
            problems += _by_name("figure", mine, theirs)
        elif part == "buckets":
            problems += _by_name("bucket", mine, theirs)
        elif part == "journal":
            problems += _by_id("journal entry", "entry_id", mine, theirs)
        elif part == "open_contracts":
            problems += _by_id("open contract", "contract_id", mine, theirs)
        elif mine != theirs:
            problems.append(_differs(part, mine, theirs))
    return problems


def _differs(what: str, said: Any, store: Any) -> str:
    return f"{what}: the statement says {_show(said)}, the store says {_show(store)}"


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _by_name(what: str, said: Any, store: Any) -> list[str]:
    if not isinstance(said, dict):
        return [_differs(f"{what}s", said, store)]
    return [
        _differs(f"{what} {name}", said.get(name), store.get(name))
        for name in sorted(set(said) | set(store))
        if said.get(name) != store.get(name)
    ]


def _by_id(what: str, key: str, said: Any, store: Any) -> list[str]:
    if not isinstance(said, list) or not all(isinstance(item, dict) for item in said):
        return [_differs(f"{what}s", said, store)]
    mine = {str(item.get(key)): item for item in said}
    theirs = {str(item.get(key)): item for item in store}
    problems = []
    for ident in sorted(set(mine) | set(theirs)):
        a, b = mine.get(ident), theirs.get(ident)
        if a is None:
            problems.append(f"{what} {ident}: in the store, missing from the statement")
        elif b is None:
            problems.append(f"{what} {ident}: in the statement, not in the store")
        else:
            problems += [
                _differs(f"{what} {ident} {field}", a.get(field), b.get(field))
                for field in sorted(set(a) | set(b))
                if a.get(field) != b.get(field)
            ]
    if not problems and [str(i.get(key)) for i in said] != [str(i.get(key)) for i in store]:
        problems.append(f"{what}s: in another order than the store's")
    return problems
