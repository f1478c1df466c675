"""Paging bounds shared by every list: ``limit`` 1–500, ``offset`` 0–10^9.

One definition, so no list can be asked for a page its database cannot count to (an offset
past a 64-bit integer answered 500); anything outside is 422 ``validation_error``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_LIMIT = 500
MAX_OFFSET = 10**9

LIMIT_DESCRIPTION = f"Rows per page, 1 to {MAX_LIMIT}."
OFFSET_DESCRIPTION = f"Rows to skip, 0 to {MAX_OFFSET}."

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=OFFSET_DESCRIPTION)]
