"""Which request category a person means, and in which order categories are offered."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.core.registry.model import Registry
from bot.core.registry.schema import Category
from bot.core.text import compact, fold


def find_category(registry: Registry, text: str) -> tuple[Category | None, str]:
    """The category named first (`convention`, `mal-etre`), or described (`je me sens mal`)."""
    words = text.split()
    if not words:
        return None, ""
    by_id = {compact(fold(c.id)): c for c in registry.categories.values()}
    first = by_id.get(compact(fold(words[0])))
    if first is not None:
        return first, text.split(None, 1)[1] if len(words) > 1 else ""
    labels = {c.id: fold(f"{c.id} {c.label}") for c in registry.categories.values()}
    best = process.extractOne(fold(text), labels, scorer=fuzz.token_set_ratio, score_cutoff=80)
    return (registry.categories[best[2]], "") if best else (None, "")


def offered(registry: Registry) -> list[Category]:
    """The categories as they are offered: confidential ones last."""
    return sorted(registry.categories.values(), key=lambda c: c.confidential)
