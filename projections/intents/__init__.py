"""Intent tracking (期货意向跟踪): each futures intent with its state and label, the manager's
supplement, the review steps and the contract it became."""

from projections.intents.projection import IntentTrackingProjection
from projections.intents.view import IntentTrackingView

__all__ = ["IntentTrackingProjection", "IntentTrackingView"]
