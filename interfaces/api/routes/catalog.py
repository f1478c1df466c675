"""The product catalog: the category tree with its attribute templates, and products."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from interfaces.api.deps import WAIT_FOR_HELP, ReadsFrom, SignedIn, Svc, get_services
from interfaces.api.responses import (
    COMMANDS,
    READS,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.answers import CategoriesAdded, CategoryDefined, ProductAdded
from interfaces.api.schemas.catalog import (
    CategoriesPublic,
    CategoryCreate,
    CategoryNode,
    ProductCreate,
    ProductPublic,
)
from projections.catalog.tree import CategoryTreeView

router = APIRouter(prefix="/catalog", tags=["catalog"], responses=problems(*SIGNED_IN, *COMMANDS))
_TREE = ReadsFrom("category_tree")


async def tree_is_current(
    request: Request,
    wait_for: Annotated[int | None, Query(ge=0, le=2**63 - 1, description=WAIT_FOR_HELP)] = None,
) -> None:
    """The tree is small and changes seldom: without ``wait_for`` it waits (bounded) for every
    category defined before the request, so an operator sees the one just added."""
    if wait_for is None:
        wait_for = await run_in_threadpool(get_services(request).ledger.head)
    await _TREE(request, wait_for)


@router.get("/categories", response_model=CategoriesPublic, responses=problems(*READS))
def category_tree(
    services: Svc, ctx: SignedIn, _: Annotated[None, Depends(tree_is_current)]
) -> CategoriesPublic:
    """The category tree, from its read model: ``data`` holds the roots, each node with its
    children and the attributes its products must carry (``template``: its own and every
    ancestor's); ``count`` is every category."""
    flat = CategoryTreeView(services.views).categories()
    return CategoriesPublic(data=CategoryNode.tree(flat), count=len(flat))


@router.post("/categories", status_code=201, response_model=CategoryDefined)
def define_category(body: CategoryCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator adds a category under ``parent`` (none: a root) with its required attributes."""
    outcome = services.catalog.define_category(
        body.code, body.name, body.parent, tuple(body.required_attributes)
    )
    return command_response(outcome, CategoryDefined, 201)


@router.post("/categories/defaults", response_model=CategoriesAdded)
def define_default_categories(services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """金属矿产 METAL → 钢材 STEEL → HRC, PLATE, COLD, WIRE, REBAR, SECTION; adds those missing."""
    return command_response(services.catalog.define_default_categories(), CategoriesAdded)


@router.post("/products", status_code=201, response_model=ProductAdded)
def add_product(body: ProductCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator files a product under a leaf category; it must carry the category's template."""
    outcome = services.catalog.add_product(body.category, body.name, body.attributes.to_domain())
    return command_response(outcome, ProductAdded, 201)


@router.get("/products/{product_id}", response_model=ProductPublic)
def get_product(product_id: UUID, services: Svc, ctx: SignedIn) -> ProductPublic:
    return ProductPublic.of(services.catalog.get_product(product_id))
