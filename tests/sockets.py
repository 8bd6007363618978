"""Raw sockets against a live bot: what httpx will not do (send half a request, hold a
connection idle), with every wait bounded."""

from __future__ import annotations

import os
import resource
import selectors
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


@dataclass
class Watched:
    """A connection, what it got, and when the server closed it (seconds after `start`)."""

    sock: socket.socket
    start: float
    trickle: bytes = b""  # sent a byte at a time, a second apart, while the server listens
    received: bytes = b""
    closed_after: float | None = None
    _next_byte: float = field(default=0.0)


def watch(connections: list[Watched], *, within: float) -> None:
    """Read every connection until the server closes it, or `within` seconds have passed
    since it started; trickling ones send their next byte each second meanwhile."""
    selector = selectors.DefaultSelector()
    for watched in connections:
        watched.sock.setblocking(False)
        selector.register(watched.sock, selectors.EVENT_READ, watched)
    deadline = max(w.start for w in connections) + within
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.2):
            watched = key.data
            try:
                chunk = watched.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            watched.received += chunk
            if not chunk:
                watched.closed_after = time.monotonic() - watched.start
                selector.unregister(watched.sock)
        for key in list(selector.get_map().values()):
            _send_next_byte(key.data)
    selector.close()


def _send_next_byte(watched: Watched) -> None:
    now = time.monotonic()
    if watched.trickle and now >= watched._next_byte:
        try:
            watched.sock.send(watched.trickle[:1])
        except OSError:  # closed meanwhile: the read says so
            return
        watched.trickle = watched.trickle[1:]
        watched._next_byte = now + 1


def status_of(received: bytes) -> int | None:
    """The status of the last response in `received`, if any."""
    _, _, last = received.rpartition(b"HTTP/1.1 ")
    return int(last[:3]) if last[:3].isdigit() else None


def open_sockets(pid: int) -> int:
    """How many sockets process `pid` holds open."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except FileNotFoundError:  # closed meanwhile
            continue
    return count


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def allow_open_files(count: int) -> None:
    """This process may open `count` files (its soft limit raised), or the test is skipped."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= count:
        return
    if hard != resource.RLIM_INFINITY and hard < count:
        pytest.skip(f"{count} open files are needed, the hard limit here is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))
