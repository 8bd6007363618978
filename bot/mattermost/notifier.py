"""Delivering one outbox message on Mattermost: a direct message, a channel post, or the
update of a co-animator's copy of a request.

A new post carries the message's key twice: as its `pending_post_id`, which the
server uses to drop a resend for 30 s (docs/mattermost-protocol.md; `app/post.go`
`deduplicateCreatePost`), and in its props, so that a later attempt, after those 30 s,
finds it among the channel's recent posts instead of posting it again.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.ports import Delivery, DeliveryError, Post, PostBook
from bot.core.requests.messages import Message, Recipient
from bot.mattermost.buttons import Buttons
from bot.mattermost.client import MattermostClient
from bot.mattermost.render import MattermostRenderer

KEY_PROP = "animation_bot_key"
# How far before an earlier attempt to look for its post: the server stamps posts with
# its own clock, which may be behind ours.
CLOCK_SKEW = timedelta(hours=1)


class MattermostNotifier:
    """The `Notifier` port on Mattermost."""

    def __init__(
        self,
        client: MattermostClient,
        *,
        book: PostBook,
        buttons: Buttons,
        renderer: MattermostRenderer,
    ) -> None:
        self.client = client
        self.book = book
        self.buttons = buttons
        self.renderer = renderer

    def active(self) -> bool:
        return True  # every replica delivers on Mattermost

    def deliver(self, message: Message, delivery: Delivery) -> None:
        text = self.renderer.text(message.text)
        props = self.buttons.props(message)
        if message.kind == "update":
            post = self.book.post_of(message.request_id or 0, message.to.id)
            if post is None:
                raise DeliveryError("the post to update is not sent yet", retryable=True)
            if post.platform != "mattermost":
                raise DeliveryError("the post to update is on another platform", retryable=False)
            delivery.sending()
            self.client.patch_post(post.id, text, props=props)
            return
        channel, recipient = self._where(message.to)
        post_id = self._sent_before(channel, delivery)
        if post_id is None:
            delivery.sending()
            props[KEY_PROP] = delivery.key
            post_id = self.client.create_post(channel, text, props=props, pending_id=delivery.key)
        animator = message.animator_copy
        if animator is not None and message.request_id is not None:
            post = Post("mattermost", post_id, recipient, channel)
            self.book.record_post(message.request_id, animator, post)

    def _sent_before(self, channel: str, delivery: Delivery) -> str | None:
        """The post an earlier attempt made, if it reached the server."""
        if delivery.tried_at is None:
            return None
        since = delivery.tried_at - CLOCK_SKEW
        return self.client.find_post(channel, prop=(KEY_PROP, delivery.key), since=since)

    def _where(self, to: Recipient) -> tuple[str, str | None]:
        """The channel to post in and, for a person, their user id."""
        if to.kind == "channel":
            return to.id, None
        if to.kind == "user_id":
            user = to.id
        elif to.kind == "username":
            user = self.client.user_id(to.id)
        else:
            user = self.client.user_id(self._username(to.id))
        return self.client.direct_channel(user), user

    def _username(self, animator_id: str) -> str:
        animator = self.renderer.registry().animators.get(animator_id)
        if animator is None or animator.mattermost is None:
            raise DeliveryError("no Mattermost account for this person", retryable=False)
        return animator.mattermost
