"""Events survive the trip through the store's encoding with their exact types."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.accounts.account import CompanyInfo, Contact
from domain.context import Cause, Role
from domain.values import Money, Quantity
from interfaces.persistence.transcoder import OrjsonTranscoder


def test_value_types_round_trip_exactly() -> None:
    transcoder = OrjsonTranscoder()
    state = {
        "id": uuid4(),
        "amount": Money(Decimal("1234.50")),
        "tonnes": Quantity(Decimal("27.125")),
        "raw": Decimal("0.10"),
        "at": datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
        "day": date(2026, 11, 26),
        "role": Role.FINANCE,
        "lines": (Money(Decimal("1.00")), Money(Decimal("2.00"))),
        "perms": frozenset({"a", "b"}),
        "company": CompanyInfo("Acme", "X", "addr", "east", (Contact("Li", "138"),)),
        "cause": Cause(None, "system", "-"),
        "nested": {"list": [1, "two", None, True]},
    }
    decoded = transcoder.decode(transcoder.encode(state))
    assert decoded == state
    assert isinstance(decoded["lines"], tuple)
    assert str(decoded["raw"]) == "0.10"  # the exponent survives too


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        OrjsonTranscoder().encode({"amount": 1.5})


def test_a_cause_stored_before_command_ids_decodes_without_one() -> None:
    stored = (
        b'{"cause":{"_t":"obj","_v":["domain.context:Cause",'
        b'{"user_id":null,"role":"system","request_id":"-"}]}}'
    )
    cause = OrjsonTranscoder().decode(stored)["cause"]
    assert cause == Cause(None, "system", "-")
    assert cause.command_id is None
