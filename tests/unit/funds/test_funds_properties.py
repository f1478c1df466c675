"""Ledger invariants under any sequence of commands, allowed or refused (hypothesis, stateful).

After every step: every entry balances, the buckets sum to zero and equal the journal's lines
(the entries of the events recorded: the account keeps no journal of its own),
no bucket but credit.used and seller.* is negative, credit.used is never positive, each
reservation equals its bucket, and a refused command recorded nothing. At the end, the accounts
are saved to an in-memory store (through the orjson transcoder) and read back: the rebuilt
aggregates equal the live ones.

Two machines share the contract and credit rules: one starts on credit and lets time pass a lot
(bills, freezes, late fees, repayments); the other adds every other command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain import context
from domain.context import CommandContext, FrozenClock
from domain.errors import DomainError
from domain.funds.account import FundsAccount, PaymentPurpose
from domain.funds.journal import may_go_negative, reserved
from domain.ledger import Ledger
from domain.values import Money

CATEGORIES = st.sampled_from(["HRC", "PLATE"])
SOURCES = st.sampled_from(["unallocated", "deposit", "HRC", "PLATE"])
# Mostly round amounts that often fit what is there, sometimes odd, zero or negative ones.
ROUND = st.sampled_from(["0.01", "10", "50", "100", "100", "200", "500", "1000", "3000"])
ODD = st.integers(min_value=-100, max_value=300_000).map(lambda c: Decimal(c) / 100)
AMOUNTS = st.one_of(ROUND.map(Decimal), ROUND.map(Decimal), ODD).map(Money)
PICK = st.integers(min_value=0, max_value=7)
# (paid in, allocated to each of HRC and PLATE, credit limit)
STARTS = [
    ("0", "0", None),
    ("100000", "20000", "50000"),
    ("100000", "20000", None),
    ("6000", "500", "20000"),
]
POPO = {
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
}
SETTINGS = settings(
    max_examples=120,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def state_of(funds: FundsAccount) -> dict[str, Any]:
    return {k: v for k, v in vars(funds).items() if k != "_pending_events"}


class LedgerMachine(RuleBasedStateMachine):
    """Contracts and the credit line; the invariants; the rebuild check."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = CommandContext(clock=FrozenClock(datetime(2026, 3, 1, 2, tzinfo=UTC)))
        with context.acting(self.ctx):
            self.a = FundsAccount(company_id=uuid4())
            self.b = FundsAccount(company_id=uuid4())
        self.contracts = [uuid4() for _ in range(3)]
        self.refs = 0

    def setup(self, paid: str, allocated: str, limit: str | None) -> None:
        a = self.a
        self.attempt(a, lambda: a.record_payment(Money.parse(paid), "START"))
        for code in ("HRC", "PLATE"):
            self.attempt(a, partial(a.allocate, Money.parse(allocated), code))
        self.attempt(a, lambda: a.top_up_deposit(Money.parse("5000")))
        if limit is not None:
            terms = (Money.parse(limit), 5, 25, 2, Decimal("0.0005"))
            self.attempt(a, lambda: a.set_credit_line(*terms))

    def attempt(self, funds: FundsAccount, command: Callable[[], Any]) -> Any:
        """Run a command; when it is refused it must have recorded and changed nothing."""
        before = (len(funds.pending_events), state_of(funds))
        with context.acting(self.ctx):
            try:
                return command()
            except DomainError:
                assert (len(funds.pending_events), state_of(funds)) == before
                return None

    def held_contracts(self) -> list[UUID]:
        return [c for c in self.contracts if self.a.reservation(c) is not None]

    @staticmethod
    def pick(items: list[Any], index: int) -> Any:
        return items[index % len(items)]

    def reference(self, prefix: str) -> str:
        self.refs += 1
        return f"{prefix}{self.refs}"

    @rule(amount=AMOUNTS, code=st.none() | CATEGORIES, purpose=st.sampled_from(PaymentPurpose))
    def pay(self, amount: Money, code: str | None, purpose: PaymentPurpose) -> None:
        ref = self.reference("B")
        self.attempt(self.a, lambda: self.a.record_payment(amount, ref, code, purpose))

    @rule(index=PICK, code=CATEGORIES, amount=AMOUNTS)
    def reserve(self, index: int, code: str, amount: Money) -> None:
        contract = self.pick(self.contracts, index)
        self.attempt(self.a, lambda: self.a.reserve(contract, code, amount))

    @precondition(lambda self: self.held_contracts())
    @rule(index=PICK, amount=st.none() | AMOUNTS, settle=st.booleans())
    def release_or_settle(self, index: int, amount: Money | None, settle: bool) -> None:
        contract = self.pick(self.held_contracts(), index)
        if settle:
            self.attempt(self.a, lambda: self.a.settle(contract, amount or Money.zero()))
        else:
            self.attempt(self.a, lambda: self.a.release(contract, amount))

    @precondition(lambda self: self.held_contracts())
    @rule(index=PICK, final=AMOUNTS)
    def post_settle(self, index: int, final: Money) -> None:
        contract = self.pick(self.held_contracts(), index)
        self.attempt(self.a, lambda: self.a.post_settle(contract, final))

    @rule(limit=AMOUNTS, day=st.integers(0, 29), grace=st.integers(0, 5))
    def set_credit_line(self, limit: Money, day: int, grace: int) -> None:
        rate = Decimal("0.0005")
        self.attempt(self.a, lambda: self.a.set_credit_line(limit, day, 25, grace, rate))

    @rule(amount=st.none() | AMOUNTS, close=st.booleans())
    def repay_or_close(self, amount: Money | None, close: bool) -> None:
        """Repay part of the line from unallocated money, all of it by a payment, or close it."""
        ref, used = self.reference("REPAY"), self.a.credit_used()
        if close:
            self.attempt(self.a, self.a.close_credit_line)
        elif amount is None:
            repayment = PaymentPurpose.REPAYMENT
            self.attempt(self.a, lambda: self.a.record_payment(used, ref, purpose=repayment))
        else:
            self.attempt(self.a, lambda: self.a.repay_credit(amount))

    @rule(days=st.integers(0, 40))
    def days_pass(self, days: int) -> None:
        """Time moves on and the scheduler bills and assesses the credit line, as it does daily."""
        self.ctx.clock.advance(days=days)  # type: ignore[attr-defined]
        self.attempt(self.a, self.a.issue_credit_bill)
        self.attempt(self.a, self.a.assess_credit)

    @invariant()
    def ledger_holds(self) -> None:
        for funds in (self.a, self.b):
            journal = [e.entry for e in funds.pending_events if getattr(e, "entry", None)]
            assert all(entry.is_balanced() for entry in journal)
            sums: dict[str, Decimal] = {}
            for entry in journal:
                for bucket, delta in entry.deltas().items():
                    sums[bucket] = sums.get(bucket, Decimal(0)) + delta
            assert {b: Money(s) for b, s in sums.items() if s} == funds.balances()
            assert sum(sums.values(), Decimal(0)) == 0
            assert all(s >= 0 or may_go_negative(b) for b, s in sums.items())
            assert not funds.balance("credit.used").is_positive()
            assert not funds.financial_balance().is_negative()
            for contract in self.contracts:
                held = funds.reservation(contract)
                expected = held.remaining if held else Money.zero()
                assert funds.balance(reserved(contract)) == expected

    def teardown(self) -> None:
        app = Ledger(env=POPO)
        for funds in (self.a, self.b):
            expected = state_of(funds)
            app.save(funds)
            rebuilt: FundsAccount = app.repository.get(funds.id)
            assert state_of(rebuilt) == expected


