"""A contract's fulfilment: production facts, shipments, the warehouse's despatch release, and
quality certificates.

These are commands of ``Contract`` (a mixin over ``ContractCore``, so the events stay on the
aggregate class): each checks its rules here and calls an applier declared below, which the
``@event`` applier of the same name in ``domain/trading/contract.py`` overrides.

Weights: the shipped (actual) weight of a line may differ from the contracted one within the
delivery terms' tolerance (default ±10 %). The upper bound is rounded down and the lower bound
up to the kilogram, so neither is ever looser than the percentage says.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from domain.errors import ConflictError, ValidationError
from domain.trading.contract_core import ContractCore
from domain.trading.contract_text import BEFORE_SHIPPING, ContractState
from domain.values import KILOGRAM, Quantity

S = ContractState
PRODUCING = (S.ESTABLISHED, S.IN_PRODUCTION, S.SHIPPING)  # also where shipments may be recorded
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class ShipmentLine:
    line_no: int
    actual_weight: Quantity


@dataclass(frozen=True)
class Shipment:
    """发运: one despatch of part of the contract, as the warehouse weighed it."""

    shipment_id: str  # the WMS/ERP despatch number
    lines: tuple[ShipmentLine, ...]
    warehouse: str
    shipped_at: datetime
    vehicle_plate: str = ""
    vessel_name: str = ""

    def weight_of(self, line_no: int) -> Quantity:
        return sum((s.actual_weight for s in self.lines if s.line_no == line_no), Quantity.zero())


@dataclass(frozen=True)
class Certificate:
    """质保书: the mill test certificate of a shipped batch, verifiable by its code."""

    certificate_no: str
    batch_no: str
    shipment_id: str
    verification_code: str


def new_verification_code() -> str:
    """A random code of 12 unambiguous characters (60 bits), grouped for reading: XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def check_production_week(week: str) -> str:
    """排产周: an ISO week written YYYY-Www (2026-W49) that exists in its year."""
    found = _WEEK.match(week)
    try:
        if found is None:
            raise ValueError(week)
        date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise ValidationError(
            "invalid_production_week", f"{week!r} is not an ISO week written YYYY-Www."
        ) from None
    return week


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def upper_bound(contracted: Quantity, tolerance_percent: Decimal) -> Quantity:
    factor = 1 + tolerance_percent / 100
    return Quantity((contracted.tonnes * factor).quantize(KILOGRAM, ROUND_DOWN))


def lower_bound(contracted: Quantity, tolerance_percent: Decimal) -> Quantity:
    factor = 1 - tolerance_percent / 100
    return Quantity((contracted.tonnes * factor).quantize(KILOGRAM, ROUND_UP))


