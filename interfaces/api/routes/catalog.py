"""The product catalog: the category tree with its attribute templates, and products."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import (
    PROBLEM_RESPONSES,
    CommandResult,
    OrjsonResponse,
    command_response,
)
from interfaces.api.schemas.catalog import (
    CategoryCreate,
    CategoryNode,
    ProductCreate,
    ProductPublic,
)

router = APIRouter(prefix="/catalog", tags=["catalog"], responses=PROBLEM_RESPONSES)


@router.get("/categories", response_model=list[CategoryNode])
def category_tree(services: Svc, ctx: SignedIn) -> list[CategoryNode]:
    """The category tree, roots first; each node with the attributes its products must carry
    (``template``: its own and every ancestor's)."""
    return CategoryNode.tree(services.catalog.get_category_tree())


@router.post("/categories", status_code=201, response_model=CommandResult)
def define_category(body: CategoryCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator adds a category under ``parent`` (none: a root) with its required attributes."""
    outcome = services.catalog.define_category(
        body.code, body.name, body.parent, tuple(body.required_attributes)
    )
    return command_response(outcome, 201)


@router.post("/categories/defaults", response_model=CommandResult)
def define_default_categories(services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """金属矿产 METAL → 钢材 STEEL → HRC, PLATE, COLD, WIRE, REBAR, SECTION; adds those missing."""
    return command_response(services.catalog.define_default_categories())


@router.post("/products", status_code=201, response_model=CommandResult)
def add_product(body: ProductCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator files a product under a leaf category; it must carry the category's template."""
    outcome = services.catalog.add_product(body.category, body.name, body.attributes.to_domain())
    return command_response(outcome, 201)


@router.get("/products/{product_id}", response_model=ProductPublic)
def get_product(product_id: UUID, services: Svc, ctx: SignedIn) -> ProductPublic:
    return ProductPublic.of(services.catalog.get_product(product_id))