class CreditMachine(LedgerMachine):
    @initialize(paid=st.sampled_from(["0", "2000"]), limit=st.sampled_from(["3000", "20000"]))
    def begin(self, paid: str, limit: str) -> None:
        """Some money in HRC, a credit line, and a contract already drawing on it."""
        self.setup(paid, "500" if paid != "0" else "0", limit)
        self.attempt(self.a, lambda: self.a.reserve(self.contracts[0], "HRC", Money.parse("2500")))


class FundsMachine(LedgerMachine):
    def __init__(self) -> None:
        super().__init__()
        self.auctions = [uuid4() for _ in range(2)]
        self.transfers: list[UUID] = []
        self.refunds: list[UUID] = []

    @initialize(start=st.sampled_from(STARTS))
    def begin(self, start: tuple[str, str, str | None]) -> None:
        self.setup(*start)

    @rule(amount=AMOUNTS, code=CATEGORIES)
    def allocate(self, amount: Money, code: str) -> None:
        self.attempt(self.a, lambda: self.a.allocate(amount, code))

    @rule(amount=AMOUNTS, source=SOURCES, to=st.none() | CATEGORIES, other=st.booleans())
    def request_transfer(self, amount: Money, source: str, to: str | None, other: bool) -> None:
        company = self.b.company_id if other else None
        made = self.attempt(self.a, lambda: self.a.request_transfer(amount, source, to, company))
        if made is not None:
            self.transfers.append(made.transfer_id)

    @precondition(lambda self: self.transfers)
    @rule(index=PICK, approve=st.booleans())
    def decide_transfer(self, index: int, approve: bool) -> None:
        transfer_id = self.pick(self.transfers, index)
        if not approve:
            self.attempt(self.a, lambda: self.a.reject_transfer(transfer_id, "no"))
            return
        done = self.attempt(self.a, lambda: self.a.approve_transfer(transfer_id))
        if done is not None and done.to_company_id == self.b.company_id:
            with context.acting(self.ctx):
                self.b.receive_transfer(done, self.a.company_id)  # must never fail

    @rule(amount=AMOUNTS, source=SOURCES)
    def request_refund(self, amount: Money, source: str) -> None:
        made = self.attempt(self.a, lambda: self.a.request_refund(amount, source))
        if made is not None:
            self.refunds.append(made.refund_id)

    @precondition(lambda self: self.refunds)
    @rule(index=PICK, step=st.sampled_from(["approve", "reject", "pay"]))
    def decide_refund(self, index: int, step: str) -> None:
        refund_id = self.pick(self.refunds, index)
        commands = {
            "approve": lambda: self.a.approve_refund(refund_id),
            "reject": lambda: self.a.reject_refund(refund_id, "no"),
            "pay": lambda: self.a.mark_refund_paid(refund_id, "OUT"),
        }
        self.attempt(self.a, commands[step])

    @rule(amount=AMOUNTS, index=PICK, apply=st.booleans())
    def rebate(self, amount: Money, index: int, apply: bool) -> None:
        contract = self.pick(self.contracts, index)
        if apply:
            self.attempt(self.a, lambda: self.a.apply_rebate(contract, amount))
        else:
            ref = self.reference("R")
            self.attempt(self.a, lambda: self.a.credit_rebate(amount, ref))

    @rule(amount=AMOUNTS, index=PICK, step=st.sampled_from(["top_up", "lock", "free", "forfeit"]))
    def deposit(self, amount: Money, index: int, step: str) -> None:
        auction = self.pick(self.auctions, index)
        notice = self.reference("BN")
        commands = {
            "top_up": lambda: self.a.top_up_deposit(amount),
            "lock": lambda: self.a.lock_deposit(auction, amount),
            "free": lambda: self.a.release_deposit(auction),
            "forfeit": lambda: self.a.forfeit_deposit(auction, notice),
        }
        self.attempt(self.a, commands[step])

    @rule(amount=AMOUNTS, source=SOURCES)
    def breach_penalty(self, amount: Money, source: str) -> None:
        notice = self.reference("P")
        self.attempt(self.a, lambda: self.a.charge_breach_penalty(amount, notice, source))


CreditMachine.TestCase.settings = SETTINGS
FundsMachine.TestCase.settings = SETTINGS
test_credit_line_keeps_the_ledger_invariants = CreditMachine.TestCase
test_any_funds_commands_keep_the_ledger_invariants = FundsMachine.TestCase
