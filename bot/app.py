"""Composition root: settings, registry, store, Mattermost client, worker and routes wired
together. Nothing imports it but the command line and the tests that start the real service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.ports import Clock, SystemClock
from bot.core.requests.desk import Desk
from bot.core.signing import Signer
from bot.mattermost.client import MattermostClient
from bot.mattermost.interactions import Interactions
from bot.mattermost.notifier import Buttons, MattermostNotifier
from bot.mattermost.slash import ASGIApp
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.service.settings import Settings, load_settings
from bot.service.web import create_app
from bot.service.worker import Worker
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, make_engine, migrate


@dataclass
class Service:
    app: ASGIApp
    holder: RegistryHolder
    store: SqlStore
    outbox: Outbox
    worker: Worker | None


def open_store(settings: Settings) -> tuple[SqlStore, Outbox]:
    """The database at `ANIMATION_DATABASE_URL`, migrated to the latest schema."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    return SqlStore(engine), Outbox(engine)


def build(settings: Settings, *, clock: Clock | None = None) -> Service:
    """Everything `serve` runs. Raises `RegistryError` if the registry is not valid."""
    clock = clock or SystemClock()
    if settings.secret is None:
        raise ValueError("ANIMATION_SECRET is required")
    store, outbox = open_store(settings)
    metrics = Metrics(outbox_counts=outbox.counts)
    holder = RegistryHolder(
        registry_path=settings.registry,
        catalog_dir=settings.catalog,
        clock=clock,
        observer=metrics.reload,
    )
    holder.load()
    signer = Signer(settings.secret.get_secret_value())
    action_url = settings.public_url.rstrip("/") + "/mattermost/action"
    buttons = Buttons(book=store, signer=signer, clock=clock, action_url=action_url)
    client = None
    worker = None
    if settings.mattermost_url and settings.mattermost_token:
        client = MattermostClient(
            settings.mattermost_url,
            settings.mattermost_token.get_secret_value(),
            timeout=settings.mattermost_timeout,
        )
        notifier = MattermostNotifier(client, book=store, buttons=buttons)
        worker = Worker(
            outbox,
            notifier,
            clock,
            lease=timedelta(seconds=settings.outbox_lease),
            max_delay=settings.retry_max_delay,
            observer=metrics.delivery,
        )
    interactions = Interactions(
        holder=holder,
        desk=Desk(
            store,
            clock,
            triage_channel=settings.triage_channel_id,
            observer=lambda request, event: metrics.request(
                request.category_id, confidential=request.confidential, event=event
            ),
        ),
        signer=signer,
        clock=clock,
        buttons=buttons,
        client=client,
        public_url=settings.public_url,
        wake=worker.wake.set if worker else (lambda: None),
    )
    app = create_app(
        settings=settings,
        holder=holder,
        clock=clock,
        interactions=interactions,
        worker=worker,
        outbox=outbox,
        metrics=metrics,
    )
    return Service(app, holder, store, outbox, worker)


def app_from_environment() -> ASGIApp:
    """For `uvicorn --factory bot.app:app_from_environment`."""
    return build(load_settings()).app
