"""uvicorn's httptools protocol, with the connection limits uvicorn lacks.

uvicorn closes a connection kept alive after `timeout_keep_alive`, but waits forever
for a request to arrive, and httptools buffers any amount of headers. Here:

- a new connection must send its request headers within `header_timeout` (an idle
  socket, or headers sent byte by byte, is closed); so must a request started on a
  connection kept alive;
- headers larger than `header_bytes` get 431 at once, without being buffered;
- once the headers are in, the body must arrive within `body_timeout` (408);
- past `max_connections` open connections, a new one gets 503 and is closed on accept;
- past `in_flight` requests being answered, a new request gets 503.

uvicorn's own `limit_concurrency` check is replaced by the last one: it counts open
connections as well as requests, so that idle sockets alone would turn every command
into a 503. The common case (a whole request in one read) arms no timer.
"""

from __future__ import annotations

import asyncio
import http
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from bot.service.closed import ClosedLog, Reason


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = 4096
    in_flight: int = 512
    header_bytes: int = 32 * 1024
    header_timeout: float = 5.0
    body_timeout: float = 5.0
    keep_alive: int = 5


def _response(status: int, message: str) -> bytes:
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


TOO_SLOW = _response(408, "La requête est arrivée trop lentement.")
TOO_LARGE = _response(431, "En-têtes de requête trop gros.")
BUSY_MESSAGE = "Le service est surchargé : réessaie dans un instant."
BUSY = _response(503, BUSY_MESSAGE)
BUSY_BODY = json.dumps({"error": BUSY_MESSAGE}, ensure_ascii=False).encode()

# Where a request stands on its connection.
IDLE, HEADERS, BODY, UPGRADED = "idle", "headers", "body", "upgraded"


async def busy(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
    """The answer past `in_flight` requests: 503, in French, and the connection closed."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BUSY_BODY)).encode()),
        (b"connection", b"close"),
        (b"retry-after", b"1"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": BUSY_BODY, "more_body": False})


class GuardedHttpTools(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    closed: ClassVar[ClosedLog] = ClosedLog()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limit_concurrency = None  # see the module's docstring: `in_flight` instead
        self._phase = IDLE
        self._seen = 0  # bytes received while waiting for the current request's headers
        self._headers_done = 0
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._ending = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._end("refused", BUSY)
            return
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._ending:  # answered and closing: what still comes is dropped
            return
        if self._phase is IDLE or self._phase is HEADERS:
            room = self.limits.header_bytes - self._seen
            if len(data) > room:
                self._capped(data, room)
                return
            self._seen += len(data)
        super().data_received(data)
        self._arm()

    def _capped(self, data: bytes, room: int) -> None:
        """Feed no more than the headers may take; refuse if they are not complete by then."""
        done = self._headers_done
        if room > 0:
            super().data_received(data[:room])
        if self._ending or self.transport.is_closing():
            return
        if self._headers_done == done:
            self._end("headers_too_large", TOO_LARGE)
            return
        super().data_received(data[room:])
        self._arm()

    def _arm(self) -> None:
        """After a read: a deadline for what it started and did not finish."""
        limits = self.limits
        if self._phase is HEADERS:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(limits.header_timeout, self._headers_late)
        elif self._phase is BODY:
            if self._body_timer is None:
                self._body_timer = self.loop.call_later(limits.body_timeout, self._body_late)
        elif self._phase is IDLE and self._header_timer is None and self._answered():
            # Bytes that start no request (blank lines) cancelled uvicorn's keep-alive timer.
            self._header_timer = self.loop.call_later(limits.header_timeout, self._headers_late)

    def _answered(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def on_message_begin(self) -> None:
        self._phase = HEADERS
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._phase = BODY
        self._headers_done += 1
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        if len(self.tasks) < self.limits.in_flight:
            super().on_headers_complete()
        else:
            self.closed.add("busy")
            self.app = busy
            try:
                super().on_headers_complete()
            finally:
                self.app = self.config.loaded_app
        if self.parser.should_upgrade() and self._should_upgrade():
            self._phase = UPGRADED  # the WebSocket protocol takes the connection over

    def on_message_complete(self) -> None:
        self._phase = IDLE
        self._seen = 0
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def _headers_late(self) -> None:
        self._header_timer = None
        if self._phase is HEADERS:
            self._end("slow_headers", TOO_SLOW)
        elif self._phase is IDLE and self._answered():
            self._end("idle", None)

    def _body_late(self) -> None:
        self._body_timer = None
        if self._phase is BODY:
            self._end("slow_body", TOO_SLOW)

    def _end(self, reason: Reason, answer: bytes | None) -> None:
        """Close for `reason`, answering first if no answer has started."""
        self._ending = True
        self.closed.add(reason)
        self._cancel_timers()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started:
                answer = None
            cycle.disconnected = True  # the application's receive() says so; its send() is void
            cycle.message_event.set()
        if answer is not None and not self.transport.is_closing():
            self.transport.write(answer)
        self.transport.close()  # once what is written is sent

    def _cancel_timers(self) -> None:
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None


def guarded_protocol(limits: ConnectionLimits, closed: ClosedLog) -> type[GuardedHttpTools]:
    """The protocol class to give uvicorn (`http=`), with these limits."""

    class Guarded(GuardedHttpTools):
        pass

    Guarded.limits = limits
    Guarded.closed = closed
    return Guarded