class FulfilmentCommands(ContractCore):
    _scheduled: dict[int, Quantity]  # by line
    _produced: dict[int, Quantity]  # by line
    shipments: dict[str, Shipment]  # by despatch number
    despatch_released: bool
    despatch_intercepted: bool
    certificates: dict[str, Certificate]  # by certificate number

    # ---- quantities per line (or the contract's total when no line is named) -----------
    def contracted(self, line_no: int | None = None) -> Quantity:
        return self._per_line(lambda n: self.line(n).quantity, line_no)

    def scheduled(self, line_no: int | None = None) -> Quantity:
        return self._per_line(lambda n: self._scheduled.get(n, Quantity.zero()), line_no)

    def produced(self, line_no: int | None = None) -> Quantity:
        return self._per_line(lambda n: self._produced.get(n, Quantity.zero()), line_no)

    def shipped(self, line_no: int | None = None) -> Quantity:
        def weight(n: int) -> Quantity:
            return sum((s.weight_of(n) for s in self.shipments.values()), Quantity.zero())

        return self._per_line(weight, line_no)

    def has_shipment(self, shipment_id: str) -> bool:
        return shipment_id in self.shipments

    def _per_line(self, of: Callable[[int], Quantity], line_no: int | None) -> Quantity:
        if line_no is not None:
            self.line(line_no)  # an unknown line is refused
            return of(line_no)
        return sum((of(line.line_no) for line in self.facts.lines), Quantity.zero())

    @property
    def is_despatched(self) -> bool:
        """The warehouse released the goods (or some left already): no more cancellation."""
        return self.despatch_released or bool(self.shipments)

    # ---- production (排产 / 生产) --------------------------------------------------------
    def schedule_production(
        self, line_no: int, quantity: Quantity, production_week: str | None = None
    ) -> None:
        """排产: add a scheduled quantity to a line, for the week the mill scheduled it in (if the
        ERP says). The first production fact moves an established contract into production."""
        self._require("schedule production for", *PRODUCING)
        self._positive(quantity)
        if production_week is not None:
            check_production_week(production_week)
        limit = upper_bound(self.line(line_no).quantity, self.facts.delivery.tolerance_percent)
        if self.scheduled(line_no) + quantity > limit:
            raise ConflictError(
                "over_tolerance",
                f"Line {line_no}: more than the contracted quantity plus tolerance ({limit} t) "
                "would be scheduled.",
            )
        self._production_scheduled(
            line_no=line_no, quantity=quantity, production_week=production_week
        )

    def record_production(self, line_no: int, quantity: Quantity) -> None:
        """生产: add a produced quantity to a line; never more than was scheduled for it."""
        self._require("record production for", *PRODUCING)
        self._positive(quantity)
        self.line(line_no)
        if self.produced(line_no) + quantity > self.scheduled(line_no):
            raise ConflictError(
                "over_scheduled",
                f"Line {line_no}: more would be produced than the {self.scheduled(line_no)} t "
                "scheduled.",
            )
        self._production_recorded(line_no=line_no, quantity=quantity)

    # ---- shipments (发运) ----------------------------------------------------------------
    def record_shipment(self, shipment: Shipment) -> bool:
        """Record a (partial) shipment; True when it completed the contract's shipping (every
        line has reached its contracted quantity), so the order can follow."""
        self._require("ship", *PRODUCING)
        if self.despatch_intercepted and not self.despatch_released:
            raise ConflictError("despatch_intercepted", "The despatch of this contract is held.")
        self._check_shipment(shipment)
        self._shipment_recorded(shipment=shipment)
        if all(self.shipped(line.line_no) >= line.quantity for line in self.facts.lines):
            self._shipping_completed(declared=False, reason="")
            return True
        return False

    def _check_shipment(self, shipment: Shipment) -> None:
        if not shipment.shipment_id.strip():
            raise ValidationError("invalid_shipment", "A shipment needs its despatch number.")
        if shipment.shipment_id in self.shipments:
            raise ConflictError("duplicate_shipment", "This shipment is already recorded.")
        if not shipment.lines:
            raise ValidationError("no_lines", "A shipment needs at least one line.")
        if not (shipment.vehicle_plate.strip() or shipment.vessel_name.strip()):
            raise ValidationError("conveyance_required", "Name the vehicle plate or vessel.")
        if shipment.shipped_at.tzinfo is None:
            raise ValidationError("invalid_time", "The shipping time needs a time zone.")
        if len({s.line_no for s in shipment.lines}) != len(shipment.lines):
            raise ValidationError("invalid_line_no", "Each line may appear once per shipment.")
        tolerance = self.facts.delivery.tolerance_percent
        for item in shipment.lines:
            self._positive(item.actual_weight)
            limit = upper_bound(self.line(item.line_no).quantity, tolerance)
            if self.shipped(item.line_no) + item.actual_weight > limit:
                raise ConflictError(
                    "over_tolerance",
                    f"Line {item.line_no}: more than the contracted quantity plus tolerance "
                    f"({limit} t) would be shipped.",
                )

    def complete_shipping(self, reason: str = "") -> None:
        """The seller declares shipping complete. A line short of the tolerance needs a reason;
        post-settlement charges only what was shipped either way."""
        self._require("complete shipping of", S.SHIPPING)
        tolerance = self.facts.delivery.tolerance_percent
        short = [
            line.line_no
            for line in self.facts.lines
            if self.shipped(line.line_no) < lower_bound(line.quantity, tolerance)
        ]
        if short and not reason.strip():
            raise ValidationError(
                "reason_required",
                f"Lines {', '.join(map(str, short))} are short of the tolerance: give a reason.",
            )
        self._shipping_completed(declared=True, reason=reason.strip())

    # ---- the warehouse's despatch release (出库放行) --------------------------------------
    def release_for_despatch(self) -> None:
        """The WMS/ERP released the goods: from now on the contract cannot be voided."""
        self._require("release", *PRODUCING)
        if self.despatch_released:
            raise ConflictError("already_despatched", "The warehouse has already released it.")
        if self.despatch_intercepted:
            raise ConflictError("despatch_intercepted", "The despatch of this contract is held.")
        self._despatch_released()

    def intercept_despatch(self, reason: str) -> None:
        """拦截: hold the goods in the warehouse (e.g. while a cancellation is decided)."""
        self._require("intercept", *BEFORE_SHIPPING)
        if self.is_despatched:
            raise ConflictError("already_despatched", "The warehouse has already released it.")
        if self.despatch_intercepted:
            raise ConflictError("already_intercepted", "The despatch is already held.")
        self._despatch_intercepted(reason=self._reason(reason))

    def resume_despatch(self) -> None:
        if not self.despatch_intercepted or self.state is S.VOID:
            raise ConflictError("not_intercepted", "The despatch of this contract is not held.")
        self._despatch_resumed()

    # ---- quality certificates (质保书) ----------------------------------------------------
    def issue_certificate(
        self,
        certificate_no: str,
        batch_no: str,
        shipment_id: str,
        verification_code: str | None = None,
    ) -> Certificate:
        """Attach a certificate to a shipment; the code is generated when none is given. The
        service claims the code store-wide, so the public verification finds one contract."""
        if self.state is S.VOID:
            raise self._invalid("issue a certificate for")
        if shipment_id not in self.shipments:
            raise ValidationError("unknown_shipment", "No such shipment on this contract.")
        code = normalise_code(verification_code or new_verification_code())
        if not certificate_no.strip() or not batch_no.strip() or len(code) < 8:
            raise ValidationError("invalid_certificate", "Give a number, a batch and a code.")
        if certificate_no in self.certificates or self.certificate_by_code(code):
            raise ConflictError("duplicate_certificate", "This certificate is already issued.")
        certificate = Certificate(certificate_no.strip(), batch_no.strip(), shipment_id, code)
        self._certificate_issued(certificate=certificate)
        return certificate

    def certificate_by_code(self, code: str) -> Certificate | None:
        wanted = normalise_code(code)
        found = [c for c in self.certificates.values() if c.verification_code == wanted]
        return found[0] if found else None

    @staticmethod
    def _positive(quantity: Quantity) -> None:
        if not isinstance(quantity, Quantity) or quantity.tonnes <= 0:
            raise ValidationError("invalid_quantity", "A quantity must be positive tonnes.")

    # ---- appliers: the ``@event`` methods of Contract -----------------------------------
    def _production_scheduled(
        self, line_no: int, quantity: Quantity, production_week: str | None
    ) -> None:
        raise NotImplementedError

    def _production_recorded(self, line_no: int, quantity: Quantity) -> None:
        raise NotImplementedError

    def _shipment_recorded(self, shipment: Shipment) -> None:
        raise NotImplementedError

    def _shipping_completed(self, declared: bool, reason: str) -> None:
        raise NotImplementedError

    def _despatch_released(self) -> None:
        raise NotImplementedError

    def _despatch_intercepted(self, reason: str) -> None:
        raise NotImplementedError

    def _despatch_resumed(self) -> None:
        raise NotImplementedError

    def _certificate_issued(self, certificate: Certificate) -> None:
        raise NotImplementedError
