"""Posts as a real Mattermost server keeps them, for `tests/fake_mattermost.py`.

Each behaviour is copied from the server's source (mattermost/mattermost, `server/`):

- `pending_post_id`, `channels/app/post.go` (`deduplicateCreatePost`, `CreatePost`,
  `pendingPostIDsCacheTTL = 30 * time.Second`): the first post carrying an id marks it
  « being saved » for 30 s; a resend while it is being saved gets a 500
  `api.post.deduplicate_create_post.pending`; a resend once it is saved gets the first
  post back, until 30 s after the save (the expiry is set again then). Past the 30 s, a
  resend creates a second post: the server has forgotten.
- `GET /api/v4/channels/{id}/posts?since=<ms>` (`api4/post.go` `getPostsForChannel`,
  `store/sqlstore/post_store.go` `GetPostsSince`): the channel's posts with
  `update_at > since`, deleted ones left out, at most 1000, as a `PostList`
  (`{"order": [...], "posts": {...}}`, newest first).
- `PUT /api/v4/posts/{id}/patch` (`public/model/post.go` `Post.Patch`): the message and,
  when given, the whole props replaced; `update_at` and `edit_at` moved.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

PENDING_TTL = 30.0  # seconds: pendingPostIDsCacheTTL
SINCE_LIMIT = 1000
UNKNOWN = ""  # the cache's mark of a post still being saved (`unknownPostId`)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Verdict:
    """What the deduplication says of a new post: create it, or answer at once."""

    create: bool
    status: int = 201
    body: Any = None


class Posts:
    """Every post by id, and the server's short memory of `pending_post_id`s."""

    def __init__(self, lock: threading.Lock, *, ttl: float = PENDING_TTL) -> None:
        self.lock = lock  # the fake's lock: held by the caller of every method here
        self.ttl = ttl
        self.by_id: dict[str, dict[str, Any]] = {}
        self._seen: dict[str, tuple[str, float]] = {}  # pending id -> (post id, expiry)

    def begin(self, pending: str) -> Verdict:
        """`deduplicateCreatePost`: new id, being saved, or saved already."""
        if not pending:
            return Verdict(create=True)
        post_id, expiry = self._seen.get(pending, (None, 0.0))
        if post_id is None or expiry <= time.monotonic():
            self._seen[pending] = (UNKNOWN, time.monotonic() + self.ttl)
            return Verdict(create=True)
        if post_id == UNKNOWN:
            return Verdict(False, *error(500, "api.post.deduplicate_create_post.pending"))
        return Verdict(False, 201, self.by_id[post_id])

    def save(self, body: dict[str, Any], *, user_id: str) -> dict[str, Any]:
        """The post stored; its pending id now remembered for 30 s from here."""
        pending = str(body.get("pending_post_id") or "")
        post_id = hashlib.sha256(f"{len(self.by_id)}:{pending}".encode()).hexdigest()[:26]
        moment = now_ms()
        post = {
            "id": post_id,
            "create_at": moment,
            "update_at": moment,
            "edit_at": 0,
            "delete_at": 0,
            "channel_id": body["channel_id"],
            "user_id": user_id,
            "message": body.get("message", ""),
            "props": body.get("props") or {},
            "pending_post_id": pending,
            "edits": 0,
        }
        self.by_id[post_id] = post
        if pending:
            self._seen[pending] = (post_id, time.monotonic() + self.ttl)
        return post

    def elapse(self, seconds: float) -> None:
        """Let `seconds` pass for the server's memory of pending ids (not for the posts)."""
        self._seen = {key: (post, expiry - seconds) for key, (post, expiry) in self._seen.items()}

    def patch(self, post_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        post = self.by_id.get(post_id)
        if post is None:
            return error(404, "app.post.get.app_error")
        post["message"] = body.get("message", post["message"])
        if "props" in body:
            post["props"] = body["props"]
        post["update_at"] = post["edit_at"] = max(now_ms(), post["update_at"] + 1)
        post["edits"] += 1
        return 200, post

    def since(self, channel_id: str, moment: int) -> tuple[int, Any]:
        found = sorted(
            (
                post
                for post in self.by_id.values()
                if post["channel_id"] == channel_id
                and post["update_at"] > moment
                and not post["delete_at"]
            ),
            key=lambda post: post["create_at"],
            reverse=True,
        )[:SINCE_LIMIT]
        return 200, {"order": [p["id"] for p in found], "posts": {p["id"]: p for p in found}}

    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        return [p for p in self.by_id.values() if p["channel_id"] == channel_id]


def error(status: int, error_id: str) -> tuple[int, Any]:
    """Mattermost's error body (`model.AppError`)."""
    return status, {"id": error_id, "message": error_id, "status_code": status, "request_id": "r"}
