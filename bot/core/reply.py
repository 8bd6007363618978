"""A reply to what someone typed: what to say, to whom it may be shown, and what it asks of
the platform (offer categories, open a form)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.core.registry.schema import Category

# `private`: only ever for the person who asked (their requests, anything confidential);
# `shareable`: for them, and they may ask to show it to the channel (`--partager`);
# `shared`: they asked, and it may be: the channel sees it.
Visibility = Literal["private", "shareable", "shared"]


@dataclass(frozen=True)
class Reply:
    """Markdown with placeholders (`markup`). `data`: the same answer for programs.

    `choices`: offer these categories to choose from. `form`: open this category's
    form (`text` then says how to do without one). `submitted`: the number of the
    request this reply stored, if any.
    """

    text: str
    visibility: Visibility = "shareable"
    data: Mapping[str, object] = field(default_factory=dict)
    choices: tuple[Category, ...] = ()
    form: Category | None = None
    submitted: int | None = None
