"""The guarded HTTP protocol, in process: deadlines, the header cap, the two counts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from bot.service.connections import ConnectionLimits
from tests.connection_harness import Recording, Server, answered, command, ended

FAST = ConnectionLimits(header_timeout=0.05, body_timeout=0.05, header_bytes=4096)


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), timeout=10))


def error_of(written: bytes) -> tuple[int, str]:
    head, _, body = written.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)["error"]


def test_a_connection_that_sends_nothing_is_closed_silently() -> None:
    async def go() -> None:
        server = Server(Recording(), FAST)
        _, transport = server.connect()
        assert await ended(transport) == b""
        assert server.closed.totals == {"idle": 1}

    run(go)


def test_headers_sent_too_slowly_get_408() -> None:
    async def go() -> None:
        server = Server(Recording(), FAST)
        protocol, transport = server.connect()
        for byte in b"POST /mattermost/command HTTP/1.1\r\nHost: b":  # slowloris, byte by byte
            protocol.data_received(bytes([byte]))
        status, message = error_of(await ended(transport))
        assert (status, message) == (408, "La requête est arrivée trop lentement.")
        assert server.closed.totals == {"slow_headers": 1}

    run(go)


def test_a_body_sent_too_slowly_gets_408_and_the_app_sees_a_disconnect() -> None:
    async def go() -> None:
        app = Recording()
        server = Server(app, FAST)
        protocol, transport = server.connect()
        protocol.data_received(command(b"token=t&text=qui+anct")[:-5])
        assert error_of(await ended(transport))[0] == 408
        await asyncio.wait_for(protocol.cycle.message_event.wait(), timeout=2)
        assert server.closed.totals == {"slow_body": 1}
        assert app.bodies == []  # nothing half-read was taken for a request

    run(go)


def test_headers_over_the_cap_get_431_without_being_parsed() -> None:
    async def go() -> None:
        app = Recording()
        server = Server(app, FAST)
        protocol, transport = server.connect()
        protocol.data_received(b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 5000 + b"\r\n\r\n")
        assert error_of(await ended(transport)) == (431, "En-têtes de requête trop gros.")
        assert protocol.headers is None or sum(len(v) for _, v in protocol.headers) < 4096
        assert server.closed.totals == {"headers_too_large": 1}
        assert app.bodies == []

    run(go)


def test_headers_over_the_cap_in_small_pieces_are_refused_once_past_it() -> None:
    async def go() -> None:
        server = Server(Recording(), FAST)
        protocol, transport = server.connect()
        start = b"GET /healthz HTTP/1.1\r\nX-Big: "
        protocol.data_received(start)
        sent = len(start)
        while not transport.written and sent < 10 * 4096:  # bounded, should the cap fail
            protocol.data_received(b"a" * 100)
            sent += 100
        assert 4096 < sent <= 4096 + 100  # refused on the piece that goes past the cap
        assert error_of(await ended(transport))[0] == 431
        protocol.data_received(b"a" * 10_000)  # still coming: dropped, nothing written
        assert error_of(bytes(transport.written))[0] == 431

    run(go)


def test_a_body_larger_than_the_header_cap_is_no_header() -> None:
    async def go() -> None:
        app = Recording()
        server = Server(app, FAST)
        protocol, transport = server.connect()
        body = b"text=" + b"x" * 20_000
        protocol.data_received(command(body))  # headers and body in one read
        assert (await answered(transport, ending=b"ok")).startswith(b"HTTP/1.1 200")
        assert app.bodies == [body]

    run(go)


def test_a_whole_request_in_one_read_arms_no_timer() -> None:
    async def go() -> None:
        server = Server(Recording(), FAST)
        protocol, transport = server.connect()
        protocol.data_received(command())
        # The deadlines of the hot path: none left once the request is read.
        assert protocol._header_timer is None and protocol._body_timer is None
        await answered(transport, ending=b"ok")

    run(go)


def test_requests_kept_alive_and_pipelined_are_answered_then_deadlines_apply_again() -> None:
    async def go() -> None:
        app = Recording()
        server = Server(app, FAST)
        protocol, transport = server.connect()
        protocol.data_received(command(b"a=1") + command(b"a=2"))  # two at once
        await answered(transport, ending=b"\r\n\r\nok", count=2)
        assert app.bodies == [b"a=1", b"a=2"]
        protocol.data_received(b"POST /mattermost/command HTTP/1.1\r\nHo")  # then slowloris
        last = (await ended(transport)).rpartition(b"HTTP/1.1 ")[2]
        assert last.startswith(b"408 ")
        assert server.closed.totals == {"slow_headers": 1}

    run(go)


def test_blank_lines_on_a_kept_alive_connection_do_not_keep_it_open() -> None:
    async def go() -> None:
        server = Server(Recording(), FAST)
        protocol, transport = server.connect()
        protocol.data_received(command())
        await answered(transport, ending=b"ok")
        protocol.data_received(b"\r\n")  # cancels uvicorn's keep-alive timer
        await ended(transport)
        assert server.closed.totals == {"idle": 1}

    run(go)


def test_connections_past_the_limit_are_refused_on_accept() -> None:
    async def go() -> None:
        server = Server(Recording(), ConnectionLimits(max_connections=2))
        kept = [server.connect() for _ in range(2)]
        _, refused = server.connect()
        status, message = error_of(await ended(refused))
        assert (status, message) == (503, "Le service est surchargé : réessaie dans un instant.")
        assert server.closed.totals == {"refused": 1}
        assert not any(transport.is_closing() for _, transport in kept)

    run(go)


def test_requests_past_the_limit_get_503_while_idle_sockets_do_not_count() -> None:
    async def go() -> None:
        held = Recording(hold=asyncio.Event())
        server = Server(held, ConnectionLimits(in_flight=1))
        idle = [server.connect() for _ in range(50)]  # idle sockets: no request in flight
        first, first_transport = server.connect()
        first.data_received(command())
        second, second_transport = server.connect()
        second.data_received(command())
        status, _ = error_of(await answered(second_transport, ending=b'instant."}'))
        assert status == 503
        assert server.closed.totals == {"busy": 1}
        held.hold.set()  # type: ignore[union-attr]
        assert (await answered(first_transport, ending=b"ok")).startswith(b"HTTP/1.1 200")
        third, third_transport = server.connect()
        third.data_received(command())
        assert (await answered(third_transport, ending=b"ok")).startswith(b"HTTP/1.1 200")
        assert not any(transport.is_closing() for _, transport in idle)

    run(go)
