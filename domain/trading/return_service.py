"""Returns after receipt: the buyer asks, the seller reviews, the warehouse enters the goods,
finance refunds the returned lines into the customer's funds. Partial per line; the rest of the
order is unaffected."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import require_buyer_permission, require_role
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.funds.service import FundsService
from domain.trading.contract import Contract
from domain.trading.order import Order, ReturnRequest
from domain.trading.settled import AdjustedHook, AdjustedItem, ContractAdjustment
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity

Result = dict[str, Any]


class ReturnService:
    def __init__(self, runner: CommandRunner, funds: FundsService) -> None:
        self.runner = runner
        self.funds = funds
        self._adjusted_hooks: list[AdjustedHook] = []

    def on_adjusted(self, hook: AdjustedHook) -> None:
        """Run ``hook(uow, adjustment)`` in the write of every return's refund, once per
        contract whose lines came back (the rebates correct their accrual there)."""
        self._adjusted_hooks.append(hook)

    def request_return(
        self, order_id: UUID, lines: tuple[tuple[int, Quantity], ...], reason: str
    ) -> Outcome[Result]:
        actor = context.current().actor
        return_id = uuid4()

        def decide(uow: UnitOfWork) -> Result:
            order = uow.get(Order, order_id, "order")
            require_buyer_permission(actor, order.account_id, "refunds.request")
            amount = order.request_return(return_id, lines, reason)
            return {"return_id": return_id, "amount": amount.amount, "state": "requested"}

        return self.runner.run(decide)

    def review_return(
        self, order_id: UUID, return_id: UUID, approve: bool, note: str
    ) -> Outcome[Result]:
        require_role(context.current().actor, Role.OPERATOR, Role.SUPERVISOR)
        return self._return_step(
            order_id, return_id, lambda uow, o: o.review_return(return_id, approve, note)
        )

    def receive_return(self, order_id: UUID, return_id: UUID) -> Outcome[Result]:
        """The warehouse entered the returned goods."""
        require_role(context.current().actor, Role.INTEGRATION, Role.OPERATOR)
        return self._return_step(order_id, return_id, lambda uow, o: o.receive_return(return_id))

    def refund_return(self, order_id: UUID, return_id: UUID) -> Outcome[Result]:
        """Finance refunds the returned lines into the customer's funds, per category."""
        require_role(context.current().actor, Role.FINANCE)

        def refund(uow: UnitOfWork, order: Order) -> None:
            request = order.returns.get(return_id)
            order.refund_return(return_id)
            per_category: dict[str, Money] = defaultdict(Money.zero)
            for line in request.lines if request else ():
                per_category[order.line(line.line_no).category] += line.amount
            for category, amount in sorted(per_category.items()):
                self.funds.compensate_in(
                    uow,
                    order.account_id,
                    amount,
                    "return",
                    f"{return_id.hex[:20]}:{category}",
                    category,
                )
            if request is not None:
                for adjustment in _adjustments(uow, order, request):
                    for hook in self._adjusted_hooks:
                        hook(uow, adjustment)

        return self._return_step(order_id, return_id, refund)

    def _return_step(self, order_id: UUID, return_id: UUID, step: Any) -> Outcome[Result]:
        def decide(uow: UnitOfWork) -> Result:
            order = uow.get(Order, order_id, "order")
            step(uow, order)
            request = order.returns[return_id]
            return {"return_id": return_id, "state": request.state, "amount": request.amount.amount}

        return self.runner.run(decide)


def _adjustments(uow: UnitOfWork, order: Order, request: ReturnRequest) -> list[ContractAdjustment]:
    """The returned order lines per contract: each contract line holds one order line's
    listing (checkout splits an order by warehouse and category)."""
    listing_of = {line.line_no: line.listing_id for line in order.lines}
    found: dict[UUID, list[AdjustedItem]] = defaultdict(list)
    for contract_id in sorted(order.active_contracts):
        contract = uow.get(Contract, contract_id, "contract")
        for returned in request.lines:
            for line in contract.facts.lines:
                if line.listing_id == listing_of.get(returned.line_no):
                    item = AdjustedItem(line.line_no, returned.quantity, returned.amount)
                    found[contract_id].append(item)
    return [
        ContractAdjustment(
            contract_id,
            order.account_id,
            "return",
            str(request.return_id),
            tuple(items),
            sum((item.amount for item in items), Money.zero()),
        )
        for contract_id, items in found.items()
    ]
