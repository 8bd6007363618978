"""Where a problem sits in the registry, named the way its editors read it: the keys from the
top, each list item by its identifier (`animators › camille-exemple › backup`), so that a
message says which key is at fault, not only on which line."""

from __future__ import annotations

from typing import Any

from bot.core.registry.problems import Problem, Severity
from bot.core.registry.yamlsafe import Document, Path

NAMING_KEYS = ("id", "startup", "incubator")  # what identifies an item of each section


def key_path(data: Any, path: Path) -> str:
    """`animators › camille-exemple › backup`; a list of values (`referents`) is named, not
    its items, since the message names the value at fault."""
    names: list[str] = []
    node = data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(item, dict):
                names.append(_item_name(item) or f"n° {part + 1}")
            node = item
        else:
            names.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return " › ".join(names)


def _item_name(item: dict[str, Any]) -> str | None:
    for key in NAMING_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def located(document: Document, path: Path, message: str, severity: Severity = "error") -> Problem:
    """A problem on the line of `path`, its message led by the key at fault."""
    where = key_path(document.data, path)
    return Problem(document.line_of(path), f"{where} : {message}" if where else message, severity)
