"""The recording fake of the `Retention` port (`core.ports`), over the memory request store:
the core's rules (`requests.retention`) applied to it as SQL applies them, and a transcript
of what was done."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.core.requests.retention import (
    Cutoffs,
    Tally,
    anonymise_due,
    anonymised,
    close_due,
)
from tests.fakes import MemoryRequestStore, _Row


class MemoryRetention:
    def __init__(self, store: MemoryRequestStore) -> None:
        self.store = store
        self.done: list[tuple[str, int]] = []  # (closed | anonymised | erased, request id or row)

    def open_too_long(self, due: Cutoffs, *, limit: int) -> list[Request]:
        found = [r for r in self.store.requests.values() if close_due(r, due)]
        return sorted(found, key=lambda r: r.id)[:limit]

    def close(self, before: Request, after: Request, *, messages: Sequence[Message]) -> bool:
        replaced = self.store.replace(
            before, after, messages=messages, now=after.closed_at or before.created_at
        )
        if replaced:
            self.done.append(("closed", before.id))
        return replaced

    def _expired(self, due: Cutoffs) -> list[Request]:
        found = [r for r in self.store.requests.values() if anonymise_due(r, due)]
        return sorted(found, key=lambda r: r.id)

    def _idle(self, row: _Row, due: Cutoffs) -> bool:
        return row.locked_until is None or row.locked_until < due.now

    def anonymise(self, due: Cutoffs, *, limit: int) -> Tally:
        taken = self._expired(due)[:limit]
        erased = 0
        with self.store._lock:
            for request in taken:
                self.store.requests[request.id] = anonymised(request, due.now)
                self.store.nonces = {n: i for n, i in self.store.nonces.items() if i != request.id}
                self.store.posts = {k: p for k, p in self.store.posts.items() if k[0] != request.id}
                erased += self._erase(_of(request.id), due)
                self.done.append(("anonymised", request.id))
        return Tally(anonymised=len(taken), messages=erased)

    def _erase(self, which: Callable[[_Row], bool], due: Cutoffs, limit: int | None = None) -> int:
        rows = self.store.outbox.rows
        chosen = [n for n, row in sorted(rows.items()) if which(row) and self._idle(row, due)]
        for number in chosen[:limit]:
            del rows[number]
            self.done.append(("erased", number))
        return len(chosen[:limit])

    def _left(self, row: _Row, due: Cutoffs) -> bool:
        request_id = row.message.request_id
        if request_id is None:  # the memory outbox keeps when each is due, not when written
            return row.due <= due.loose
        request = self.store.requests.get(request_id)
        return request is not None and request.anonymised_at is not None

    def sweep(self, due: Cutoffs, *, limit: int) -> Tally:
        with self.store._lock:
            erased = self._erase(lambda row: self._left(row, due), due, limit)
        return Tally(messages=erased)

    def backlog(self, due: Cutoffs) -> Tally:
        expired = {r.id for r in self._expired(due)}
        messages = [
            row
            for row in self.store.outbox.rows.values()
            if self._idle(row, due) and (self._left(row, due) or row.message.request_id in expired)
        ]
        closing = self.open_too_long(due, limit=len(self.store.requests))
        return Tally(closed=len(closing), anonymised=len(expired), messages=len(messages))


def _of(request_id: int) -> Callable[[_Row], bool]:
    return lambda row: row.message.request_id == request_id
