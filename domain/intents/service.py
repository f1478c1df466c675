"""Futures intents (期货意向), one method per command, each through ``CommandRunner.run``:

    the customer (its admin, or a member with ``intents.manage``) submits, confirms, withdraws;
    its bound manager supplements (price, production week, terms) or rejects;
    the seller's review chain (configured roles, in order) approves or rejects, with a score;
    the last approval generates the contract (the contract area's ``generate_in``) and records
    it on the intent in the same atomic write.

Visibility first, as everywhere: an intent whose customer the actor may not see (another
company's, a manager's unbound customer) is 404; one it sees but may not act on is 403.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from domain import context
from domain.access import require_buyer_permission, require_company_visible, require_role
from domain.accounts.customers import customer_in, record_activity_in
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.errors import ForbiddenError, NotFoundError, ValidationError
from domain.intents.composition import contract_facts, template_in
from domain.intents.intent import FuturesIntent
from domain.intents.results import amount_of, describe, state_of
from domain.intents.values import ReviewLevel, review_chain
from domain.trading.contract_service import ContractService
from domain.unit_of_work import UnitOfWork
from domain.values import Quantity, UnitPrice

Result = dict[str, Any]
PERMISSION = "intents.manage"
# Roles a review level may name (checked when the chain is configured).
REVIEWER_ROLES = (Role.SUPERVISOR, Role.OPERATOR, Role.FINANCE)


class IntentService:
    def __init__(
        self, runner: CommandRunner, contracts: ContractService, review_roles: Sequence[str]
    ) -> None:
        """``review_roles``: the seller's review chain, level 1 first (e.g. supervisor, then
        operator for production planning; ``STEELYARD_INTENT_REVIEW_CHAIN``)."""
        self.runner = runner
        self.contracts = contracts
        self.chain: tuple[ReviewLevel, ...] = review_chain(check_review_roles(review_roles))

    # ---- the customer ------------------------------------------------------------------
    def submit(
        self,
        account_id: UUID,
        category: str,
        specifications: Mapping[str, str],
        quantity: Quantity,
        delivery_address: str,
        delivery_month: str,
    ) -> Outcome[Result]:
        """意向提报: category, specifications (checked against the category's template),
        tonnes, delivery address and month. The company must be certified and bound."""
        actor = context.current().actor
        require_buyer_permission(actor, account_id, PERMISSION)

        def decide(uow: UnitOfWork) -> Result:
            customer = customer_in(uow, account_id)
            customer.require_may_trade()
            template = template_in(uow, category)
            intent = FuturesIntent.submit(
                customer.account_id,
                category,
                specifications,
                quantity,
                delivery_address,
                delivery_month,
                template,
            )
            record_activity_in(uow, customer.account_id, context.current().now())
            uow.add(intent)
            return state_of(intent)

        return self.runner.run(decide)

    def confirm(self, intent_id: UUID, supplement_version: int | None = None) -> Outcome[Result]:
        """客户确认: the customer accepts the manager's supplement (the version it read, if it
        names one); the seller's review chain now applies."""
        return self._customer(intent_id, lambda i: i.confirm(self.chain, supplement_version))

    def withdraw(self, intent_id: UUID, reason: str = "") -> Outcome[Result]:
        """撤回: by the customer, before its confirmation."""
        return self._customer(intent_id, lambda intent: intent.withdraw(reason))

    # ---- its manager -------------------------------------------------------------------
    def supplement(
        self, intent_id: UUID, unit_price: UnitPrice, production_week: str, terms: str
    ) -> Outcome[Result]:
        """意向补充: price per tonne, production week (YYYY-Www) and terms; again to revise."""

        def act(intent: FuturesIntent) -> Result:
            version = intent.supplement_terms(unit_price, production_week, terms)
            return {"supplement_version": version, "amount": amount_of(intent)}

        return self._manager(intent_id, act)

    def reject(self, intent_id: UUID, reason: str) -> Outcome[Result]:
        """驳回 by the manager, before the customer's confirmation (in review, the level's
        reviewer rejects through ``review``)."""
        return self._manager(intent_id, lambda intent: intent.reject(reason))

    # ---- the seller's review chain -----------------------------------------------------
    def review(
        self,
        intent_id: UUID,
        approve: bool,
        score: int | None,
        comment: str,
        level: int | None = None,
    ) -> Outcome[Result]:
        """评审: the awaited level approves (a score 0–100 required) or rejects (a reason
        required), by a reviewer holding that level's role. ``level`` defaults to the level
        the reviewer's role decides. The last approval turns the intent into its contract."""
        actor = context.current().actor
        reviewer_id = actor.user_id
        role = actor.role.value

        def decide(uow: UnitOfWork) -> Result:
            intent = self._visible(uow, actor, intent_id)
            if reviewer_id is None:
                raise ForbiddenError("Only the seller's reviewers review intents.")
            at = level if level is not None else _level_for(intent, role)
            if not approve:
                intent.reject_in_review(at, role, reviewer_id, comment, score)
                return state_of(intent)
            if not intent.approve(at, role, reviewer_id, _score(score), comment):
                return state_of(intent)
            contract_no = self._convert(uow, intent)
            return {**state_of(intent), "contract_no": contract_no}

        return self.runner.run(decide)

    def _convert(self, uow: UnitOfWork, intent: FuturesIntent) -> str:
        """The intent's contract generated and recorded on it; the contract's number."""
        customer = customer_in(uow, intent.account_id)
        facts = contract_facts(intent, customer)
        intent.convert(self.contracts.generate_in(uow, facts, False))
        record_activity_in(uow, customer.account_id, context.current().now())
        return facts.contract_no

    # ---- queries -----------------------------------------------------------------------
    def get(self, intent_id: UUID) -> Result:
        """One intent as its history says now: request, supplement, review steps, contract."""
        actor = context.current().actor
        reader = UnitOfWork(self.runner.app)
        intent = self._visible(reader, actor, intent_id)
        customer = customer_in(reader, intent.account_id, "intent")
        first = next(iter(self.runner.app.repository.event_store.get(intent_id, lte=1)))
        return describe(intent, customer, getattr(first, "caused_by", None))

    def review_roles(self) -> list[str]:
        return [level.role for level in self.chain]

    # ---- plumbing ----------------------------------------------------------------------
    def _customer(self, intent_id: UUID, act: Callable[[FuturesIntent], Any]) -> Outcome[Result]:
        actor = context.current().actor

        def decide(uow: UnitOfWork) -> Result:
            intent = uow.get(FuturesIntent, intent_id, "intent")
            require_buyer_permission(actor, intent.account_id, PERMISSION)  # 404 for others
            extra = act(intent) or {}
            return {**state_of(intent), **extra}

        return self.runner.run(decide)

    def _manager(self, intent_id: UUID, act: Callable[[FuturesIntent], Any]) -> Outcome[Result]:
        actor = context.current().actor

        def decide(uow: UnitOfWork) -> Result:
            intent = self._visible(uow, actor, intent_id)
            require_role(actor, Role.MANAGER)  # visible, but only its manager supplements
            extra = act(intent) or {}
            return {**state_of(intent), **extra}

        return self.runner.run(decide)

    @staticmethod
    def _visible(uow: UnitOfWork, actor: Actor, intent_id: UUID) -> FuturesIntent:
        intent = uow.get(FuturesIntent, intent_id, "intent")
        customer = customer_in(uow, intent.account_id, "intent")
        try:
            require_company_visible(actor, customer.account_id, customer.manager_id)
        except NotFoundError:
            raise NotFoundError("intent") from None
        return intent


# ---- helpers ------------------------------------------------------------------------------
def check_review_roles(roles: Sequence[str]) -> tuple[str, ...]:
    """The configured chain: one or more reviewer roles (supervisor, operator, finance)."""
    names = tuple(r.strip().lower() for r in roles if r.strip())
    allowed = {r.value for r in REVIEWER_ROLES}
    if not names or any(name not in allowed for name in names):
        raise ValidationError(
            "invalid_review_chain",
            f"A review chain names one or more of: {', '.join(sorted(allowed))}.",
        )
    return names


def _level_for(intent: FuturesIntent, role: str) -> int:
    """The level a reviewer of ``role`` decides: the awaited one if it is that role's, else
    that role's first later level (the domain then says it is out of turn), else the awaited
    one (the domain then says the role is wrong)."""
    awaited = intent.next_level
    if awaited is None or awaited.role == role:
        return awaited.level if awaited else 1
    later = [lv.level for lv in intent.review_chain if lv.role == role and lv.level > awaited.level]
    return later[0] if later else awaited.level


def _score(score: int | None) -> int:
    if score is None:
        raise ValidationError("invalid_score", "Approving needs a score from 0 to 100.")
    return score
