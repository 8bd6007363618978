"""Composition root: settings, registry, clock and routes wired together. Nothing imports it
but the command line and the tests that start the real service."""

from __future__ import annotations

from fastapi import FastAPI

from bot.ports import Clock, SystemClock
from bot.reloader import RegistryHolder
from bot.settings import Settings, load_settings
from bot.web import create_app


def build(settings: Settings, *, clock: Clock | None = None) -> tuple[FastAPI, RegistryHolder]:
    """The app and its registry holder; raises `RegistryError` if the registry is not valid."""
    clock = clock or SystemClock()
    holder = RegistryHolder(
        registry_path=settings.registry, catalog_dir=settings.catalog, clock=clock
    )
    holder.load()
    return create_app(settings=settings, holder=holder, clock=clock), holder


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory bot.app:app_from_environment`."""
    app, _ = build(load_settings())
    return app
