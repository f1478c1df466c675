"""Test implementations of the identity ports, injected through ``Services.build``."""

from __future__ import annotations

import threading
import time

from domain.accounts.identity import PasswordHasher, SmsGateway
from interfaces.security import LoggingSms


class CapturingSms:
    """Keeps every message it is given (tests read one-time codes here, never from a log),
    then hands it on to the real adapter, so the real adapter's logging runs in every test."""

    def __init__(self, inner: SmsGateway | None = None) -> None:
        self.inner = inner or LoggingSms()
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            self.sent.append((phone, text))
        self.inner.send(phone, text)

    def last_to(self, phone: str) -> str | None:
        with self._lock:
            return next((t for p, t in reversed(self.sent) if p == phone), None)


class CountingHasher:
    """Counts the (costly) hashes asked of the real hasher; ``delay`` stretches each one so
    that concurrent requests surely overlap while one of them is hashing."""

    def __init__(self, inner: PasswordHasher, delay: float = 0.0) -> None:
        self.inner = inner
        self.delay = delay
        self.hashes = 0
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        with self._lock:
            self.hashes += 1
        time.sleep(self.delay)
        return self.inner.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        return self.inner.verify(password, hashed)
