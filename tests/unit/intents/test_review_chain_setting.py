"""STEELYARD_INTENT_REVIEW_CHAIN: reviewer roles in order, checked when the settings are read."""

from __future__ import annotations

import pytest

from interfaces.config import ConfigError, Settings

BASE = {"STEELYARD_SECRET_KEY": "x" * 32}


def chain(value: str | None) -> tuple[str, ...]:
    env = BASE if value is None else BASE | {"STEELYARD_INTENT_REVIEW_CHAIN": value}
    return Settings.from_env(env).intent_review_chain


def test_the_default_chain_is_the_sales_supervisor_then_production_planning() -> None:
    assert chain(None) == chain("") == ("supervisor", "operator")


def test_a_chain_is_read_in_order_and_in_any_case() -> None:
    assert chain(" Finance , supervisor,operator ") == ("finance", "supervisor", "operator")
    assert chain("operator") == ("operator",)


@pytest.mark.parametrize("value", ["auditor", "supervisor,,operator", "manager", "buyer_admin"])
def test_a_chain_naming_anything_but_a_reviewer_role_stops_start_up(value: str) -> None:
    with pytest.raises(ConfigError):
        chain(value)
