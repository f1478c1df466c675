"""The fulfilment half of the tracking read model: production facts, shipments, certificates,
invoices and objections, as they land on a contract's history.

``FulfilmentTracking`` is a mixin of ``TrackingProjection``
(``projections/tracking/projection.py``): its ``@on`` handlers become the projection's. Each does to
the rows what the Contract's applier does to its state (``domain/trading/contract.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.trading.contract import Contract, ContractState
from projections.base import event_class, on
from projections.database import Transaction
from projections.tracking.tables import add_to_row, company_of, insert_row, update_row, utc

ProductionScheduled = event_class(Contract, "ProductionScheduled")
ProductionRecorded = event_class(Contract, "ProductionRecorded")
ShipmentRecorded = event_class(Contract, "ShipmentRecorded")
CertificateIssued = event_class(Contract, "CertificateIssued")
InvoiceRecorded = event_class(Contract, "InvoiceRecorded")
ObjectionFiled = event_class(Contract, "ObjectionFiled")
ObjectionResolved = event_class(Contract, "ObjectionResolved")

LINES, CONTRACTS = "tracking_contract_lines", "tracking_contracts"


class FulfilmentTracking:
    """Handlers for what happens to a contract from production on."""

    @on(ProductionScheduled)
    def production_scheduled(self, event: Any, tx: Transaction) -> None:
        """排产: adds to the line; the first one moves an established contract into production."""
        line = {"contract_id": event.originator_id, "line_no": event.line_no}
        add_to_row(tx, LINES, line, "scheduled", event.quantity.tonnes)
        tx.execute(
            "UPDATE tracking_contracts SET state = %s WHERE contract_id = %s AND state = %s",
            (ContractState.IN_PRODUCTION.value, event.originator_id, "established"),
        )
        _touch(tx, event)

    @on(ProductionRecorded)
    def production_recorded(self, event: Any, tx: Transaction) -> None:
        line = {"contract_id": event.originator_id, "line_no": event.line_no}
        add_to_row(tx, LINES, line, "produced", event.quantity.tonnes)
        _touch(tx, event)

    @on(ShipmentRecorded)
    def shipment_recorded(self, event: Any, tx: Transaction) -> None:
        """发运: the shipment and its weights; each line's shipped tonnes grow; the contract is
        shipping (the aggregate records ShippingCompleted when every line is shipped)."""
        shipment, contract_id = event.shipment, event.originator_id
        insert_row(
            tx,
            "tracking_shipments",
            contract_id=contract_id,
            shipment_id=shipment.shipment_id,
            company_id=company_of(tx, CONTRACTS, "contract_id", contract_id),
            warehouse=shipment.warehouse,
            shipped_at=utc(shipment.shipped_at),
            vehicle_plate=shipment.vehicle_plate,
            vessel_name=shipment.vessel_name,
            weight=sum((x.actual_weight.tonnes for x in shipment.lines), Decimal("0.000")),
            recorded_at=utc(event.timestamp),
        )
        for item in shipment.lines:
            insert_row(
                tx,
                "tracking_shipment_lines",
                contract_id=contract_id,
                shipment_id=shipment.shipment_id,
                line_no=item.line_no,
                actual_weight=item.actual_weight.tonnes,
            )
            line = {"contract_id": contract_id, "line_no": item.line_no}
            add_to_row(tx, LINES, line, "shipped", item.actual_weight.tonnes)
        tx.execute(
            "UPDATE tracking_contracts SET shipment_count = shipment_count + 1 "
            "WHERE contract_id = %s",
            (contract_id,),
        )
        _touch(tx, event, state=ContractState.SHIPPING.value)

    @on(CertificateIssued)
    def certificate_issued(self, event: Any, tx: Transaction) -> None:
        """质保书: number, batch and shipment. The verification code is not kept: it is the
        secret that proves a certificate genuine (the public check reads the contract)."""
        certificate = event.certificate
        insert_row(
            tx,
            "tracking_certificates",
            contract_id=event.originator_id,
            certificate_no=certificate.certificate_no,
            company_id=company_of(tx, CONTRACTS, "contract_id", event.originator_id),
            batch_no=certificate.batch_no,
            shipment_id=certificate.shipment_id,
            issued_at=utc(event.timestamp),
        )

    @on(InvoiceRecorded)
    def invoice_recorded(self, event: Any, tx: Transaction) -> None:
        """This contract's share of an invoice (one over several contracts has a share on each)."""
        share = event.share
        insert_row(
            tx,
            "tracking_invoices",
            invoice_no=share.invoice_no,
            contract_id=event.originator_id,
            company_id=company_of(tx, CONTRACTS, "contract_id", event.originator_id),
            kind=share.kind.value,
            amount=share.amount.amount,
            recorded_at=utc(event.timestamp),
        )
        keys = {"contract_id": event.originator_id}
        add_to_row(
            tx,
            CONTRACTS,
            keys,
            "invoiced_amount",
            share.amount.amount,
            updated_at=utc(event.timestamp),
        )

    @on(ObjectionFiled)
    def objection_filed(self, event: Any, tx: Transaction) -> None:
        objection = event.objection
        insert_row(
            tx,
            "tracking_objections",
            objection_id=objection.objection_id,
            contract_id=event.originator_id,
            company_id=company_of(tx, CONTRACTS, "contract_id", event.originator_id),
            kind=objection.kind.value,
            shipment_id=objection.shipment_id,
            claimed=objection.claimed.amount,
            description=objection.description,
            status=objection.status.value,
            compensation=objection.compensation.amount,
            rejection_reason=objection.rejection_reason,
            filed_at=utc(event.timestamp),
        )

    @on(ObjectionResolved)
    def objection_resolved(self, event: Any, tx: Transaction) -> None:
        """Accepted with a compensation, or rejected with a reason."""
        objection = event.objection
        update_row(
            tx,
            "tracking_objections",
            {"objection_id": objection.objection_id},
            status=objection.status.value,
            compensation=objection.compensation.amount,
            rejection_reason=objection.rejection_reason,
            resolved_at=utc(event.timestamp),
        )


def _touch(tx: Transaction, event: Any, **columns: Any) -> None:
    keys = {"contract_id": event.originator_id}
    update_row(tx, CONTRACTS, keys, **columns, updated_at=utc(event.timestamp))
