"""Shared by the command-line modules: the registry, loaded or explained."""

from __future__ import annotations

import sys

from bot.core.clock import SystemClock
from bot.core.matching.directory import Directory
from bot.core.registry.catalog import CatalogError, load_catalog
from bot.core.registry.model import (
    Registry,
    RegistryError,
    build_registry,
    read_registry_text,
)
from bot.service.settings import Settings


def unreachable(error: Exception, then: str = "") -> str:
    """The database at `ANIMATION_DATABASE_URL` could not be used: said by the error's class,
    never its message or the URL (either may hold a password)."""
    said = f"Base de données injoignable : vérifie ANIMATION_DATABASE_URL ({type(error).__name__})."
    return f"{said} {then}" if then else said


def load_directory(settings: Settings) -> Directory | None:
    registry = load_registry(settings)
    return None if registry is None else Directory.of(registry)


def load_registry(settings: Settings) -> Registry | None:
    """The registry, or None once said why (without the indexes `qui` needs)."""
    try:
        registry = build_registry(
            read_registry_text(settings.registry),
            catalog=load_catalog(settings.catalog),
            today=SystemClock().today(),
            path=settings.registry,
        )
    except RegistryError as error:
        print("Le registre n'est pas valide :", *error.lines(), sep="\n", file=sys.stderr)
        return None
    except CatalogError as error:
        print(error, file=sys.stderr)
        return None
    return registry
