"""The cart, checkout and orders (spot purchases)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from domain.errors import ValidationError
from domain.values import Quantity
from interfaces.api.category_names import category_names
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import COMMANDS, SIGNED_IN, OrjsonResponse, command_response, problems
from interfaces.api.schemas.answers import (
    CartAnswer,
    CartPublic,
    OrderPlaced,
    OrderStateAnswer,
    ReturnAnswer,
)
from interfaces.api.schemas.trading import Cancel, CartItem, Checkout, ReturnIn, ReturnReview
from interfaces.api.schemas.trading_public import OrderPublic

router = APIRouter(tags=["orders"], responses=problems(*SIGNED_IN, *COMMANDS))


@router.get("/cart", response_model=CartPublic)
def get_cart(services: Svc, ctx: SignedIn) -> CartPublic:
    """The cart priced as checkout would price it now: each line's product, warehouse and stock
    available, the price for this customer in its region (with the rule and price version), the
    line amount, and the total."""
    return CartPublic.model_validate(services.orders.cart())


@router.post("/cart/items", response_model=CartAnswer)
def put_in_cart(body: CartItem, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Put a listing in the cart with this quantity; putting a listing again replaces its
    quantity (it does not add). More than the listing has available is 409 `oversold` (with
    `available`); the minimum and step are checked (422 `below_minimum`, `off_step`)."""
    outcome = services.orders.put_in_cart(body.listing_id, body.tonnes())
    return command_response(outcome, CartAnswer)


@router.post("/cart/items/{listing_id}/remove", response_model=CartAnswer)
def remove_from_cart(listing_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    return command_response(services.orders.remove_from_cart(listing_id), CartAnswer)


@router.post("/cart/checkout", status_code=201, response_model=OrderPlaced)
def checkout(body: Checkout, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Price, reserve stock and funds, generate the contracts and place the order, at once.
    A buyer checks out its cart; a manager names `account_id` and `lines` for a customer."""
    account_id = body.account_id or ctx.actor.account_id
    if account_id is None:
        raise ValidationError("account_required", "Name the customer's account_id.")
    lines = tuple((item.listing_id, item.tonnes()) for item in body.lines) if body.lines else None
    outcome = services.orders.checkout(
        account_id, body.delivery_address, body.delivery_region, lines
    )
    return command_response(outcome, OrderPlaced, 201)


@router.get("/orders/{order_id}", response_model=OrderPublic)
def get_order(order_id: UUID, services: Svc, ctx: SignedIn) -> OrderPublic:
    """The order read from its own history: lines (price rule and version), statuses with
    their labels, contracts and returns."""
    return OrderPublic.of(services.orders.get(order_id), category_names(services))


@router.post("/orders/{order_id}/cancel", response_model=OrderStateAnswer)
def cancel_order(order_id: UUID, body: Cancel, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Before payment, always; after payment only until the warehouse releases the goods
    (then 409 `already_despatched`). Stock and funds are released in the same save."""
    return command_response(services.orders.cancel(order_id, body.reason), OrderStateAnswer)


@router.post("/orders/{order_id}/returns", status_code=201, response_model=ReturnAnswer)
def request_return(order_id: UUID, body: ReturnIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """After receipt: return part of the goods (per line), for review."""
    lines = tuple((x.line_no, Quantity.parse(x.quantity)) for x in body.lines)
    outcome = services.returns.request_return(order_id, lines, body.reason)
    return command_response(outcome, ReturnAnswer, 201)


@router.post("/orders/{order_id}/returns/{return_id}/review", response_model=ReturnAnswer)
def review_return(
    order_id: UUID, return_id: UUID, body: ReturnReview, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    approve = body.decision == "approve"
    outcome = services.returns.review_return(order_id, return_id, approve, body.note)
    return command_response(outcome, ReturnAnswer)


@router.post("/orders/{order_id}/returns/{return_id}/receive", response_model=ReturnAnswer)
def receive_return(order_id: UUID, return_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """The warehouse entered the returned goods."""
    return command_response(services.returns.receive_return(order_id, return_id), ReturnAnswer)


@router.post("/orders/{order_id}/returns/{return_id}/refund", response_model=ReturnAnswer)
def refund_return(order_id: UUID, return_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Finance refunds the returned lines into the customer's funds."""
    return command_response(services.returns.refund_return(order_id, return_id), ReturnAnswer)
