"""Composition root: settings, registry, store, platforms, inbound service and worker wired
together. Nothing imports it but the command line and the tests that start the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.clock import Clock, SystemClock
from bot.core.desk import Desk
from bot.core.people import Platform
from bot.core.ports import Accounts, Notifier
from bot.core.registry.model import Registry
from bot.core.requests.model import Request
from bot.core.signing import Signer
from bot.matrix.adapter import MatrixAdapter
from bot.matrix.client import MatrixClient
from bot.matrix.lease import SessionLease
from bot.matrix.notifier import MatrixNotifier
from bot.matrix.render import MatrixRenderer
from bot.mattermost.buttons import Buttons
from bot.mattermost.client import MattermostClient
from bot.mattermost.interactions import Interactions
from bot.mattermost.notifier import MattermostNotifier
from bot.mattermost.render import MattermostRenderer
from bot.mattermost.routes import router
from bot.mattermost.slash import ASGIApp, SlashCommands, fast_path
from bot.mattermost.tokens import Tokens
from bot.service.dialogue import Dialogue
from bot.service.inbound import Inbound
from bot.service.limits import RateLimit
from bot.service.metrics import Metrics
from bot.service.nudges import Nudges
from bot.service.reloader import RegistryHolder
from bot.service.retention import ROUNDS, Purge
from bot.service.settings import Settings
from bot.service.web import Beside, create_app
from bot.service.worker import Worker
from bot.site.routes import router as annuaire_router
from bot.store.engine import make_engine, migrate
from bot.store.inbox import SqlInbox
from bot.store.leases import SqlLeases
from bot.store.outbox import SqlOutbox
from bot.store.reminders import SqlReminders
from bot.store.requests import SqlStore
from bot.store.retention import SqlRetention


@dataclass
class Bot:
    """What `serve` runs (`app`), and the store it writes to."""

    app: ASGIApp
    store: SqlStore


def open_store(settings: Settings) -> tuple[SqlStore, SqlOutbox]:
    """The database at `ANIMATION_DATABASE_URL`, migrated to the latest schema."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    return SqlStore(engine), SqlOutbox(engine)


def platforms_of(settings: Settings) -> tuple[Platform, ...]:
    """Where the bot writes to people. Mattermost always: without its API configured,
    messages wait in the outbox. Matrix when its homeserver is given."""
    return ("mattermost", "matrix") if settings.matrix_homeserver else ("mattermost",)


def desk_for(settings: Settings, store: SqlStore, clock: Clock, metrics: Metrics | None) -> Desk:
    def observe(request: Request, event: str) -> None:
        if metrics is not None:
            metrics.request(request.category_id, confidential=request.confidential, event=event)

    triage: dict[Platform, str] = {}
    if settings.triage_channel_id:
        triage["mattermost"] = settings.triage_channel_id
    return Desk(store, store, clock, platforms_of(settings), triage=triage, observer=observe)


def purge_for(
    settings: Settings,
    store: SqlStore,
    registry: Callable[[], Registry],
    clock: Clock,
    metrics: Metrics | None = None,
    *,
    rounds: int | None = ROUNDS,
) -> Purge:
    """Retention applied to the store: by the worker (a chore, `rounds` batches at a time),
    or `animation-bot purge` (until nothing is left)."""
    return Purge(
        SqlRetention(store.engine),
        registry,
        clock,
        periods=settings.periods(),
        platforms=platforms_of(settings),
        rounds=rounds,
        observer=metrics.purged if metrics else None,
    )


