"""Posts reach Mattermost once, with the real client, notifier and store against the fake
server (which forgets a `pending_post_id` as the real one does): each post carries its key,
a retry looks for what an earlier attempt may have posted, and a resend while the server
still saves is told « pending »."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.core.people import Platform
from bot.core.ports import Delivery, DeliveryError, LeaseLost
from bot.mattermost.client import MattermostClient
from bot.mattermost.notifier import KEY_PROP
from tests.fake_mattermost import FakeMattermost, dm_channel, user_id_for
from tests.mattermost_world import World, deliver, open_and_submit
from tests.waiting import wait_for

LATER = timedelta(minutes=5)  # past any retry delay
ALL: tuple[Platform, ...] = ("mattermost", "matrix")


def submit(world: World) -> None:
    assert open_and_submit(world, {"team": "aides territoires", "subject": "x"}) == {}


def test_each_post_carries_its_key_as_pending_id_and_in_its_props(world: World) -> None:
    submit(world)
    deliver(world)
    posts = list(world.fake.posts.values())
    keys = [post["pending_post_id"] for post in posts]
    assert len(posts) == 3 and len(set(keys)) == 3 and all(k.startswith("animbot-") for k in keys)
    assert [post["props"][KEY_PROP] for post in posts] == keys


def test_a_retry_finds_the_post_whose_answer_was_lost(world: World) -> None:
    """The server saved the co-animator's copy but the answer never came back; by the
    retry it has forgotten the pending id (past 30 s): the post is found, not sent again."""
    world.fake.lose_answers = 1
    world.fake.store.ttl = 0  # forgets at once: only the look-up can tell
    submit(world)
    deliver(world)
    assert len(world.fake.posts_to("camille.exemple")) == 1  # saved, answer lost
    world.clock.moment += LATER
    deliver(world)
    (copy,) = world.fake.posts_to("camille.exemple")
    post = world.store.post_of(1, "camille")
    assert post is not None and post.id == copy["id"]  # its buttons will be accepted
    looked = [r for r in world.fake.requests if r.method == "GET" and r.path.endswith("/posts")]
    assert len(looked) == 1
    assert world.worker.outbox.counts() == {"pending": 0, "sent": 3, "dead": 0, "dropped": 0}


def test_a_retry_posts_what_an_earlier_attempt_did_not(world: World) -> None:
    submit(world)
    world.fake.failing = 500  # refused before anything is saved
    deliver(world)
    world.fake.failing = None
    world.clock.moment += LATER
    deliver(world)
    assert len(world.fake.posts_to("camille.exemple")) == 1
    assert len(world.fake.posts_to("alice")) == 1
    assert world.worker.outbox.counts() == {"pending": 0, "sent": 3, "dead": 0, "dropped": 0}


def test_nothing_is_posted_once_the_lease_is_lost(world: World) -> None:
    submit(world)
    notifier = world.worker.notifiers["mattermost"]

    def lost() -> None:
        raise LeaseLost

    items = world.worker.outbox.claim(now=world.clock.now(), lease=LATER, platforms=ALL)
    for item in items:
        with pytest.raises(LeaseLost):
            notifier.deliver(item.message, Delivery(item.key, None, sending=lost))
    assert len(items) == 3 and world.fake.posts == {}


@pytest.fixture
def slow() -> FakeMattermost:
    return FakeMattermost(delay=0.5).start()


def test_a_resend_is_pending_while_saved_then_deduplicated_then_forgotten(
    slow: FakeMattermost,
) -> None:
    client = MattermostClient(slow.url, slow.token, timeout=5)
    channel = dm_channel("b" * 26, user_id_for("alice"))
    first: list[str] = []
    writer = threading.Thread(
        target=lambda: first.append(client.create_post(channel, "un", props={}, pending_id="k"))
    )
    writer.start()
    wait_for(lambda: any(r.path == "/api/v4/posts" for r in slow.requests), what="the post")
    with pytest.raises(DeliveryError) as pending:
        client.create_post(channel, "un", props={}, pending_id="k")
    assert pending.value.status == 500 and pending.value.retryable
    writer.join(timeout=10)
    assert client.create_post(channel, "un", props={}, pending_id="k") == first[0]
    with slow.lock:
        slow.store.elapse(31)  # the server has forgotten
    assert client.create_post(channel, "un", props={}, pending_id="k") != first[0]
    assert len(slow.posts) == 2
    slow.stop()
