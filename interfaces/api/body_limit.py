"""The request body limit (``STEELYARD_MAX_BODY_BYTES``, 1 MiB by default): 413 problem+json.

A declared ``Content-Length`` over the limit is refused before the app runs, so nothing is read
and nothing is written. A body sent without one (``Transfer-Encoding: chunked``) is counted as
it arrives and refused the moment it passes the limit, so no request makes a worker hold more
than the limit in memory.

Before either refusal the rest of a body already on its way is read and thrown away, up to
``DRAIN_BYTES`` or ``DRAIN_SECONDS``: a server that closes with unread bytes makes the kernel
reset the connection, and the reset can arrive before the client has read the 413, so the client
sees "connection reset" instead of the answer (the lingering close of HTTP servers). A client that
asked ``Expect: 100-continue`` has sent nothing yet and is not invited to.
"""

from __future__ import annotations

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.api.problems import spoken_in
from interfaces.api.responses import problem

DRAIN_BYTES = 4 * 1024 * 1024
DRAIN_SECONDS = 2.0


async def _drain(receive: Receive) -> None:
    """Read and drop the rest of the body, within the bounds above; never holds it."""
    budget = DRAIN_BYTES
    with anyio.move_on_after(DRAIN_SECONDS):
        while budget >= 0:
            message = await receive()
            if message["type"] != "http.request":
                return
            budget -= len(message.get("body", b""))
            if not message.get("more_body", False):
                return


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` while the app reads the body; the problem handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit} bytes.")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = (headers.get("content-length") or "").strip()
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_bytes):
            waits = "100-continue" in headers.get("expect", "").lower()
            if not waits and len(declared) <= 18 and int(declared) - self.max_bytes <= DRAIN_BYTES:
                await _drain(receive)
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if message.get("more_body", False):
                        await _drain(receive)
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._refuse(scope, receive, send)  # reached here only past the handlers

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = BodyTooLargeError(self.max_bytes).detail
        asked = Headers(scope=scope).get("accept-language")
        response = spoken_in(asked, problem(413, "payload_too_large", detail))
        response.headers["Connection"] = "close"  # the unread rest of the body is not wanted
        await response(scope, receive, send)
