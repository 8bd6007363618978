"""The Matrix client: the only module that knows matrix-nio.

One session per installation: logged in once with the password, then restored from
`session.json` in the store (the access token is reused, never a login per call),
with nio's store beside it (sync token, encryption keys). Losing the store means
a new device, which cannot read earlier encrypted messages: keep it like the
database. nio retries forever by default; here a failure comes back at once, as a
`DeliveryError` for the outbox's retries, or to the sync loop's backoff.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import ClientError
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    RoomCreateError,
    RoomMessagesResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
    WhoamiResponse,
)

from bot.core.ports import DeliveryError
from bot.matrix.events import Batch, Event, event_of, read
from bot.matrix.storelock import StoreLock

T = TypeVar("T")
SESSION = "session.json"
NEXT_BATCH = "next-batch"  # the sync token after what was handled
KNOWN_WITHIN = 30  # seconds for a room just created to come back in a sync
BACKFILL = 500  # events fetched at most for a room where a sync left some out
TIMELINE = {"room": {"timeline": {"limit": 100}}}  # events per room in one sync
ENCRYPTED = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


def anew(session: Path) -> str:
    """How to start a session again when the stored one is refused."""
    return (
        f"supprime {session} : au prochain démarrage, le bot se reconnecte avec "
        "ANIMATION_MATRIX_PASSWORD (nouvel appareil : les anciens messages chiffrés ne seront "
        "plus lisibles)"
    )


class MatrixError(Exception):
    """The bot cannot use its Matrix account; the message says what to fix, in French."""


class MatrixClient:
    def __init__(
        self, *, homeserver: str, user: str, password: str | None, store: Path, timeout: float = 10
    ) -> None:
        self.homeserver = homeserver.rstrip("/")
        self.user = user
        self.password = password
        self.store = store
        config = AsyncClientConfig(
            store_sync_tokens=False,  # kept by `done`, once what a sync brought is handled
            encryption_enabled=True,
            max_limit_exceeded=0,
            max_timeouts=0,
            request_timeout=timeout,
        )
        self.nio = AsyncClient(self.homeserver, user, store_path=str(store), config=config)
        self.rooms_changed = asyncio.Event()
        self.since: str | None = None  # where the next sync starts: after what was handled
        self.lock = StoreLock(store)

    @property
    def first_start(self) -> bool:
        """No sync token stored: the rooms' history is not for the bot to answer."""
        return self.since is None

    async def open(self) -> None:
        """Restore the stored session, or log in once and store it. Raises `MatrixError`."""
        self.store.mkdir(parents=True, exist_ok=True)
        if not self.lock.take():
            raise MatrixError(f"Une autre instance du bot utilise déjà {self.store}.")
        token = self.store / NEXT_BATCH
        self.since = (token.read_text(encoding="utf-8").strip() or None) if token.exists() else None
        session = self.store / SESSION
        if session.exists():
            saved = json.loads(session.read_text(encoding="utf-8"))
            self.nio.restore_login(saved["user_id"], saved["device_id"], saved["access_token"])
            if isinstance(await self._call(self.nio.whoami()), WhoamiResponse):
                return
            raise MatrixError(
                f"La session Matrix enregistrée n'est plus valable : {anew(session)}."
            )
        if not self.password:
            raise MatrixError(
                f"Aucune session dans {self.store} et pas de ANIMATION_MATRIX_PASSWORD : "
                "donne le mot de passe du compte du bot pour la première connexion."
            )
        answer = await self._call(self.nio.login(self.password, device_name="animation-bot"))
        if not isinstance(answer, LoginResponse):
            raise MatrixError(
                f"Connexion à Matrix refusée pour {self.user} : vérifie le mot de passe."
            )
        saved = {
            "user_id": answer.user_id,
            "device_id": answer.device_id,
            "access_token": answer.access_token,
        }
        session.write_text(json.dumps(saved), encoding="utf-8")
        os.chmod(session, 0o600)

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except (ClientError, TimeoutError, OSError) as error:
            raise MatrixError(
                f"Le serveur Matrix {self.homeserver} ne répond pas ({type(error).__name__}) : "
                "vérifie ANIMATION_MATRIX_HOMESERVER."
            ) from None

    async def sync(self, *, timeout_ms: int, full_state: bool = False) -> Batch:
        """One sync, then what encryption needs: keys uploaded, queried, claimed, sent."""
        since = self.since
        answer = await delivery(
            self.nio.sync(
                timeout=timeout_ms, sync_filter=TIMELINE, since=since, full_state=full_state
            )
        )
        if not isinstance(answer, SyncResponse):
            raise _refused(answer)
        if self.nio.should_upload_keys:
            await delivery(self.nio.keys_upload())
        if self.nio.should_query_keys:
            await delivery(self.nio.keys_query())
        if self.nio.should_claim_keys:
            await delivery(self.nio.keys_claim(self.nio.get_users_for_key_claiming()))
        await delivery(self.nio.send_to_device_messages())
        if answer.rooms.join or answer.rooms.leave:
            self.rooms_changed.set()
        return read(answer, since)

    def done(self, batch: Batch) -> None:
        """What `batch` brought is handled: the next sync, even after a restart, starts after
        it (and not before: what was not handled comes again)."""
        token = self.store / NEXT_BATCH
        fresh = token.with_suffix(".new")
        fresh.write_text(batch.next_batch, encoding="utf-8")
        fresh.replace(token)
        self.since = batch.next_batch

    async def backfill(self, room_id: str, start: str, end: str) -> list[Event]:
        """The events a sync left out of a room, between two of its tokens, oldest first
        (at most `BACKFILL`: beyond, the oldest are given up)."""
        events: list[Event] = []
        while len(events) < BACKFILL:
            answer = await delivery(
                self.nio.room_messages(room_id, start=start, end=end, limit=100)
            )
            if not isinstance(answer, RoomMessagesResponse) or not answer.chunk:
                break
            events += [event_of(raw) for raw in answer.chunk]
            if not answer.end or answer.end == start:
                break
            start = answer.end
        return list(reversed(events))

    async def send(
        self, room_id: str, content: dict[str, Any], *, tx_id: str, kind: str = "m.room.message"
    ) -> str:
        """Send an event; the same `tx_id` on this device gives back the same event."""
        answer = await delivery(
            self.nio.room_send(room_id, kind, content, tx_id=tx_id, ignore_unverified_devices=True)
        )
        if not isinstance(answer, RoomSendResponse):
            raise _refused(answer)
        return str(answer.event_id)

    async def react(self, room_id: str, event_id: str, key: str, *, tx_id: str) -> None:
        relation = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        await self.send(room_id, relation, tx_id=tx_id, kind="m.reaction")

    async def join(self, room_id: str) -> None:
        answer = await delivery(self.nio.join(room_id))
        if isinstance(answer, JoinError):
            raise _refused(answer)

    async def leave(self, room_id: str) -> None:
        await delivery(self.nio.room_leave(room_id))

    async def direct_room(self, user_id: str) -> str:
        """A new encrypted direct room with `user_id`; `known` says when it is usable."""
        answer = await delivery(
            self.nio.room_create(
                is_direct=True,
                invite=[user_id],
                initial_state=[ENCRYPTED],
                preset=RoomPreset.trusted_private_chat,
            )
        )
        if isinstance(answer, RoomCreateError):
            raise _refused(answer)
        return str(answer.room_id)

    async def known(self, room_id: str, member: str) -> None:
        """Wait until a sync has brought the room and its invited member: sending before
        fails (« no such room »), or shares the room's key with nobody."""
        try:
            async with asyncio.timeout(KNOWN_WITHIN):
                while member not in getattr(self.nio.rooms.get(room_id), "users", {}):
                    self.rooms_changed.clear()
                    await self.rooms_changed.wait()
        except TimeoutError:
            raise DeliveryError("the new room is not synced yet", retryable=True) from None

    def members(self, room_id: str) -> int | None:
        """Joined and invited; None for a room no sync has brought yet."""
        room = self.nio.rooms.get(room_id)
        return None if room is None else room.member_count

    def rooms(self) -> int:
        return len(self.nio.rooms)

    async def close(self) -> None:
        await self.nio.close()
        self.lock.release()


async def delivery(call: Awaitable[T]) -> T:
    """A call to the homeserver; its transport failures as a retryable `DeliveryError`."""
    try:
        return await call
    except (ClientError, TimeoutError, OSError) as error:
        raise DeliveryError(type(error).__name__, retryable=True) from None
    except LocalProtocolError as error:  # a room not synced yet, a session to set up
        raise DeliveryError(type(error).__name__, retryable=True, status=409) from None


def _refused(answer: Any) -> DeliveryError:
    """An error answer as a `DeliveryError`: rate limits and server errors may pass."""
    status = getattr(getattr(answer, "transport_response", None), "status", None)
    code = getattr(answer, "status_code", "") if isinstance(answer, ErrorResponse) else ""
    retryable = status is None or status == 429 or status >= 500 or code == "M_LIMIT_EXCEEDED"
    return DeliveryError(f"{code or 'error'} {status}", retryable=retryable, status=status or 0)
