"""The guarded HTTP protocol in process: a fake transport that records what the server
writes, and an app that records what it receives, on a real event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from bot.service.closed import ClosedLog
from bot.service.connections import ConnectionLimits, GuardedHttpTools, guarded_protocol

Message = dict[str, Any]


class FakeTransport(asyncio.Transport):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.written = bytearray()
        self.wrote = asyncio.Event()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.protocol: GuardedHttpTools | None = None

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 40000)}.get(
            name, default
        )

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed.done(), "written after the end"
        self.written += data
        self.wrote.set()

    def is_closing(self) -> bool:
        return self.closed.done()

    def close(self) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
            if self.protocol is not None:
                self.loop.call_soon(self.protocol.connection_lost, None)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        raise AssertionError("no protocol switch expected")


@dataclass
class Recording:
    """An ASGI app that reads the whole body, records it, and answers 200 `ok`; `hold`
    keeps it from answering until set."""

    hold: asyncio.Event | None = None
    bodies: list[bytes] = field(default_factory=list)
    received: list[Message] = field(default_factory=list)

    async def __call__(
        self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Any
    ) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            self.received.append(message)
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.bodies.append(body)
        if self.hold is not None:
            await self.hold.wait()
        headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})


class Server:
    """One protocol class, its limits and its log of closures, shared by its connections."""

    def __init__(self, app: Recording, limits: ConnectionLimits) -> None:
        self.loop = asyncio.get_running_loop()
        self.config = Config(app=app, lifespan="off", proxy_headers=False, log_config=None)
        self.config.load()
        self.state = ServerState()
        self.closed = ClosedLog(later=lambda delay, then: None)
        self.protocol = guarded_protocol(limits, self.closed)

    def connect(self) -> tuple[GuardedHttpTools, FakeTransport]:
        protocol = self.protocol(config=self.config, server_state=self.state, app_state={})
        transport = FakeTransport(self.loop)
        transport.protocol = protocol
        protocol.connection_made(transport)
        return protocol, transport


async def ended(transport: FakeTransport, *, within: float = 2.0) -> bytes:
    """What the server wrote, once it closed the connection (never waiting past `within`)."""
    await asyncio.wait_for(asyncio.shield(transport.closed), timeout=within)
    return bytes(transport.written)


async def answered(
    transport: FakeTransport, *, ending: bytes, count: int = 1, within: float = 2.0
) -> bytes:
    """What the server wrote, once it ends with `ending` (the end of a response), `count`
    times."""

    async def complete() -> None:
        written = transport.written
        while not (written.endswith(ending) and written.count(ending) >= count):
            transport.wrote.clear()
            await transport.wrote.wait()

    await asyncio.wait_for(complete(), timeout=within)
    return bytes(transport.written)


def command(body: bytes = b"token=t&text=qui+anct", *, extra: bytes = b"") -> bytes:
    return (
        b"POST /mattermost/command HTTP/1.1\r\nHost: bot\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + extra
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
