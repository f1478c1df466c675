"""What the intents area takes from the catalog (a category's attribute template) and gives
the contract area (an approved intent's contract facts). The contract area knows nothing of
intents: it receives ``ContractFacts`` through ``ContractService.generate_in``."""

from __future__ import annotations

from domain.accounts.customers import Customer
from domain.catalog.offers import category_template_in
from domain.errors import ConflictError, ValidationError
from domain.intents.intent import FuturesIntent
from domain.intents.values import SpecificationTemplate
from domain.trading.contract_text import (
    ContractFacts,
    ContractLine,
    ContractSource,
    DeliveryTerms,
    PaymentTerms,
)
from domain.trading.order_service import BREACH, SELLER_NAME
from domain.unit_of_work import UnitOfWork

# Where made-to-order goods come from: the mill's production, not a stock warehouse.
PRODUCTION = "期货生产 mill production"


def template_in(uow: UnitOfWork, category: str) -> SpecificationTemplate:
    """The category's attribute template from the catalog: its (and its ancestors') required
    attributes; the standard ones it does not require may be given too."""
    code = (category or "").strip().upper()
    template = category_template_in(uow, code)  # refuses an unknown code
    if not template.leaf:
        raise ValidationError(
            "not_a_leaf_category", f"Intents name a leaf category, not {code}.", category=code
        )
    return SpecificationTemplate(code, template.required, template.optional)


def contract_facts(intent: FuturesIntent, customer: Customer) -> ContractFacts:
    """The approved intent as a contract: one line at the supplemented price, delivered to the
    intent's address in its month. The text (and so its digest) carries the production week
    and the agreed terms in the line's description."""
    supplement, request = intent.supplement, intent.request
    if supplement is None:
        raise ConflictError("not_supplemented", "The intent has no supplement.")
    specs = ", ".join(f"{name} {value}" for name, value in request.specifications)
    description = (
        f"{request.category} {specs}; 生产周 production week {supplement.production_week}; "
        f"约定 terms: {supplement.terms}"
    )
    line = ContractLine.priced(
        1, intent.id, None, request.category, description, request.quantity, supplement.unit_price
    )
    return ContractFacts(
        contract_no=intent.intent_no,
        source=ContractSource("intent", str(intent.id)),
        buyer_id=customer.account_id,
        buyer_name=customer.name,
        seller_name=SELLER_NAME,
        lines=(line,),
        payment=PaymentTerms.prepay(),
        delivery=DeliveryTerms(
            warehouse=PRODUCTION,
            region=customer.region,
            address=request.delivery_address,
            delivery_month=request.delivery_month,
        ),
        breach=BREACH,
    )
