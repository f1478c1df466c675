"""The cart, checkout and orders (spot purchases)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from domain.errors import ValidationError
from domain.values import Quantity
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import (
    PROBLEM_RESPONSES,
    CommandResult,
    OrjsonResponse,
    command_response,
)
from interfaces.api.schemas.trading import (
    Cancel,
    CartItem,
    Checkout,
    ReturnIn,
    ReturnReview,
    order_public,
)

router = APIRouter(tags=["orders"], responses=PROBLEM_RESPONSES)


@router.get("/cart")
def get_cart(services: Svc, ctx: SignedIn) -> OrjsonResponse:
    return OrjsonResponse(services.orders.cart())


@router.post("/cart/items", response_model=CommandResult)
def put_in_cart(body: CartItem, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Put a listing in the cart with this quantity (replacing any earlier quantity)."""
    return command_response(services.orders.put_in_cart(body.listing_id, body.tonnes()))


@router.post("/cart/items/{listing_id}/remove", response_model=CommandResult)
def remove_from_cart(listing_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    return command_response(services.orders.remove_from_cart(listing_id))


@router.post("/cart/checkout", status_code=201, response_model=CommandResult)
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
    return command_response(outcome, 201)


@router.get("/orders/{order_id}")
def get_order(order_id: UUID, services: Svc, ctx: SignedIn) -> dict[str, Any]:
    return order_public(services.orders.get(order_id))


@router.post("/orders/{order_id}/cancel", response_model=CommandResult)
def cancel_order(order_id: UUID, body: Cancel, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Before payment, always; after payment only until the warehouse releases the goods
    (then 409 `already_despatched`). Stock and funds are released in the same save."""
    return command_response(services.orders.cancel(order_id, body.reason))


@router.post("/orders/{order_id}/returns", status_code=201, response_model=CommandResult)
def request_return(order_id: UUID, body: ReturnIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """After receipt: return part of the goods (per line), for review."""
    lines = tuple((x.line_no, Quantity.parse(x.quantity)) for x in body.lines)
    return command_response(services.returns.request_return(order_id, lines, body.reason), 201)


@router.post("/orders/{order_id}/returns/{return_id}/review", response_model=CommandResult)
def review_return(
    order_id: UUID, return_id: UUID, body: ReturnReview, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    approve = body.decision == "approve"
    return command_response(services.returns.review_return(order_id, return_id, approve, body.note))


@router.post("/orders/{order_id}/returns/{return_id}/receive", response_model=CommandResult)
def receive_return(order_id: UUID, return_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """The warehouse entered the returned goods."""
    return command_response(services.returns.receive_return(order_id, return_id))


@router.post("/orders/{order_id}/returns/{return_id}/refund", response_model=CommandResult)
def refund_return(order_id: UUID, return_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Finance refunds the returned lines into the customer's funds."""
    return command_response(services.returns.refund_return(order_id, return_id))
