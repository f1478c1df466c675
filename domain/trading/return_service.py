"""Returns after receipt: the buyer asks, the seller reviews, the warehouse enters the goods,
finance refunds the returned lines into the customer's funds. Partial per line; the rest of the
order is unaffected."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import require_buyer_permission, require_role
from domain.context import Role
from domain.funds.service import FundsService
from domain.ledger import CommandRunner, Outcome, UnitOfWork
from domain.trading.order import Order
from domain.values import Money, Quantity

Result = dict[str, Any]


class ReturnService:
    def __init__(self, runner: CommandRunner, funds: FundsService) -> None:
        self.runner = runner
        self.funds = funds

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

        return self._return_step(order_id, return_id, refund)

    def _return_step(self, order_id: UUID, return_id: UUID, step: Any) -> Outcome[Result]:
        def decide(uow: UnitOfWork) -> Result:
            order = uow.get(Order, order_id, "order")
            step(uow, order)
            request = order.returns[return_id]
            return {"return_id": return_id, "state": request.state, "amount": request.amount.amount}

        return self.runner.run(decide)
