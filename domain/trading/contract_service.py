"""The contract's life after checkout: effect, confirm, pay, produce, ship, certify, settle,
invoice, objections. Each command moves the contract and whatever follows it (the order, the
customer's funds, the listing's stock) in one atomic save.

Other areas compose with contracts without this module knowing them: ``generate_in`` makes a
contract inside another service's write (an auction's award) and returns its id, ``void_in``
voids one there (a forfeited award) and releases its funds, and a hook registered with
``on_paid`` (at wiring) runs inside the write of every contract payment with a ``PaidContract``
(the auction releases its winner's deposit there)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain import context
from domain.access import require_buyer_permission, require_company_visible, require_role
from domain.accounts.customers import customer_in
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.funds.service import FundsService
from domain.trading.contract import Contract
from domain.trading.contract_text import (
    ContractFacts,
    ContractLine,
    ContractSource,
    ContractState,
    DeliveryTerms,
    PaidContract,
    PaymentTerms,
)
from domain.trading.fulfilment import Certificate, Shipment
from domain.trading.order import Order
from domain.trading.order_service import BREACH, SELLER_NAME
from domain.trading.settled import (
    AdjustedHook,
    ContractAdjustment,
    SettledContract,
    SettledHook,
    SettledItem,
)
from domain.trading.settlement import InvoiceKind, ObjectionKind
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity

Result = dict[str, Any]
SELLER_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.MANAGER)
WAREHOUSE_ROLES = (Role.INTEGRATION, Role.OPERATOR)
DONE = (ContractState.INVOICED, ContractState.CLOSED)

PaidHook = Callable[[UnitOfWork, PaidContract], None]


class ContractService:
    def __init__(self, runner: CommandRunner, catalog: CatalogService, funds: FundsService) -> None:
        self.runner = runner
        self.catalog = catalog
        self.funds = funds
        self._paid_hooks: list[PaidHook] = []
        self._settled_hooks: list[SettledHook] = []
        self._adjusted_hooks: list[AdjustedHook] = []

    # ---- composition -------------------------------------------------------------------
    def on_paid(self, hook: PaidHook) -> None:
        """Run ``hook(uow, paid)`` in the same write as every payment of a contract (after
        it is recorded), ``paid`` a ``PaidContract``; a refusal from the hook refuses the
        payment. Registered at wiring."""
        self._paid_hooks.append(hook)

    def on_settled(self, hook: SettledHook) -> None:
        """Run ``hook(uow, settled)`` in the write of every post-settlement (the rebates
        accrue there, so a settlement and its accrual are one atomic write)."""
        self._settled_hooks.append(hook)

    def on_adjusted(self, hook: AdjustedHook) -> None:
        """Run ``hook(uow, adjustment)`` in the write of every accepted objection's
        compensation (the rebates correct their accrual there)."""
        self._adjusted_hooks.append(hook)

    def generate_in(self, uow: UnitOfWork, facts: ContractFacts, effective: bool) -> UUID:
        """A contract generated inside another service's write (an auction's award), made
        effective at once when ``effective``; its id. Once per contract number."""
        if uow.find(Contract, Contract.create_id(facts)) is not None:
            raise ConflictError("duplicate_contract", "This contract is generated already.")
        contract = Contract.generate(facts)
        if effective:
            contract.make_effective()
        uow.add(contract)
        return contract.id

    def void_in(self, uow: UnitOfWork, contract_id: UUID, reason: str) -> None:
        """Void a contract inside another service's write (a forfeited award) and release the
        buyer's funds still reserved for it. A void contract stays as it is. Stock is the
        caller's: it knows under which reservation it holds it."""
        contract = uow.get(Contract, contract_id, "contract")
        if contract.state is ContractState.VOID:
            return
        contract.void(reason)
        held = self.funds.reservation_in(uow, contract.buyer_id, contract.id)
        if held is not None and held.remaining.is_positive():
            self.funds.release_in(uow, contract.buyer_id, contract.id)

    # ---- posted by the ERP ---------------------------------------------------------------
    def post_from_erp(
        self,
        account_id: UUID,
        external_no: str,
        lines: tuple[ContractLine, ...],
        delivery: DeliveryTerms,
        payment: PaymentTerms,
    ) -> Outcome[Result]:
        """A contract the ERP made (e.g. signed offline): generated here with its text and
        digest, for the buyer to confirm and pay like any other. Once per external number."""
        require_role(context.current().actor, Role.INTEGRATION, Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            account = customer_in(uow, account_id)
            facts = ContractFacts(
                contract_no=f"ERP-{external_no.strip()}",
                source=ContractSource("erp", external_no),
                buyer_id=account.account_id,
                buyer_name=account.name,
                seller_name=SELLER_NAME,
                lines=lines,
                payment=payment,
                delivery=delivery,
                breach=BREACH,
            )
            if uow.find(Contract, Contract.create_id(facts)) is not None:
                raise ConflictError("duplicate_contract", "This ERP contract is posted already.")
            contract = Contract.generate(facts)
            uow.add(contract)
            return {
                **_state(contract),
                "digest": contract.digest,
                "total": contract.total_amount.amount,
            }

        return self.runner.run(decide)

    # ---- up to established -------------------------------------------------------------
    def make_effective(self, contract_id: UUID) -> Outcome[Result]:
        """生效: the seller (the customer's manager, a supervisor or an operator)."""
        return self._seller(contract_id, lambda uow, c: c.make_effective())

    def confirm(self, contract_id: UUID, digest: str) -> Outcome[Result]:
        """回传确认: the buyer signs the contract's text by its SHA-256 digest."""

        def act(uow: UnitOfWork, contract: Contract) -> None:
            if contract.confirm(digest):
                self._order_paid(uow, contract)

        return self._buyer(contract_id, "contracts.confirm", act)

    def pay(self, contract_id: UUID) -> Outcome[Result]:
        """Apply the customer's funds to the contract: what checkout reserved, topped up from
        its category (or credit) when less was reserved. Established once confirmed and paid."""

        def act(uow: UnitOfWork, contract: Contract) -> None:
            due = contract.total_amount - contract.secured_amount
            if not due.is_positive():
                raise ConflictError("already_paid", "This contract is paid.")
            held = self.funds.reservation_in(uow, contract.buyer_id, contract.id)
            held_amount = held.remaining if held else Money.zero()
            if held_amount < due:
                category = contract.facts.lines[0].category
                self.funds.reserve_in(
                    uow, contract.buyer_id, contract.id, category, due - held_amount
                )
            if contract.record_payment(due):
                self._order_paid(uow, contract)
            paid = PaidContract(
                contract.id,
                contract.buyer_id,
                contract.facts.source,
                fully_secured=contract.secured_amount >= contract.total_amount,
            )
            for hook in self._paid_hooks:
                hook(uow, paid)

        return self._buyer(contract_id, "orders.place", act)

    def _order_paid(self, uow: UnitOfWork, contract: Contract) -> None:
        order = self._order_of(uow, contract)
        if order is not None:
            order.record_contract_paid(contract.id)

    # ---- production, despatch, shipment, certificates ----------------------------------
    def schedule_production(
        self, contract_id: UUID, line_no: int, qty: Quantity, week: str | None = None
    ) -> Outcome[Result]:
        return self._warehouse(
            contract_id, lambda uow, c: c.schedule_production(line_no, qty, week)
        )

    def record_production(self, contract_id: UUID, line_no: int, qty: Quantity) -> Outcome[Result]:
        return self._warehouse(contract_id, lambda uow, c: c.record_production(line_no, qty))

    def release_for_despatch(self, contract_id: UUID) -> Outcome[Result]:
        return self._warehouse(contract_id, lambda uow, c: c.release_for_despatch())

    def intercept_despatch(self, contract_id: UUID, reason: str) -> Outcome[Result]:
        return self._warehouse(contract_id, lambda uow, c: c.intercept_despatch(reason))

    def record_shipment(self, contract_id: UUID, shipment: Shipment) -> Outcome[Result]:
        def act(uow: UnitOfWork, contract: Contract) -> None:
            self._shipped(uow, contract, contract.record_shipment(shipment))

        return self._warehouse(contract_id, act)

    def complete_shipping(self, contract_id: UUID, reason: str) -> Outcome[Result]:
        def act(uow: UnitOfWork, contract: Contract) -> None:
            contract.complete_shipping(reason)
            self._shipped(uow, contract, fully=True)

        return self._warehouse(contract_id, act)

    def _shipped(self, uow: UnitOfWork, contract: Contract, fully: bool) -> None:
        order = self._order_of(uow, contract)
        if order is None:
            return
        order.record_contract_shipped(contract.id, fully)
        if fully:  # the stock the order held is sold: what shipped, at most what was held
            for line in contract.facts.lines:
                if line.listing_id is not None:
                    sold = min(contract.shipped(line.line_no), line.quantity)
                    self.catalog.sell_in(uow, line.listing_id, order.id, sold)

    def issue_certificate(
        self,
        contract_id: UUID,
        certificate_no: str,
        batch_no: str,
        shipment_id: str,
        code: str | None = None,
    ) -> Outcome[Result]:
        def act(uow: UnitOfWork, contract: Contract) -> Result:
            certificate = contract.issue_certificate(certificate_no, batch_no, shipment_id, code)
            if not uow.claim("certificate", certificate.verification_code, contract.id):
                raise ConflictError("duplicate_certificate", "That code is already in use.")
            return {
                "certificate_no": certificate.certificate_no,
                "verification_code": certificate.verification_code,
            }

        return self._warehouse(contract_id, act)

    def verify_certificate(self, code: str) -> tuple[Contract, Certificate]:
        """Public: anyone holding a certificate can check it is genuine."""
        reader = UnitOfWork(self.runner.app)
        normalised = (code or "").strip().upper()
        owner = reader.owner_of("certificate", normalised)
        contract = reader.find(Contract, owner) if owner else None
        certificate = contract.certificate_by_code(normalised) if contract else None
        if contract is None or certificate is None:
            raise NotFoundError("certificate")
        return contract, certificate

    # ---- settlement, invoices, objections ----------------------------------------------
    def settle(self, contract_id: UUID) -> Outcome[Result]:
        """后结算 on actual weight: the difference is released to, or charged from, the buyer."""
        require_role(context.current().actor, Role.FINANCE)

        def act(uow: UnitOfWork, contract: Contract) -> Result:
            settlement = contract.settle()
            self.funds.post_settle_in(uow, contract.buyer_id, contract.id, settlement.final_amount)
            settled = SettledContract(
                contract.id,
                contract.contract_no,
                contract.buyer_id,
                tuple(
                    SettledItem(ln.line_no, line.product_id, line.category, ln.shipped, ln.amount)
                    for ln, line in zip(settlement.lines, contract.facts.lines, strict=True)
                ),
                settlement.final_amount,
            )
            for hook in self._settled_hooks:
                hook(uow, settled)
            return {
                "final_amount": settlement.final_amount.amount,
                "released": settlement.released.amount,
                "charged": settlement.charged.amount,
            }

        return self._run(contract_id, act)

    def invoice(
        self, invoice_no: str, kind: InvoiceKind, shares: tuple[tuple[UUID, Money], ...]
    ) -> Outcome[Result]:
        """One invoice over one or more contracts (each its share); a fully invoiced order is
        completed."""
        require_role(context.current().actor, Role.FINANCE)
        if not shares:
            raise ValidationError("no_contracts", "Name the contracts this invoice covers.")

        def decide(uow: UnitOfWork) -> Result:
            first = shares[0][0]
            if not uow.claim("invoice", invoice_no.strip(), first):
                raise ConflictError("duplicate_invoice", "That invoice number is used already.")
            for contract_id, amount in shares:
                contract = uow.get(Contract, contract_id, "contract")
                contract.record_invoice(invoice_no, kind, amount)
                self._complete_order_if_done(uow, contract)
            return {"invoice_no": invoice_no, "contracts": [c for c, _ in shares]}

        return self.runner.run(decide)

    def _complete_order_if_done(self, uow: UnitOfWork, contract: Contract) -> None:
        order = self._order_of(uow, contract)
        if order is None:
            return
        states = [uow.get(Contract, cid, "contract").state for cid in order.contract_ids]
        if all(state in DONE for state in states) and order.status.value == "shipped":
            order.complete()

    def file_objection(
        self,
        contract_id: UUID,
        kind: ObjectionKind,
        claimed: Money,
        description: str,
        shipment_id: str | None = None,
    ) -> Outcome[Result]:
        def act(uow: UnitOfWork, contract: Contract) -> Result:
            objection_id = contract.file_objection(kind, claimed, description, shipment_id)
            return {"objection_id": objection_id}

        return self._buyer(contract_id, "objections.file", act)

    def resolve_objection(
        self, contract_id: UUID, objection_id: UUID, compensation: Money | None, reason: str
    ) -> Outcome[Result]:
        """Accept with compensation credited to the buyer's funds, or reject with a reason."""
        require_role(context.current().actor, Role.OPERATOR, Role.FINANCE)

        def act(uow: UnitOfWork, contract: Contract) -> Result:
            if compensation is None:
                contract.reject_objection(objection_id, reason)
                return {"objection_id": objection_id, "status": "rejected"}
            credited = contract.accept_objection(objection_id, compensation)
            self.funds.compensate_in(
                uow,
                contract.buyer_id,
                credited,
                "objection",
                str(objection_id),
                contract.facts.lines[0].category,
            )
            adjustment = ContractAdjustment(
                contract.id, contract.buyer_id, "objection", str(objection_id), (), credited
            )
            for hook in self._adjusted_hooks:
                hook(uow, adjustment)
            return {
                "objection_id": objection_id,
                "status": "accepted",
                "compensation": credited.amount,
            }

        return self._run(contract_id, act)

    def close(self, contract_id: UUID) -> Outcome[Result]:
        require_role(context.current().actor, Role.FINANCE, Role.OPERATOR)
        return self._run(contract_id, lambda uow, c: c.close())

    # ---- queries and plumbing ----------------------------------------------------------
    def get(self, contract_id: UUID) -> Contract:
        actor = context.current().actor
        reader = UnitOfWork(self.runner.app)
        contract = reader.get(Contract, contract_id, "contract")
        account = customer_in(reader, contract.buyer_id, "contract")
        require_company_visible(actor, account.account_id, account.manager_id)
        return contract

    def _seller(self, contract_id: UUID, act: Any) -> Outcome[Result]:
        actor = context.current().actor
        require_role(actor, *SELLER_ROLES)

        def visible_act(uow: UnitOfWork, contract: Contract) -> Any:
            account = customer_in(uow, contract.buyer_id, "contract")
            require_company_visible(actor, account.account_id, account.manager_id)
            return act(uow, contract)

        return self._run(contract_id, visible_act)

    def _buyer(self, contract_id: UUID, permission: str, act: Any) -> Outcome[Result]:
        actor = context.current().actor

        def checked_act(uow: UnitOfWork, contract: Contract) -> Any:
            require_buyer_permission(actor, contract.buyer_id, permission)
            return act(uow, contract)

        return self._run(contract_id, checked_act)

    def _warehouse(self, contract_id: UUID, act: Any) -> Outcome[Result]:
        require_role(context.current().actor, *WAREHOUSE_ROLES)
        return self._run(contract_id, act)

    def _run(self, contract_id: UUID, act: Any) -> Outcome[Result]:
        def decide(uow: UnitOfWork) -> Result:
            contract = uow.get(Contract, contract_id, "contract")
            extra = act(uow, contract)
            return {**_state(contract), **(extra or {})}

        return self.runner.run(decide)

    @staticmethod
    def _order_of(uow: UnitOfWork, contract: Contract) -> Order | None:
        source = contract.facts.source
        return uow.get(Order, UUID(source.reference), "order") if source.kind == "order" else None


def _state(contract: Contract) -> Result:
    return {
        "contract_id": contract.id,
        "contract_no": contract.contract_no,
        "state": contract.state.value,
        "label": contract.label,
    }
