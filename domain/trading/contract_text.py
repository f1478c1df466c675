"""What a contract says: its states and their names, its source, lines and terms, and the text
the buyer's confirmation signs.

The text is a deterministic rendering of the contract's facts (no clock, no locale, decimals in
one normal form), so the same contract always renders to the same bytes and its SHA-256 digest,
recorded when the contract is generated, can be checked by anyone who replays the history.
``TEXT_VERSION`` is recorded with the digest: a later change of layout gets a new version and
keeps rendering old contracts the old way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from uuid import UUID

from domain.errors import ValidationError
from domain.values import CENT, Money, Quantity, UnitPrice

TEXT_VERSION = 1
SOURCE_KINDS = ("order", "auction", "intent", "erp")
HUNDRED = Decimal(100)


class ContractState(Enum):
    GENERATED = "generated"
    EFFECTIVE = "effective"
    CONFIRMED = "confirmed"
    ESTABLISHED = "established"
    IN_PRODUCTION = "in_production"
    SHIPPING = "shipping"
    SHIPPED = "shipped"
    SETTLED = "settled"
    INVOICED = "invoiced"
    CLOSED = "closed"
    VOID = "void"


# Where a contract may still be voided (and its despatch intercepted): nothing has shipped yet.
BEFORE_SHIPPING = (
    ContractState.GENERATED,
    ContractState.EFFECTIVE,
    ContractState.CONFIRMED,
    ContractState.ESTABLISHED,
    ContractState.IN_PRODUCTION,
)

STATE_LABELS: dict[ContractState, str] = {
    ContractState.GENERATED: "已生成",
    ContractState.EFFECTIVE: "已生效",
    ContractState.CONFIRMED: "已确认",
    ContractState.ESTABLISHED: "订单建立",
    ContractState.IN_PRODUCTION: "生产中",
    ContractState.SHIPPING: "发运中",
    ContractState.SHIPPED: "已发运",
    ContractState.SETTLED: "已结算",
    ContractState.INVOICED: "已开票",
    ContractState.CLOSED: "已关闭",
    ContractState.VOID: "已作废",
}


@dataclass(frozen=True)
class ContractSource:
    """Where the contract came from: an order, an auction award, a futures intent (their ids as
    strings) or the ERP (its external contract number)."""

    kind: str
    reference: str


@dataclass(frozen=True)
class PaidContract:
    """What a payment hook (``ContractService.on_paid``) learns of the contract just paid:
    which it is, whose, where it came from, and whether it is now paid in full."""

    contract_id: UUID
    buyer_id: UUID
    source: ContractSource
    fully_secured: bool


@dataclass(frozen=True)
class ContractLine:
    line_no: int
    product_id: UUID
    listing_id: UUID | None  # spot stock to release if the contract is voided
    category: str  # product category code, e.g. HRC: the funds bucket it is paid from
    description: str  # grade, size, standard … as the buyer reads it
    quantity: Quantity
    unit_price: UnitPrice
    amount: Money  # = unit_price.times(quantity)

    @classmethod
    def priced(
        cls,
        line_no: int,
        product_id: UUID,
        listing_id: UUID | None,
        category: str,
        description: str,
        quantity: Quantity,
        unit_price: UnitPrice,
    ) -> ContractLine:
        amount = unit_price.times(quantity)
        return cls(
            line_no, product_id, listing_id, category, description, quantity, unit_price, amount
        )


class PaymentKind(Enum):
    PREPAY = "prepay"  # a share of the total must be paid before the contract is established
    CREDIT = "credit"  # drawn on the customer's credit line


@dataclass(frozen=True)
class PaymentTerms:
    kind: PaymentKind
    prepay_percent: Decimal  # share of the total to be paid to establish (prepay), 0–100
    due_days: int  # days after confirmation the required payment is due

    @classmethod
    def prepay(cls, percent: Decimal = HUNDRED, due_days: int = 1) -> PaymentTerms:
        return cls(PaymentKind.PREPAY, percent, due_days)

    @classmethod
    def credit(cls, due_days: int = 30) -> PaymentTerms:
        return cls(PaymentKind.CREDIT, Decimal(0), due_days)

    def required(self, total: Money) -> Money:
        """What must be secured to establish: a share of the total (prepay), all of it (credit)."""
        if self.kind is PaymentKind.CREDIT:
            return total
        return Money((total.amount * self.prepay_percent / HUNDRED).quantize(CENT, ROUND_HALF_UP))


@dataclass(frozen=True)
class DeliveryTerms:
    warehouse: str
    region: str
    address: str
    delivery_month: str  # YYYY-MM
    delivery_date: date | None = None  # when a day was agreed
    tolerance_percent: Decimal = Decimal(10)  # shipped weight may differ by ± this much


@dataclass(frozen=True)
class BreachTerms:
    text: str
    penalty_rate: Decimal  # fraction of the contract amount, e.g. 0.05 = 5 %


def check_facts(facts: ContractFacts) -> None:
    for value in (facts.contract_no, facts.source.reference, facts.buyer_name, facts.seller_name):
        _require_text(value, "contract number, source and parties")
    if facts.source.kind not in SOURCE_KINDS:
        raise ValidationError("invalid_source", f"Sources are: {', '.join(SOURCE_KINDS)}.")
    check_lines(facts.lines)
    check_terms(facts.payment, facts.delivery, facts.breach)


def check_lines(lines: tuple[ContractLine, ...]) -> None:
    if not lines:
        raise ValidationError("no_lines", "A contract needs at least one line.")
    numbers = [line.line_no for line in lines]
    if len(set(numbers)) != len(numbers) or min(numbers) < 1:
        raise ValidationError("invalid_line_no", "Line numbers must be distinct and from 1.")
    for line in lines:
        if line.quantity.tonnes <= 0 or line.unit_price.per_tonne <= 0:
            raise ValidationError(
                "invalid_line", f"Line {line.line_no}: quantity and price must be positive."
            )
        if line.amount != line.unit_price.times(line.quantity):
            raise ValidationError(
                "amount_mismatch", f"Line {line.line_no}: amount is not quantity × unit price."
            )
        _require_text(line.category, "category")
        _require_text(line.description, "description")


def check_terms(payment: PaymentTerms, delivery: DeliveryTerms, breach: BreachTerms) -> None:
    _require_between(payment.prepay_percent, Decimal(0), HUNDRED, "prepay percent")
    if payment.due_days < 0:
        raise ValidationError("invalid_terms", "Payment due days cannot be negative.")
    _require_between(delivery.tolerance_percent, Decimal(0), HUNDRED, "tolerance percent")
    _require_between(breach.penalty_rate, Decimal(0), Decimal(1), "penalty rate")
    for value, what in ((delivery.warehouse, "warehouse"), (delivery.address, "address")):
        _require_text(value, what)
    month = delivery.delivery_month
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise ValidationError("invalid_terms", "The delivery month must read YYYY-MM.")
    if not 1 <= int(month[5:]) <= 12:
        raise ValidationError("invalid_terms", "The delivery month must read YYYY-MM.")


def _require_between(value: Decimal, low: Decimal, high: Decimal, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not low <= value <= high:
        raise ValidationError("invalid_terms", f"The {what} must be a decimal, {low} to {high}.")


def _require_text(value: str, what: str) -> None:
    if not (value or "").strip():
        raise ValidationError("required", f"The {what} is required.")


@dataclass(frozen=True)
class ContractFacts:
    """Everything the text says, in one place, so rendering needs nothing else."""

    contract_no: str
    source: ContractSource
    buyer_id: UUID
    buyer_name: str
    seller_name: str
    lines: tuple[ContractLine, ...]
    payment: PaymentTerms
    delivery: DeliveryTerms
    breach: BreachTerms

    @property
    def total(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero())


def render_text(facts: ContractFacts, version: int = TEXT_VERSION) -> str:
    if version != 1:
        raise ValidationError("unknown_text_version", f"No layout for contract text v{version}.")
    parts = [
        f"钢材购销合同 / Steel sales contract (text v{version})",
        f"合同编号 Contract no: {_one_line(facts.contract_no)}",
        f"来源 Source: {facts.source.kind} {_one_line(facts.source.reference)}",
        f"卖方 Seller: {_one_line(facts.seller_name)}",
        f"买方 Buyer: {_one_line(facts.buyer_name)} ({facts.buyer_id})",
        "标的 Lines:",
        *(_render_line(line) for line in sorted(facts.lines, key=lambda x: x.line_no)),
        f"合计 Total: {facts.total} CNY",
        _render_payment(facts.payment),
        _render_delivery(facts.delivery),
        f"违约 Breach: penalty rate {_plain(facts.breach.penalty_rate)}; "
        f"{_one_line(facts.breach.text)}",
    ]
    return "\n".join(parts) + "\n"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _render_line(line: ContractLine) -> str:
    return (
        f"  {line.line_no}. [{_one_line(line.category)}] {_one_line(line.description)} "
        f"(product {line.product_id}): "
        f"{line.quantity} t x {line.unit_price} CNY/t = {line.amount} CNY"
    )


def _render_payment(terms: PaymentTerms) -> str:
    if terms.kind is PaymentKind.CREDIT:
        return f"付款 Payment: on credit line, due {terms.due_days} days after confirmation"
    return (
        f"付款 Payment: prepay {_plain(terms.prepay_percent)}% "
        f"within {terms.due_days} days after confirmation"
    )


def _render_delivery(terms: DeliveryTerms) -> str:
    day = terms.delivery_date.isoformat() if terms.delivery_date else "-"
    return (
        f"交货 Delivery: warehouse {_one_line(terms.warehouse)}; region {_one_line(terms.region)}; "
        f"address {_one_line(terms.address)}; month {terms.delivery_month}; date {day}; "
        f"weight tolerance ±{_plain(terms.tolerance_percent)}%"
    )


def _plain(value: Decimal) -> str:
    """One text for one number: 10, 10.0 and 1E+1 all render as 10."""
    return f"{value.normalize():f}"


def _one_line(text: str) -> str:
    """Free text cannot start a line of its own, so no field can pass for another."""
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
