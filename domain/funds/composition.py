"""Funds moves that other services compose into their own unit of work (checkout reserves stock
and funds in one save; an auction locks a bidder's deposit). They do no access checks: the
calling service has checked its own command."""

from __future__ import annotations

from uuid import UUID

from domain.accounts.customers import find_customer_in
from domain.errors import NotFoundError, ValidationError
from domain.funds.account import FundsAccount
from domain.funds.journal import JournalEntry, check_category_code
from domain.funds.reservations import Reservation
from domain.ledger import UnitOfWork
from domain.values import Money

NOT_CATEGORIES = frozenset({"unallocated", "deposit"})  # other values of a request's source


class FundsComposition:
    known_categories: frozenset[str]

    # ---- composition helpers for other services (no access checks) ---------------------
    def open_in(self, uow: UnitOfWork, company_id: UUID) -> FundsAccount:
        """The company's funds account, opened on first use."""
        funds = uow.find(FundsAccount, FundsAccount.id_for(company_id))
        if funds is None:
            if find_customer_in(uow, company_id) is None:
                raise NotFoundError("account")
            funds = FundsAccount(company_id=company_id)
            uow.add(funds)
        return funds

    def reservation_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID
    ) -> Reservation | None:
        funds = uow.find(FundsAccount, FundsAccount.id_for(company_id))
        return funds.reservation(contract_id) if funds else None

    def reserve_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, category: str, amount: Money
    ) -> Reservation:
        self._check_category(category)
        return self.open_in(uow, company_id).reserve(contract_id, category, amount)

    def release_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money | None = None
    ) -> Reservation:
        return self._existing_in(uow, company_id).release(contract_id, amount)

    def settle_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money, memo: str = ""
    ) -> Reservation:
        return self._existing_in(uow, company_id).settle(contract_id, amount, memo)

    def post_settle_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, final_amount: Money
    ) -> Reservation:
        return self._existing_in(uow, company_id).post_settle(contract_id, final_amount)

    def apply_rebate_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money
    ) -> Reservation:
        return self._existing_in(uow, company_id).apply_rebate(contract_id, amount)

    def credit_rebate_in(
        self, uow: UnitOfWork, company_id: UUID, amount: Money, reference: str
    ) -> JournalEntry:
        """返利调账 inside another service's write (a rebate period's close): once per
        reference, a second credit under it is refused (``rebate_reference_conflict``)."""
        return self.open_in(uow, company_id).credit_rebate(amount, reference)

    def compensate_in(
        self,
        uow: UnitOfWork,
        company_id: UUID,
        amount: Money,
        kind: str,
        reference: str,
        category_code: str | None = None,
    ) -> JournalEntry:
        """An objection's compensation or a return's refund, credited to the customer's funds."""
        if category_code is not None:
            self._check_category(category_code)
        return self.open_in(uow, company_id).compensate(amount, kind, reference, category_code)

    def lock_deposit_in(
        self, uow: UnitOfWork, company_id: UUID, auction_id: UUID, amount: Money
    ) -> JournalEntry:
        return self.open_in(uow, company_id).lock_deposit(auction_id, amount)

    def release_deposit_in(
        self, uow: UnitOfWork, company_id: UUID, auction_id: UUID
    ) -> JournalEntry:
        return self._existing_in(uow, company_id).release_deposit(auction_id)

    def forfeit_deposit_in(
        self, uow: UnitOfWork, company_id: UUID, auction_id: UUID, breach_notice: str
    ) -> JournalEntry:
        return self._existing_in(uow, company_id).forfeit_deposit(auction_id, breach_notice)

    def charge_breach_penalty_in(
        self,
        uow: UnitOfWork,
        company_id: UUID,
        amount: Money,
        breach_notice: str,
        source: str = "deposit",
    ) -> JournalEntry:
        self._check_source(source)
        return self._existing_in(uow, company_id).charge_breach_penalty(
            amount, breach_notice, source
        )

    def _existing_in(self, uow: UnitOfWork, company_id: UUID) -> FundsAccount:
        return uow.get(FundsAccount, FundsAccount.id_for(company_id), "funds account")

    def _check_category(self, code: str | None) -> None:
        if code is not None and check_category_code(code) not in self.known_categories:
            raise ValidationError("unknown_category", f"There is no product category {code}.")

    def _check_source(self, source: str) -> None:
        if source not in NOT_CATEGORIES:
            self._check_category(source)
