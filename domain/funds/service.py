"""Funds commands: payments, allocation, transfers, refunds, deposits, rebates, credit line.

Each public method is one command: check who may issue it, then ``runner.run(decide)`` loads the
funds account(s), lets the aggregate decide, and saves everything touched in one atomic write.
A funds account is opened lazily, on first use, for a company that exists.

Other services compose funds into their own unit of work with the ``*_in(uow, ...)`` helpers
(checkout reserves stock and funds in one save; an auction locks a bidder's deposit). Those do no
access checks: the calling service has checked its own command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from domain import context
from domain.access import require_buyer_permission, require_company_visible, require_role
from domain.accounts.customers import find_customer_in
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.errors import ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError
from domain.funds.account import FundsAccount, PaymentPurpose, PaymentRecord
from domain.funds.composition import FundsComposition
from domain.funds.legacy import legacy_payment
from domain.funds.requests import RefundRequest, RequestStatus, TransferRequest
from domain.funds.results import (
    Result,
    as_result,
    credit_result,
    entry_result,
    record_result,
)
from domain.funds.spent import (
    BANK_REFERENCE,
    FUNDS_REQUEST,
    REBATE_REFERENCE,
    SpentReference,
    find_spent,
    spend,
)
from domain.ledger import Claim
from domain.unit_of_work import UnitOfWork
from domain.values import Money

DEFAULT_CATEGORIES = frozenset({"HRC", "PLATE", "WIRE", "SECTION", "COLD", "REBAR"})


class FundsService(FundsComposition):
    def __init__(
        self,
        runner: CommandRunner,
        known_categories: Iterable[str] = DEFAULT_CATEGORIES,
    ) -> None:
        self.runner = runner
        self.known_categories = frozenset(known_categories)

    # ---- payments and allocation -------------------------------------------------------
    def record_payment(
        self,
        company_id: UUID,
        amount: Money,
        bank_reference: str,
        category: str | None = None,
        purpose: PaymentPurpose = PaymentPurpose.FUNDS,
    ) -> Outcome[Result]:
        """The same bank reference twice is one payment: the repeat returns the first result."""
        require_role(_actor(), Role.FINANCE)
        self._check_category(category)

        def decide(uow: UnitOfWork) -> Result:
            funds = self.open_in(uow, company_id)
            reference = bank_reference.strip() if isinstance(bank_reference, str) else ""
            claim = find_spent(uow, BANK_REFERENCE, funds.id, reference) if reference else None
            if claim is not None:
                first = _first_payment(uow, claim, funds.id, reference)
                if first is not None and (first.amount, first.category, first.purpose) == (
                    amount,
                    category,
                    purpose,
                ):
                    return record_result(company_id, first)
                elsewhere = claim.owner_id != funds.id
                raise ConflictError(
                    "bank_reference_conflict",
                    f"Bank reference {reference} was recorded for another company."
                    if elsewhere
                    else f"Bank reference {reference} is recorded already.",
                )
            payment = funds.record_payment(amount, bank_reference, category, purpose)
            detail = f"{payment.purpose.value}:{payment.category or ''}"
            spend(
                uow, BANK_REFERENCE, funds.id, payment.bank_reference, payment.entry_id,
                payment.amount, detail,
            )  # fmt: skip
            return record_result(company_id, payment)

        return self.runner.run(decide)

    def allocate(self, company_id: UUID, amount: Money, category: str) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)
        self._check_category(category)
        return self._on_account(company_id, lambda f: f.allocate(amount, category))

    # ---- transfers ---------------------------------------------------------------------
    def request_transfer(
        self,
        company_id: UUID,
        amount: Money,
        source: str,
        to_category: str | None = None,
        to_company_id: UUID | None = None,
        memo: str = "",
    ) -> Outcome[Result]:
        _require_buyer(_actor(), company_id, "refunds.request")
        self._check_source(source)
        self._check_category(to_category)

        def decide(uow: UnitOfWork) -> Result:
            funds = self.open_in(uow, company_id)
            if (
                to_company_id is not None
                and to_company_id != company_id
                and find_customer_in(uow, to_company_id) is None
            ):
                raise NotFoundError("account")
            request = funds.request_transfer(amount, source, to_category, to_company_id, memo)
            return record_result(funds.company_id, request)

        return self.runner.run(decide)

    def approve_transfer(self, company_id: UUID, transfer_id: UUID) -> Outcome[Result]:
        """Moves the money; to another company's account in the same atomic save."""
        require_role(_actor(), Role.FINANCE)

        def decide(uow: UnitOfWork) -> Result:
            funds = self._existing_in(uow, company_id)
            request = _deciding(uow, funds, "transfer", transfer_id, "approve")(
                lambda: funds.approve_transfer(transfer_id)
            )
            if request.to_company_id != company_id:
                target = self.open_in(uow, request.to_company_id)
                target.receive_transfer(request, company_id)
            return record_result(funds.company_id, request)

        return self.runner.run(decide)

    def reject_transfer(self, company_id: UUID, transfer_id: UUID, reason: str) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)
        return self._on_request(
            company_id, "transfer", transfer_id, "reject",
            lambda f: f.reject_transfer(transfer_id, reason),
        )  # fmt: skip

    # ---- refunds -----------------------------------------------------------------------
    def request_refund(
        self, company_id: UUID, amount: Money, source: str = "unallocated", memo: str = ""
    ) -> Outcome[Result]:
        """Free money only: ``source`` is "unallocated", "deposit" or a category code."""
        _require_buyer(_actor(), company_id, "refunds.request")
        self._check_source(source)
        return self._on_account(company_id, lambda f: f.request_refund(amount, source, memo))

    def approve_refund(self, company_id: UUID, refund_id: UUID) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)
        return self._on_request(
            company_id, "refund", refund_id, "approve", lambda f: f.approve_refund(refund_id)
        )

    def reject_refund(self, company_id: UUID, refund_id: UUID, reason: str) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)
        return self._on_request(
            company_id, "refund", refund_id, "reject", lambda f: f.reject_refund(refund_id, reason)
        )

    def mark_refund_paid(
        self, company_id: UUID, refund_id: UUID, bank_reference: str
    ) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)
        return self._on_request(
            company_id, "refund", refund_id, "pay",
            lambda f: f.mark_refund_paid(refund_id, bank_reference),
        )  # fmt: skip

    # ---- deposits, rebates, penalties --------------------------------------------------
    def top_up_deposit(self, company_id: UUID, amount: Money) -> Outcome[Result]:
        """From unallocated money; the buyer's own decision, so no approval is needed."""
        _require_finance_or_buyer(_actor(), company_id, "deposits.manage")
        return self._on_account(company_id, lambda f: f.top_up_deposit(amount))

    def credit_rebate(self, company_id: UUID, amount: Money, reference: str) -> Outcome[Result]:
        """返利调账. The same reference again with the same amount returns the first result."""
        require_role(_actor(), Role.FINANCE)

        def decide(uow: UnitOfWork) -> Result:
            funds = self.open_in(uow, company_id)
            ref = reference.strip() if isinstance(reference, str) else ""
            first = find_spent(uow, REBATE_REFERENCE, funds.id, ref) if ref else None
            if isinstance(first, SpentReference):
                if first.amount == amount:
                    replay = {"entry_id": first.entry_id, "kind": "rebate_credited"}
                    return {**entry_result(funds, None), **replay}
                raise ConflictError(
                    "rebate_reference_conflict", f"Rebate {ref} is credited already."
                )
            entry = funds.credit_rebate(amount, reference)
            spend(uow, REBATE_REFERENCE, funds.id, entry.reference, entry.entry_id, amount)
            return entry_result(funds, entry)

        return self.runner.run(decide)

    def charge_breach_penalty(
        self, company_id: UUID, amount: Money, breach_notice: str, source: str = "deposit"
    ) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE, Role.SYSTEM)

        def decide(uow: UnitOfWork) -> Result:
            entry = self.charge_breach_penalty_in(uow, company_id, amount, breach_notice, source)
            return entry_result(self._existing_in(uow, company_id), entry)

        return self.runner.run(decide)

    # ---- credit line -------------------------------------------------------------------
    def set_credit_line(
        self,
        company_id: UUID,
        limit: Money,
        billing_day: int,
        repayment_day: int,
        grace_days: int,
        late_fee_rate: Decimal,
    ) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)

        def decide(uow: UnitOfWork) -> Result:
            funds = self.open_in(uow, company_id)
            funds.set_credit_line(limit, billing_day, repayment_day, grace_days, late_fee_rate)
            return credit_result(funds)

        return self.runner.run(decide)

    def close_credit_line(self, company_id: UUID) -> Outcome[Result]:
        require_role(_actor(), Role.FINANCE)

        def close(funds: FundsAccount) -> Result:
            funds.close_credit_line()
            return credit_result(funds)

        return self._on_existing(company_id, close)

    def repay_credit(self, company_id: UUID, amount: Money) -> Outcome[Result]:
        """From unallocated money (a payment with purpose REPAYMENT repays directly)."""
        _require_finance_or_buyer(_actor(), company_id, "refunds.request")

        def repay(funds: FundsAccount) -> Result:
            entry = funds.repay_credit(amount)
            return {**credit_result(funds), "entry_id": entry.entry_id}

        return self._on_existing(company_id, repay)

    def issue_credit_bill(self, company_id: UUID) -> Outcome[Result]:
        """The scheduler's daily call: bills once per billing day, idempotent."""
        require_role(_actor(), Role.SYSTEM, Role.FINANCE)

        def bill(funds: FundsAccount) -> Result:
            issued = funds.issue_credit_bill()
            return {**credit_result(funds), "bill_id": issued.bill_id if issued else None}

        return self._on_existing(company_id, bill)

    def assess_credit(self, company_id: UUID) -> Outcome[Result]:
        """The scheduler's daily call: freeze overdue lines, charge late fees, unfreeze."""
        require_role(_actor(), Role.SYSTEM, Role.FINANCE)

        def assess(funds: FundsAccount) -> Result:
            fees = funds.assess_credit()
            return {**credit_result(funds), "late_fees": [e.entry_id for e in fees]}

        return self._on_existing(company_id, assess)

    # ---- queries -----------------------------------------------------------------------
    def statement(self, company_id: UUID) -> Result:
        """Balances of one account from its history (dashboards read the balances view)."""
        uow = UnitOfWork(self.runner.app)
        self._require_visible(uow, company_id)
        funds = uow.find(FundsAccount, FundsAccount.id_for(company_id))
        if funds is None:
            return {"company_id": company_id, "balances": {}, "financial_balance": Decimal("0.00")}
        return {
            **entry_result(funds, None),
            "financial_balance": funds.financial_balance().amount,
            "available_to_order": funds.available_to_order().amount,
            **credit_result(funds),
        }

    def history(self, company_id: UUID) -> list[Any]:
        """The company's funds events in order (none before its account opened), for a reader
        who may see its funds: a statement as of a moment replays them."""
        self._require_visible(UnitOfWork(self.runner.app), company_id)
        return list(self.runner.app.repository.event_store.get(FundsAccount.id_for(company_id)))

    def deposit_movements(self, company_id: UUID, auction_id: UUID) -> list[Any]:
        """The company's funds events, in order, that name the auction session (its deposit
        locked, released, forfeited): for the auction's replay, which has checked its reader.
        No access check here."""
        store = self.runner.app.repository.event_store
        return [
            event
            for event in store.get(FundsAccount.id_for(company_id))
            if getattr(event, "auction_id", None) == auction_id
        ]

    # ---- helpers -----------------------------------------------------------------------
    def _on_account(
        self, company_id: UUID, command: Callable[[FundsAccount], Any]
    ) -> Outcome[Result]:
        return self.runner.run(lambda uow: as_result(self.open_in(uow, company_id), command))

    def _on_existing(
        self, company_id: UUID, command: Callable[[FundsAccount], Any]
    ) -> Outcome[Result]:
        return self.runner.run(lambda uow: as_result(self._existing_in(uow, company_id), command))

    def _on_request(
        self,
        company_id: UUID,
        what: str,
        request_id: UUID,
        action: str,
        command: Callable[[FundsAccount], TransferRequest | RefundRequest],
    ) -> Outcome[Result]:
        def decide(uow: UnitOfWork) -> Result:
            funds = self._existing_in(uow, company_id)
            request = _deciding(uow, funds, what, request_id, action)(lambda: command(funds))
            return record_result(funds.company_id, request)

        return self.runner.run(decide)

    def _require_visible(self, uow: UnitOfWork, company_id: UUID) -> None:
        actor = _actor()
        if actor.role.is_buyer:
            require_buyer_permission(actor, company_id, "funds.view")
            return
        company = find_customer_in(uow, company_id)
        if company is None:
            raise NotFoundError("account")
        require_company_visible(actor, company_id, company.manager_id)


