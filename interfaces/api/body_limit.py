"""The request body limit (``STEELYARD_MAX_BODY_BYTES``, 1 MiB by default): 413 problem+json.

A declared ``Content-Length`` over the limit is refused before the app runs, so nothing is read
and nothing is written. A body sent without one (``Transfer-Encoding: chunked``) is counted as
it arrives and refused the moment it passes the limit, so no request makes a worker hold more
than the limit in memory.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.api.problems import spoken_in
from interfaces.api.responses import problem


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
        declared = (Headers(scope=scope).get("content-length") or "").strip()
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_bytes):
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
