"""What an auction takes from other areas and gives them: a lot's goods from a listing, and
the award's contract facts for the contract area (which does not know auctions: the contract
says where it came from, source ``auction`` and the lot's id)."""

from __future__ import annotations

from domain import context
from domain.accounts.customers import Customer
from domain.auctions.lot import AuctionLot
from domain.auctions.values import LotGoods
from domain.catalog.offers import Offer
from domain.errors import ConflictError
from domain.trading.contract_text import (
    ContractFacts,
    ContractLine,
    ContractSource,
    DeliveryTerms,
    PaymentTerms,
)
from domain.trading.order_service import BREACH, SELLER_NAME
from domain.values import Quantity

SOURCE_KIND = "auction"  # the award contract's source: ContractSource("auction", str(lot id))


def lot_goods(offer: Offer, quantity: Quantity) -> LotGoods:
    product = offer.product
    attrs = product.attributes
    sizes = "×".join(str(v) for v in (attrs.thickness, attrs.width, attrs.length) if v)
    words = (product.name, attrs.grade, sizes, attrs.standard)
    return LotGoods(
        listing_id=offer.listing_id,
        product_id=product.product_id,
        category=offer.category,
        description=" ".join(w for w in words if w),
        warehouse=offer.warehouse,
        quantity=quantity,
    )


def award_facts(lot: AuctionLot, winner: Customer) -> ContractFacts:
    """The winner's contract: one line at the winning price, 100 % prepay due within the lot's
    payment days, collected at the lot's warehouse (ex-warehouse, 自提); its number (and so its
    id) follows from the lot, so an award has one contract."""
    goods, outcome = lot.goods, lot.outcome
    if outcome is None or outcome.highest is None:
        raise ConflictError("not_awarded", "Only an awarded lot has a contract.")
    line = ContractLine.priced(
        1, goods.product_id, goods.listing_id, goods.category, goods.description,
        goods.quantity, outcome.highest.price,
    )  # fmt: skip
    today = context.current().today()
    return ContractFacts(
        contract_no=f"AU{today:%Y%m%d}{lot.id.hex[:10].upper()}",
        source=ContractSource(SOURCE_KIND, str(lot.id)),
        buyer_id=winner.account_id,
        buyer_name=winner.name,
        seller_name=SELLER_NAME,
        lines=(line,),
        payment=PaymentTerms.prepay(due_days=lot.terms.payment_days),
        delivery=DeliveryTerms(
            warehouse=goods.warehouse,
            region=winner.region,
            address=f"{goods.warehouse} (ex-warehouse, 自提)",
            delivery_month=today.strftime("%Y-%m"),
        ),
        breach=BREACH,
    )
