"""Futures intents (期货意向): a customer's request for material to be produced, supplemented by
its manager, confirmed by the customer, reviewed by the seller's chain, then a contract.

``FuturesIntent`` is the aggregate; the category's attribute template, the review chain and
the contract come from the services (one write each).
"""

from domain.intents.intent import FuturesIntent
from domain.intents.values import (
    STATE_LABELS,
    IntentRequest,
    IntentState,
    Review,
    ReviewLevel,
    SpecificationTemplate,
    Supplement,
    review_chain,
)

__all__ = [
    "STATE_LABELS",
    "FuturesIntent",
    "IntentRequest",
    "IntentState",
    "Review",
    "ReviewLevel",
    "SpecificationTemplate",
    "Supplement",
    "review_chain",
]
