"""Chinese names of a listing's state and shelf status, shown beside the codes."""

from __future__ import annotations

LISTING_STATE_LABELS: dict[str, str] = {
    "draft": "草稿",
    "published": "已发布",
    "withdrawn": "已撤回",
}

LISTING_STATUS_LABELS: dict[str, str] = {
    "draft": "草稿",
    "scheduled": "待上架",
    "on_shelf": "在售",
    "expired": "已到期下架",
    "withdrawn": "已撤回",
}
