"""What both parts of a contract share: its facts, state and money secured, the checks every
command makes, and the fulfilment queries that the after-sales part reads.

``Contract`` (``domain/trading/contract.py``) is split over modules for size: its fulfilment
(``domain/trading/fulfilment.py``) and after-sales (``domain/trading/settlement.py``) commands are
mixins over ``ContractCore`` that declare their own state and appliers, so mypy checks each part
against what it really uses while the events stay on the aggregate class. Imports run one way:
the aggregate imports its parts, the parts import this module and the contract's values
(``contract_text``), and nothing here imports them.
"""

from __future__ import annotations

from domain.errors import InvalidTransitionError, ValidationError
from domain.trading.contract_text import ContractFacts, ContractLine, ContractState
from domain.values import Money, Quantity


class ContractCore:
    facts: ContractFacts
    state: ContractState
    paid_amount: Money  # funds reserved for it
    credit_drawn: Money  # drawn on the customer's credit line for it

    def line(self, line_no: int) -> ContractLine:
        for line in self.facts.lines:
            if line.line_no == line_no:
                return line
        raise ValidationError("unknown_line", f"This contract has no line {line_no}.")

    @property
    def secured_amount(self) -> Money:
        """Paid (funds reserved for it) plus drawn on the credit line."""
        return self.paid_amount + self.credit_drawn

    # ---- checks ------------------------------------------------------------------------
    def _require(self, action: str, *states: ContractState) -> None:
        if self.state not in states:
            raise self._invalid(action)

    def _invalid(self, action: str) -> InvalidTransitionError:
        return InvalidTransitionError("contract", self.state.value, action)

    @staticmethod
    def _reason(reason: str) -> str:
        if not (reason or "").strip():
            raise ValidationError("reason_required", "Give a reason.")
        return reason.strip()

    # ---- fulfilment's, defined in domain/trading/fulfilment.py (FulfilmentCommands) -----
    def shipped(self, line_no: int | None = None) -> Quantity:
        raise NotImplementedError

    def has_shipment(self, shipment_id: str) -> bool:
        raise NotImplementedError