def build(settings: Settings, *, clock: Clock | None = None) -> Bot:
    """Everything `serve` runs. Raises `RegistryError` if the registry is not valid."""
    clock = clock or SystemClock()
    if settings.secret is None:
        raise ValueError("ANIMATION_SECRET is required")
    store, outbox = open_store(settings)
    inbox = SqlInbox(store.engine)
    metrics = Metrics(outbox_counts=outbox.counts)
    holder = RegistryHolder(
        registry_path=settings.registry,
        catalog_dir=settings.catalog,
        clock=clock,
        observer=metrics.reload,
    )
    holder.load()
    metrics.watch_registry(
        lambda: holder.stale, lambda: holder.loaded.loaded_at if holder.loaded else None
    )
    public_url = settings.public_url.rstrip("/")
    tokens = Tokens(Signer(*settings.signing_keys()), clock)
    buttons = Buttons(tokens, f"{public_url}/mattermost/action")
    renderer = MattermostRenderer(lambda: holder.directory.registry)
    notifiers: dict[Platform, Notifier] = {}
    accounts: dict[Platform, Accounts] = {}
    mattermost = mattermost_client(settings)
    if mattermost is not None:
        notifiers["mattermost"] = MattermostNotifier(
            mattermost, book=store, buttons=buttons, renderer=renderer
        )
        accounts["mattermost"] = mattermost
    matrix = matrix_client(settings)
    matrix_notifier = None
    if matrix is not None:
        matrix_notifier = MatrixNotifier(
            matrix,
            book=store,
            rooms=inbox,
            renderer=MatrixRenderer(lambda: holder.directory.registry),
            registry=lambda: holder.directory.registry,
        )
        notifiers["matrix"] = matrix_notifier
    worker = None
    if notifiers:
        nudges = Nudges(
            SqlReminders(store.engine),
            lambda: holder.directory.registry,
            clock,
            platforms=platforms_of(settings),
            interval=settings.reminder_interval,
            observer=metrics.nudge,
        )
        purge = purge_for(settings, store, lambda: holder.directory.registry, clock, metrics)
        worker = Worker(
            outbox,
            notifiers,
            clock,
            lease=timedelta(seconds=settings.outbox_lease),
            max_delay=settings.retry_max_delay,
            observer=metrics.delivery,
            chores=[nudges, purge],
        )
    wake = worker.wake.set if worker else (lambda: None)
    inbound = Inbound(
        holder=holder,
        desk=desk_for(settings, store, clock, metrics),
        clock=clock,
        book=store,
        accounts=accounts,
        metrics=metrics,
        wake=wake,
    )
    beside: dict[str, Beside] = {}
    if matrix is not None and matrix_notifier is not None:
        dialogue = Dialogue(service=inbound, inbox=inbox, book=store, limit=RateLimit(), wake=wake)
        adapter = MatrixAdapter(
            client=matrix,
            dialogue=dialogue,
            notifier=matrix_notifier,
            rooms=inbox,
            allowed=settings.allowed_servers(),
            clock=clock,
            lease=SessionLease(
                SqlLeases(store.engine), clock, account=matrix.user, store=matrix.store
            ),
        )
        beside["matrix"] = adapter
        metrics.watch("matrix", adapter.state)
    interactions = Interactions(
        service=inbound,
        tokens=tokens,
        buttons=buttons,
        renderer=renderer,
        client=mattermost,
        dialog_url=f"{public_url}/mattermost/dialog",
    )
    commands = SlashCommands(
        tokens=settings.token_values(),
        service=inbound,
        renderer=renderer,
        buttons=buttons,
        interactions=interactions,
    )
    app = create_app(
        holder=holder,
        reload_interval=settings.reload_interval,
        routers=[
            router(
                commands=commands,
                interactions=interactions,
                max_body_bytes=settings.max_body_bytes,
            ),
            annuaire_router(
                registry=lambda: holder.directory.registry,
                clock=clock,
                facts=lambda moment: store.facts(since=moment),
            ),
        ],
        worker=worker,
        beside=beside,
        outbox_counts=outbox.counts,
        metrics=metrics,
    )
    return Bot(fast_path(app, commands, limit=settings.max_body_bytes), store)


def mattermost_client(settings: Settings) -> MattermostClient | None:
    if not (settings.mattermost_url and settings.mattermost_token):
        return None
    return MattermostClient(
        settings.mattermost_url,
        settings.mattermost_token.get_secret_value(),
        timeout=settings.mattermost_timeout,
    )


def matrix_client(settings: Settings) -> MatrixClient | None:
    if not settings.matrix_homeserver:
        return None
    return MatrixClient(
        homeserver=settings.matrix_homeserver,
        user=settings.matrix_user or "",
        password=settings.matrix_password.get_secret_value() if settings.matrix_password else None,
        store=settings.matrix_store,
    )
