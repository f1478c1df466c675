"""The API client on a clean store and its movable clock (the API tests' fixtures)."""

from tests.api.conftest import api, clock

__all__ = ["api", "clock"]