Request = TypeVar("Request", bound=TransferRequest | RefundRequest)


def _deciding(
    uow: UnitOfWork, funds: FundsAccount, what: str, request_id: UUID, action: str
) -> Callable[[Callable[[], Request]], Request]:
    """Run a decision on an open request; a decided one (gone from the account) is refused by
    the claim its final decision made, an unknown one is not found. A final decision (transfer
    approved or rejected, refund rejected or paid) makes that claim in the same write."""

    def run(command: Callable[[], Request]) -> Request:
        try:
            request = command()
        except NotFoundError:
            decided = find_spent(uow, FUNDS_REQUEST, funds.id, str(request_id))
            if isinstance(decided, SpentReference):
                raise InvalidTransitionError(what, decided.detail, action) from None
            raise
        if request.status in _FINAL[what]:
            spend(uow, FUNDS_REQUEST, funds.id, str(request_id), detail=request.status.value)
        return request

    return run


_FINAL = {  # an approved refund is still to be paid
    "transfer": frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED}),
    "refund": frozenset({RequestStatus.REJECTED, RequestStatus.PAID}),
}


def _first_payment(
    uow: UnitOfWork, claim: Claim, funds_id: UUID, reference: str
) -> PaymentRecord | None:
    """The payment a bank reference's claim stands for (None: another company's)."""
    if claim.owner_id != funds_id:
        return None
    if not isinstance(claim, SpentReference):
        return legacy_payment(uow, funds_id, reference)  # claimed before it held the details
    purpose, _, category = claim.detail.partition(":")
    return PaymentRecord(
        reference, claim.amount or Money.zero(), PaymentPurpose(purpose), category or None,
        claim.entry_id,  # type: ignore[arg-type]
    )  # fmt: skip


def _actor() -> Actor:
    return context.current().actor


def _require_buyer(actor: Actor, company_id: UUID, permission: str) -> None:
    if not actor.role.is_buyer:
        raise ForbiddenError("Only the customer's own users make this request.")
    require_buyer_permission(actor, company_id, permission)


def _require_finance_or_buyer(actor: Actor, company_id: UUID, permission: str) -> None:
    if actor.role.is_buyer:
        require_buyer_permission(actor, company_id, permission)
    else:
        require_role(actor, Role.FINANCE)
