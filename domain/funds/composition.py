"""Funds moves that other services compose into their own unit of work (checkout reserves stock
and funds in one save; an auction locks a bidder's deposit). They do no access checks: the
calling service has checked its own command.

References spent once (breach notices, compensation keys, a post-settled contract) are checked
against their store-wide claims and claimed in the same write (``domain/funds/spent.py``); an
account opened before those claims existed has its old references claimed first
(``domain/funds/legacy.py``), whenever a command loads it here."""

from __future__ import annotations

from uuid import UUID

from domain.accounts.customers import find_customer_in
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.funds.account import FundsAccount, compensation_key
from domain.funds.deposits import breach_notice_text
from domain.funds.journal import JournalEntry, check_category_code, require_amount
from domain.funds.legacy import claim_legacy_references
from domain.funds.reservations import Reservation
from domain.funds.spent import (
    BREACH_NOTICE,
    COMPENSATION,
    REBATE_REFERENCE,
    RESERVATION_CLOSED,
    find_spent,
    spend,
)
from domain.unit_of_work import UnitOfWork
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
        claim_legacy_references(uow, funds)
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
        funds = self.open_in(uow, company_id)
        self._refuse_closed(uow, funds, contract_id)
        return funds.reserve(contract_id, category, amount)

    def release_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money | None = None
    ) -> Reservation:
        funds = self._existing_in(uow, company_id)
        self._refuse_closed(uow, funds, contract_id)
        return funds.release(contract_id, amount)

    def settle_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money, memo: str = ""
    ) -> Reservation:
        funds = self._existing_in(uow, company_id)
        self._refuse_closed(uow, funds, contract_id)
        return funds.settle(contract_id, amount, memo)

    def post_settle_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, final_amount: Money
    ) -> Reservation:
        funds = self._existing_in(uow, company_id)
        self._refuse_closed(uow, funds, contract_id)
        closed = funds.post_settle(contract_id, final_amount)
        spend(uow, RESERVATION_CLOSED, funds.id, str(contract_id))
        return closed

    def apply_rebate_in(
        self, uow: UnitOfWork, company_id: UUID, contract_id: UUID, amount: Money
    ) -> Reservation:
        funds = self._existing_in(uow, company_id)
        self._refuse_closed(uow, funds, contract_id)
        return funds.apply_rebate(contract_id, amount)

    def credit_rebate_in(
        self, uow: UnitOfWork, company_id: UUID, amount: Money, reference: str
    ) -> JournalEntry:
        """返利调账 inside another service's write (a rebate period's close): once per
        reference, a second credit under it is refused (``rebate_reference_conflict``)."""
        funds = self.open_in(uow, company_id)
        ref = reference.strip() if isinstance(reference, str) else ""
        if ref and find_spent(uow, REBATE_REFERENCE, funds.id, ref) is not None:
            raise ConflictError("rebate_reference_conflict", f"Rebate {ref} is credited already.")
        entry = funds.credit_rebate(amount, reference)
        spend(uow, REBATE_REFERENCE, funds.id, entry.reference, entry.entry_id, amount)
        return entry

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
        funds = self.open_in(uow, company_id)
        key = compensation_key(kind, reference) if require_amount(amount) else ""
        if find_spent(uow, COMPENSATION, funds.id, key) is not None:
            raise ConflictError("already_compensated", f"{key} is compensated already.")
        entry = funds.compensate(amount, kind, reference, category_code)
        spend(uow, COMPENSATION, funds.id, key, entry.entry_id, amount)
        return entry

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
        funds = self._existing_in(uow, company_id)
        notice = self._new_breach_notice(uow, funds, breach_notice)
        entry = funds.forfeit_deposit(auction_id, notice)
        spend(uow, BREACH_NOTICE, funds.id, notice, entry.entry_id)
        return entry

    def charge_breach_penalty_in(
        self,
        uow: UnitOfWork,
        company_id: UUID,
        amount: Money,
        breach_notice: str,
        source: str = "deposit",
    ) -> JournalEntry:
        self._check_source(source)
        funds = self._existing_in(uow, company_id)
        notice = self._new_breach_notice(uow, funds, breach_notice)
        entry = funds.charge_breach_penalty(amount, notice, source)
        spend(uow, BREACH_NOTICE, funds.id, notice, entry.entry_id, amount)
        return entry

    def _existing_in(self, uow: UnitOfWork, company_id: UUID) -> FundsAccount:
        funds = uow.get(FundsAccount, FundsAccount.id_for(company_id), "funds account")
        claim_legacy_references(uow, funds)
        return funds

    @staticmethod
    def _new_breach_notice(uow: UnitOfWork, funds: FundsAccount, breach_notice: str) -> str:
        notice = breach_notice_text(breach_notice)
        if find_spent(uow, BREACH_NOTICE, funds.id, notice) is not None:
            raise ConflictError("breach_notice_conflict", f"Breach {notice} is charged already.")
        return notice

    @staticmethod
    def _refuse_closed(uow: UnitOfWork, funds: FundsAccount, contract_id: UUID) -> None:
        """A contract's reservation that was post-settled is closed for good."""
        if (
            funds.reservation(contract_id) is None
            and not uow.is_new(contract_id)
            and (find_spent(uow, RESERVATION_CLOSED, funds.id, str(contract_id)) is not None)
        ):
            raise ConflictError("reservation_closed", "This contract was post-settled already.")

    def _check_category(self, code: str | None) -> None:
        if code is not None and check_category_code(code) not in self.known_categories:
            raise ValidationError("unknown_category", f"There is no product category {code}.")

    def _check_source(self, source: str) -> None:
        if source not in NOT_CATEGORIES:
            self._check_category(source)
