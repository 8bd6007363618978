"""Running the app under uvicorn with the connection limits (`connections.py`): the open
files limit raised first, and the limits said in one log line."""

from __future__ import annotations

import logging
import resource
from collections.abc import Awaitable, Callable
from dataclasses import replace

import uvicorn
from starlette.requests import ClientDisconnect

from bot.service.closed import ClosedLog
from bot.service.connections import ConnectionLimits, guarded_protocol
from bot.service.settings import Settings

log = logging.getLogger("bot.connections")

# Files the bot opens besides client connections: database pool, calls to Mattermost
# and Tchap, the registry, logs, the event loop's own.
RESERVED_FILES = 128
# Connections the kernel queues before the bot accepts them (capped by net.core.somaxconn).
BACKLOG = 2048


def limits_of(settings: Settings) -> ConnectionLimits:
    return ConnectionLimits(
        max_connections=settings.max_connections,
        in_flight=settings.max_requests_in_flight,
        header_bytes=settings.max_header_bytes,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        keep_alive=settings.keep_alive_timeout,
    )


def raise_open_files() -> tuple[int, int]:
    """The soft limit on open files raised to the hard one (Docker's soft one is 1024):
    the limit before, and after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard <= soft:
        return soft, soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):  # refused (some systems cap it lower): keep what we have
        return soft, soft
    return soft, hard


def within(limits: ConnectionLimits, open_files: int) -> ConnectionLimits:
    """`limits`, with no more connections than the open files limit leaves room for."""
    room = max(open_files - RESERVED_FILES, 16)
    return replace(limits, max_connections=min(limits.max_connections, room))


def describe(limits: ConnectionLimits, before: int, after: int) -> str:
    files = f"{after}" if before == after else f"{after} (raised from {before})"
    return (
        f"connection limits: open files {files}, connections {limits.max_connections}, "
        f"requests in flight {limits.in_flight}, headers {limits.header_bytes} bytes "
        f"within {limits.header_timeout:g} s, body within {limits.body_timeout:g} s, "
        f"keep-alive {limits.keep_alive} s, backlog {BACKLOG}"
    )


def client_still_there(record: logging.LogRecord) -> bool:
    """A filter for uvicorn's log: a client gone before its body arrived (closed by the
    body deadline, say) is no application error, and its trace would be noise."""
    return not (record.exc_info and isinstance(record.exc_info[1], ClientDisconnect))


def serve(
    app: Callable[..., Awaitable[None]], *, host: str, port: int, limits: ConnectionLimits
) -> None:
    before, after = raise_open_files()
    limits = within(limits, after)
    log.info(describe(limits, before, after))
    logging.getLogger("uvicorn.error").addFilter(client_still_there)
    uvicorn.run(
        app,
        host=host,
        port=port,
        # The protocol enforces every limit, `in_flight` included: uvicorn's own
        # `limit_concurrency` would count idle sockets as requests, so it stays unset.
        http=guarded_protocol(limits, ClosedLog()),
        backlog=BACKLOG,
        timeout_keep_alive=limits.keep_alive,
        log_config=None,  # our handlers: JSON lines off a terminal
        access_log=False,
        timeout_graceful_shutdown=20,
    )
