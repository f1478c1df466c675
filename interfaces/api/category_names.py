"""Category names beside category codes (``category_name``: 热轧卷板 beside HRC), from the
category tree read model. A code the read model has not seen yet (a category defined a moment
ago) has no name: ``category_name`` is then null and the code still says which it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projections.catalog.tree import CategoryTreeView

if TYPE_CHECKING:
    from interfaces.wiring import Services


def category_names(services: Services) -> dict[str, str]:
    return {c["code"]: c["name"] for c in CategoryTreeView(services.views).categories()}
