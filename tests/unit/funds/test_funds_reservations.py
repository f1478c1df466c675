"""Money held for contracts: reserve, release, settle, post-settle, rebate applied."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from domain.funds.account import FundsAccount
from domain.funds.journal import reserved
from domain.values import Money
from tests.unit.funds.support import cny, events, new_account, refused


def with_credit(funds: FundsAccount, limit: str = "5000") -> FundsAccount:
    funds.set_credit_line(cny(limit), 5, 25, 3, Decimal("0.0005"))
    funds.collect_events()
    return funds


def test_reservation_takes_the_contract_category_money() -> None:
    funds, contract = new_account("1000", HRC="800"), uuid4()
    held = funds.reserve(contract, "HRC", cny("700"))
    assert events(funds) == ["FundsReserved"]
    assert (held.cash, held.credit) == (cny("700"), Money.zero())
    assert funds.balance(reserved(contract)) == cny("700")
    assert funds.available_to_order("HRC") == cny("100")


def test_reservation_beyond_the_category_money_draws_on_credit() -> None:
    funds, contract = with_credit(new_account("1000", HRC="800")), uuid4()
    held = funds.reserve(contract, "HRC", cny("1000"))
    assert (held.cash, held.credit) == (cny("800"), cny("200"))
    assert funds.balance("credit.used") == cny("-200")
    assert funds.available_to_order("HRC") == cny("4800")


def test_reservation_beyond_money_and_credit_is_refused() -> None:
    funds = with_credit(new_account("1000", HRC="800"), "200")
    error = refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("1000.01"))
    assert error.extra["available"] == "1000.00"


def test_reservation_without_a_credit_line_takes_only_category_money() -> None:
    funds = new_account("1000", HRC="800")
    refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("800.01"))


def test_unallocated_money_is_not_available_to_order() -> None:
    funds = new_account("1000")
    assert funds.available_to_order("HRC") == Money.zero()
    refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("1"))


def test_a_closed_credit_line_gives_no_credit() -> None:
    funds = with_credit(new_account("1000", HRC="800"))
    funds.close_credit_line()
    assert funds.credit_available() == Money.zero()
    refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("801"))
    refused(funds, "credit_line_not_open", funds.close_credit_line)


def test_a_limit_lowered_below_the_credit_used_stops_new_draws() -> None:
    funds = with_credit(new_account())
    funds.reserve(uuid4(), "HRC", cny("3000"))
    with_credit(funds, "1000")
    assert funds.credit_available() == Money.zero()
    refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("0.01"))


def test_a_contract_holds_money_of_one_category() -> None:
    funds, contract = new_account("1000", HRC="500", PLATE="500"), uuid4()
    funds.reserve(contract, "HRC", cny("100"))
    refused(funds, "category_mismatch", funds.reserve, contract, "PLATE", cny("100"))


def test_release_gives_money_back_where_it_came_from_repaying_credit_first() -> None:
    funds, contract = with_credit(new_account("1000", HRC="800")), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    funds.release(contract, cny("300"))
    assert funds.balance("credit.used") == Money.zero()
    assert funds.balance("category:HRC") == cny("100")
    funds.release(contract)
    assert funds.balance("category:HRC") == cny("800")
    assert funds.balance(reserved(contract)) == Money.zero()


def test_release_of_a_draw_repaid_meanwhile_comes_back_as_category_money() -> None:
    funds, contract = with_credit(new_account("1000", HRC="800")), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    funds.repay_credit(cny("200"))
    funds.release(contract)
    assert funds.balance("credit.used") == Money.zero()
    assert funds.balance("category:HRC") == cny("1000")
    assert funds.financial_balance() == cny("1000")


def test_release_above_what_is_reserved_is_refused() -> None:
    funds, contract = new_account("1000", HRC="800"), uuid4()
    funds.reserve(contract, "HRC", cny("500"))
    refused(funds, "exceeds_reserved", funds.release, contract, cny("500.01"))


def test_release_with_nothing_reserved_is_refused() -> None:
    funds, contract = new_account("1000", HRC="800"), uuid4()
    funds.reserve(contract, "HRC", cny("500"))
    funds.release(contract)
    refused(funds, "nothing_reserved", funds.release, contract)
    refused(funds, "not_found", funds.release, uuid4())


def test_settlement_moves_reserved_money_to_seller_revenue_in_parts() -> None:
    funds, contract = new_account("1000", HRC="800"), uuid4()
    funds.reserve(contract, "HRC", cny("800"))
    funds.settle(contract, cny("300"), "shipment 1")
    held = funds.settle(contract, cny("200"), "shipment 2")
    assert events(funds)[-1] == "ReservationSettled"
    assert funds.balance("seller.revenue") == cny("500")
    assert (held.remaining, held.settled) == (cny("300"), cny("500"))


def test_settling_more_than_is_reserved_is_refused() -> None:
    funds, contract = new_account("1000", HRC="800"), uuid4()
    funds.reserve(contract, "HRC", cny("800"))
    refused(funds, "exceeds_reserved", funds.settle, contract, cny("800.01"))


def test_settlement_spends_the_customer_money_before_the_credit_draw() -> None:
    funds, contract = with_credit(new_account("1000", HRC="800")), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    held = funds.settle(contract, cny("700"))
    assert (held.cash, held.credit) == (cny("100"), cny("200"))


def test_post_settlement_releases_the_surplus_and_closes_the_contract() -> None:
    funds, contract = new_account("1000", HRC="1000"), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    funds.settle(contract, cny("600"))
    closed = funds.post_settle(contract, cny("940"))
    assert events(funds)[-1] == "ContractPostSettled"
    assert funds.balance("seller.revenue") == cny("940")
    assert funds.balance("category:HRC") == cny("60")
    assert closed.closed and closed.remaining == Money.zero()
    assert funds.reservation(contract) is None  # closed: it leaves the account
    refused(funds, "not_found", funds.settle, contract, cny("1"))  # the service: reservation_closed


def test_post_settlement_charges_a_shortfall_from_the_category_then_credit() -> None:
    funds, contract = with_credit(new_account("1200", HRC="1050")), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    funds.post_settle(contract, cny("1100"))
    assert funds.balance("seller.revenue") == cny("1100")
    assert funds.balance("category:HRC") == Money.zero()
    assert funds.balance("credit.used") == cny("-50")


def test_post_settlement_shortfall_beyond_money_and_credit_is_refused() -> None:
    funds, contract = new_account("1000", HRC="1000"), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    refused(funds, "insufficient_funds", funds.post_settle, contract, cny("1000.01"))


def test_post_settlement_gives_back_what_was_over_settled() -> None:
    funds, contract = new_account("1000", HRC="1000"), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    funds.settle(contract, cny("1000"))
    funds.post_settle(contract, cny("950"))
    assert funds.balance("seller.revenue") == cny("950")
    assert funds.balance("category:HRC") == cny("50")


def test_post_settlement_to_a_negative_amount_is_refused() -> None:
    funds, contract = new_account("1000", HRC="1000"), uuid4()
    funds.reserve(contract, "HRC", cny("1000"))
    refused(funds, "invalid_amount", funds.post_settle, contract, cny("-1"))


def test_rebate_applied_to_a_contract_is_held_for_it_and_spent_first() -> None:
    funds, contract = new_account("1000", HRC="1000"), uuid4()
    funds.credit_rebate(cny("100"), "2026-Q1")
    funds.apply_rebate(contract, cny("100"))
    funds.reserve(contract, "HRC", cny("900"))
    assert funds.balance(reserved(contract)) == cny("1000")
    held = funds.settle(contract, cny("100"))
    assert (held.rebate, held.cash) == (Money.zero(), cny("900"))
    assert funds.financial_balance() == cny("1000")


def test_applying_more_rebate_than_credited_is_refused() -> None:
    funds = new_account()
    funds.credit_rebate(cny("100"), "2026-Q1")
    refused(funds, "insufficient_rebate", funds.apply_rebate, uuid4(), cny("100.01"))


def test_released_rebate_returns_to_the_rebate_bucket() -> None:
    funds, contract = new_account(), uuid4()
    funds.credit_rebate(cny("100"), "2026-Q1")
    funds.apply_rebate(contract, cny("60"))
    funds.release(contract)
    assert funds.balance("rebate") == cny("100")
