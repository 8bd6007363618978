"""What the personal-data tests type and break: markers for every field a person fills in,
the forms in which a log could still carry them, a Mattermost that quotes what it was sent
in its errors, a registry with a co-animator of our own, a database made read-only, and a
TCP relay to cut the database off."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost

REQUESTER = "zqxrequerante"  # a Mattermost username: lowercase letters only
CLICKER = "zqxcliqueuse"
ANIMATOR_ID = "zqx-anim"  # a co-animator of our own, chosen for confidential requests
ANIMATOR_USERNAME = "zqxanim.user"
ANIMATOR_NAME = "Zqxanim Personne"
# What people type, one marker per field: each is looked for in every log line.
TYPED = {
    "team": "Équipe-Zqxéquipe",
    "subject": "Sujet-Zqxobjet",
    "details": "Détail-Zqxdétail",
    "inline": "Zqxenligne-demande",
    "question": "Zqxquestion-qui",
    "option": "zqx-option-choisie",
    "state": "Zqxétat-falsifié",
    "button": "Zqxbouton-falsifié",
    "post": "zqxpost" + "0" * 19,
    "trigger": "zqxtrigger",
    "unknown": "zqxcommande-inconnue",
}
# Words of confidential requests: the category, the chosen person, the contact method.
CONFIDENTIAL = ("mal-etre", "mal_etre", ANIMATOR_ID, ANIMATOR_USERNAME, ANIMATOR_NAME, "un appel")


def markers() -> tuple[str, ...]:
    from tests.fake_mattermost import user_id_for

    people = (REQUESTER, CLICKER, user_id_for(REQUESTER), user_id_for(CLICKER))
    return (*TYPED.values(), *CONFIDENTIAL, *people)


def forms_of(marker: str) -> set[str]:
    """The marker as a log could still carry it: folded, upper, URL- or JSON-encoded."""
    return {
        marker,
        marker.casefold(),
        marker.upper(),
        quote(marker),
        quote_plus(marker),
        quote(marker).lower(),
        json.dumps(marker)[1:-1],
        json.dumps(marker.casefold())[1:-1],
    }


def leaked(text: str) -> list[str]:
    """The markers found in `text`, in any of their forms (the text folded too)."""
    folded = text.casefold()
    return [
        form
        for marker in markers()
        for form in sorted(forms_of(marker))
        if form in text or form.casefold() in folded
    ]


def registry_with_our_animator(workdir: Path) -> Path:
    path = workdir / "referents.yaml"
    entry = (
        f"  - id: {ANIMATOR_ID}\n    name: {ANIMATOR_NAME}\n    mattermost: {ANIMATOR_USERNAME}\n"
    )
    path.write_text(
        REGISTRY.read_text(encoding="utf-8").replace("animators:\n", f"animators:\n{entry}\n", 1),
        encoding="utf-8",
    )
    return path


@dataclass
class QuotingMattermost(FakeMattermost):
    """A Mattermost (or a proxy before it) whose errors quote the request: the path, with its
    usernames, and the body, with the messages. While `quoting`, every call fails so; `bare`,
    the error is the quote alone (a JSON string), not Mattermost's error object."""

    quoting: int | None = None
    quoted: int = 0
    bare: bool = False

    def serve(self, method: str, path: str, body: Any, query: dict[str, str]) -> tuple[int, Any]:
        if self.quoting is None:
            return super().serve(method, path, body, query)
        self.quoted += 1
        said = f"{method} {path} {json.dumps(body, ensure_ascii=False)}"
        if self.bare:
            return self.quoting, said
        return self.quoting, {"id": "quoted", "message": said, "status_code": self.quoting}


WRITING = ("INSERT", "UPDATE", "DELETE")


def sqlite_read_only(database: Path, *, on: bool) -> None:
    """Writes refused as by a read-only file (which root, running the tests, would ignore):
    a trigger before each write of each table aborts it; reads go on."""
    with sqlite3.connect(database) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            for verb in WRITING:
                name = f"read_only_{table}_{verb.lower()}"
                connection.execute(f"DROP TRIGGER IF EXISTS {name}")
                if on:
                    connection.execute(
                        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END"
                    )


@dataclass
class Relay:
    """A TCP relay to a server (PostgreSQL): `cut()` closes every connection and refuses new
    ones, as a database gone from the network; `restore()` listens again on the same port."""

    target: tuple[str, int]
    port: int = 0
    _server: socket.socket | None = None
    _open: list[socket.socket] = field(default_factory=list)

    def restore(self) -> Relay:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self.port, self._server = server.getsockname()[1], server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._open.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
