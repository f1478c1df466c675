"""Where classes used to live: a store written before a module moved still loads.

Every stored event, snapshot and tagged value names its class by topic (``module:QualName``). When
the domain moved into per-area packages the modules changed names, so each old module name is
registered here as an alias of its new module: an old topic such as
``domain.funds:FundsAccount.PaymentRecorded`` resolves to the class that lives in
``domain.funds.account`` today, while new events are written with their new topics. Entries are
never removed: the store keeps the old topics forever. ``Ledger`` registers them on start.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from eventsourcing.utils import get_topic, register_topic

# old module → new module (never remove an entry: stored events name the old one)
MOVED_MODULES: dict[str, str] = {
    "domain.account": "domain.accounts.account",
    "domain.identity": "domain.accounts.identity",
    "domain.staff": "domain.accounts.staff",
    "domain.funds": "domain.funds.account",
    "domain.funds_deposits": "domain.funds.deposits",
    "domain.funds_requests": "domain.funds.requests",
    "domain.funds_reservations": "domain.funds.reservations",
    "domain.credit": "domain.funds.credit",
    "domain.journal": "domain.funds.journal",
    "domain.catalog": "domain.catalog.catalog",
    "domain.listing": "domain.catalog.listing",
    "domain.pricing": "domain.catalog.pricing",
    "domain.cart": "domain.trading.cart",
    "domain.order": "domain.trading.order",
    "domain.contract": "domain.trading.contract",
    "domain.contract_text": "domain.trading.contract_text",
    "domain.contract_settlement": "domain.trading.settlement",
    "domain.fulfilment": "domain.trading.fulfilment",
}

_done: list[bool] = []  # set once every old name is registered
_lock = threading.Lock()


class _MovedModule:
    """Stands for a moved module under its old name; its attributes are the new module's.

    ``__name__`` is the old name because the library also resolves a topic under a registered
    name as a submodule of it (``domain.funds`` + ``.account``), which must stay importable."""

    def __init__(self, old: str, new: str) -> None:
        self.__name__ = old
        self._new = new

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self._new), name)


def register_moved_topics() -> None:
    """Register every old module name (once per process)."""
    with _lock:
        if _done:
            return
        for old, new in MOVED_MODULES.items():
            register_topic(old, _MovedModule(old, new))  # type: ignore[arg-type]
        _done.append(True)


def topics_of(cls: type) -> list[str]:
    """Every topic the store may hold for ``cls``: today's and the ones it had before a move
    (for queries that filter the notification log by topic)."""
    topic = get_topic(cls)
    module, _, name = topic.partition(":")
    old = [f"{before}:{name}" for before, after in MOVED_MODULES.items() if after == module]
    return [topic, *old]
