"""The Mattermost REST client: the only module that knows mattermostdriver.

mattermostdriver 7.3.2 is synchronous and has no REST timeout unless
`request_timeout` is set (docs/mattermost-protocol.md §9): every call here
sets it, and callers run these methods in a thread, never on the event loop.
Its exceptions are turned into the core's `DeliveryError`, retryable or not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from mattermostdriver import Driver
from mattermostdriver import exceptions as mm

from bot.core.ports import DeliveryError

T = TypeVar("T")
_PERMANENT = (
    mm.InvalidOrMissingParameters,
    mm.NoAccessTokenProvided,
    mm.NotEnoughPermissions,
    mm.ResourceNotFound,
    mm.MethodNotAllowed,
    mm.ContentTooLarge,
    mm.FeatureDisabled,
)
_STATUS = {
    mm.InvalidOrMissingParameters: 400,
    mm.NoAccessTokenProvided: 401,
    mm.NotEnoughPermissions: 403,
    mm.ResourceNotFound: 404,
    mm.MethodNotAllowed: 405,
    mm.ContentTooLarge: 413,
    mm.FeatureDisabled: 501,
}


def _refused(error: requests.HTTPError) -> DeliveryError:
    """An HTTP status the driver has no exception for (429, 5xx…): its number, no body."""
    status = error.response.status_code if error.response is not None else None
    retryable = status is None or status == 429 or status >= 500
    return DeliveryError(f"HTTP {status}", retryable=retryable, status=status)


def driver_options(url: str, token: str, *, timeout: float) -> dict[str, Any]:
    """mattermostdriver's options from a base URL: it wants host, scheme, port, base path apart."""
    parts = urlsplit(url.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"invalid Mattermost URL: {url!r}")
    return {
        "url": parts.hostname,
        "scheme": parts.scheme,
        "port": parts.port or (443 if parts.scheme == "https" else 80),
        "basepath": parts.path + "/api/v4",
        "token": token,
        "request_timeout": timeout,
        "verify": True,
    }


class MattermostClient:
    """The REST calls the bot makes; also the `Accounts` port (user ids by username)."""

    def __init__(self, url: str, token: str, *, timeout: float = 10.0) -> None:
        self.driver = Driver(driver_options(url, token, timeout=timeout))
        self.driver.client.token = token
        self._lock = threading.Lock()
        self._users: dict[str, str] = {}
        self._channels: dict[str, str] = {}
        self._me: str | None = None

    def call(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except _PERMANENT as error:
            raise DeliveryError(
                type(error).__name__,
                retryable=False,
                status=_STATUS[type(error)],
                detail=str(error)[:300],
            ) from None
        except requests.HTTPError as error:
            raise _refused(error) from None
        except AttributeError as error:
            # The driver reads an error body with `.get`: one that is no JSON object (a
            # proxy's) breaks it while it raises the HTTP error, which is what happened.
            if isinstance(error.__context__, requests.HTTPError):
                raise _refused(error.__context__) from None
            raise DeliveryError(type(error).__name__, retryable=True) from None
        except (requests.ConnectionError, requests.Timeout) as error:
            raise DeliveryError(type(error).__name__, retryable=True) from None
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise DeliveryError(type(error).__name__, retryable=True) from None

    def me(self) -> str:
        if self._me is None:
            self._me = str(self.call(lambda: self.driver.users.get_user("me"))["id"])
        return self._me

    def user_id(self, username: str) -> str:
        if username not in self._users:
            user = self.call(lambda: self.driver.users.get_user_by_username(username))
            with self._lock:
                self._users[username] = str(user["id"])
        return self._users[username]

    def direct_channel(self, user_id: str) -> str:
        if user_id not in self._channels:
            pair = [self.me(), user_id]
            channel = self.call(lambda: self.driver.channels.create_direct_message_channel(pair))
            with self._lock:
                self._channels[user_id] = str(channel["id"])
        return self._channels[user_id]

    def create_post(
        self, channel_id: str, message: str, *, props: dict[str, Any], pending_id: str
    ) -> str:
        """A post; `pending_id` lets the server drop a resend of the same post."""
        body = {
            "channel_id": channel_id,
            "message": message,
            "props": props,
            "pending_post_id": pending_id,
        }
        return str(self.call(lambda: self.driver.posts.create_post(body))["id"])

    def find_post(self, channel_id: str, *, prop: tuple[str, str], since: datetime) -> str | None:
        """The id of a post of the channel, changed since `since`, whose props hold `prop`
        (`GET /channels/{id}/posts?since=`: every post changed since then, up to 1,000)."""
        moment = str(int(since.timestamp() * 1000))
        found = self.request("get", f"/channels/{channel_id}/posts", params={"since": moment})
        name, value = prop
        posts = found.get("posts") if isinstance(found, dict) else None
        for post in (posts or {}).values():
            if isinstance(post, dict) and (post.get("props") or {}).get(name) == value:
                return str(post["id"])
        return None

    def patch_post(self, post_id: str, message: str, *, props: dict[str, Any]) -> None:
        body = {"message": message, "props": props}
        self.call(lambda: self.driver.posts.patch_post(post_id, body))

    def request(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> Any:
        """Any REST call, through the driver's generic method (some of its helpers build
        broken URLs, `commands.update_command` among them)."""

        def go() -> Any:
            response = self.driver.client.make_request(method, path, options=body, params=params)
            return response.json() if response.content else None

        return self.call(go)

    def ping(self) -> None:
        self.request("get", "/system/ping")

    def team_id(self, name: str) -> str:
        return str(self.request("get", f"/teams/name/{name}")["id"])

    def commands(self, team_id: str) -> list[dict[str, Any]]:
        found = self.request("get", "/commands", params={"team_id": team_id, "custom_only": "true"})
        return list(found or [])

    def is_member(self, *, team_id: str | None = None, channel_id: str | None = None) -> bool:
        where = f"/teams/{team_id}" if team_id else f"/channels/{channel_id}"
        try:
            self.request("get", f"{where}/members/{self.me()}")
        except DeliveryError as error:
            if error.status in (403, 404):
                return False
            raise
        return True

    def open_dialog(self, trigger_id: str, url: str, dialog: dict[str, Any]) -> None:
        body = {"trigger_id": trigger_id, "url": url, "dialog": dialog}
        self.call(lambda: self.driver.integration_actions.open_dialog(body))
