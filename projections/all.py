"""Every read model the system keeps, in one list for the runner."""

from __future__ import annotations

from projections.accounts import AccountDirectoryProjection
from projections.base import Projection


def all_projections() -> list[Projection]:
    return [AccountDirectoryProjection()]
