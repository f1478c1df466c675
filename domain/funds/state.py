"""What every part of a funds account shares: the ledger's state, the helpers that need no event,
and the credit line's queries that the other parts draw on.

``FundsAccount`` (``domain/funds/account.py``) is split over several modules for size: its command
mixins (deposits, reservations, requests, credit) each subclass ``FundsState`` and declare the
state and the appliers that are theirs, so mypy checks every part against what it really uses
while the events stay on the aggregate class. Imports run one way: the aggregate imports its
parts, the parts import this module and the journal, and nothing here imports them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.errors import ValidationError
from domain.funds.journal import CREDIT_USED, JournalEntry, check_entry, make_entry
from domain.values import Money

_ZERO = Decimal("0.00")
MAX_MEMO = 200


class FundsState:
    """Only what the account's rules decide on: the history is its events (the journal, payment
    records, settled reservations, decided requests, spent references are read from the events
    or a read model; references that must stay unique forever are store-wide claims)."""

    company_id: UUID
    _balances: dict[str, Decimal]  # bucket → amount (customer money positive); never zero
    _debt_added: Decimal  # all debt ever added (draws, fees): what bills are paid from
    _debt_by_day: dict[date, Decimal]  # debt added per business date, since the last bill

    def balance(self, bucket: str) -> Money:
        return Money(self._balances.get(bucket, _ZERO))

    def _checked(
        self, kind: str, moves: list[tuple[str, Money]], memo: str = "", reference: str = ""
    ) -> JournalEntry:
        """The entry for these moves, refused unless it balances and every bucket stays legal."""
        entry = make_entry(kind, moves, memo, reference)
        check_entry(self._balances, entry)
        return entry

    def _post(self, entry: JournalEntry) -> None:
        """Apply an entry's lines (a bucket back at zero is forgotten) and count added debt."""
        for bucket, delta in entry.deltas().items():
            after = self._balances.get(bucket, _ZERO) + delta
            if after == 0:
                self._balances.pop(bucket, None)
            else:
                self._balances[bucket] = after
        added = -min(_ZERO, entry.delta(CREDIT_USED))
        if added:
            self._debt_added += added
            day = entry.posted_on
            self._debt_by_day[day] = self._debt_by_day.get(day, _ZERO) + added
        if entry.delta(CREDIT_USED) > 0:
            self._forget_paid_bills()

    @staticmethod
    def _memo(memo: str) -> str:
        if not isinstance(memo, str) or len(memo) > MAX_MEMO:
            raise ValidationError("invalid_memo", f"A memo is text of at most {MAX_MEMO} chars.")
        return memo.strip()

    # the credit line's, defined in ``domain/funds/credit.py`` (CreditCommands)

    def credit_used(self) -> Money:
        raise NotImplementedError

    def _split_with_credit(self, bucket: str, amount: Money) -> tuple[Money, Money]:
        """How much of an amount the bucket pays and how much is drawn on credit."""
        raise NotImplementedError

    def _unfreeze_if_nothing_overdue(self) -> None:
        raise NotImplementedError

    def _forget_paid_bills(self) -> None:
        """Keep the last bill (the next one starts from it) and those not fully paid."""
        raise NotImplementedError
