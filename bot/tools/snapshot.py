"""A new beta.gouv.fr snapshot from the public API's documents, and what changed. Pure.

The API is JSON:API style: `data[].id`, `attributes.name`, `attributes.phases`,
`relationships.incubator.data.id` (v2.6) or `relationships.incubators.data[]`
(v2.7, several incubators per startup). Incubators come as `data[]` too, or as
an object keyed by id. What the API does not carry (former names, owners'
acronyms) is kept from the current snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class SnapshotError(Exception):
    """The documents are not what the API publishes; the message is French."""


@dataclass
class Changes:
    new: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new name
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new incubator
    phase: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new phase
    gone: list[str] = field(default_factory=list)


def _records(document: Any, what: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(id, attributes, relationships) of each record, whatever the document's shape."""
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        items = document["data"]
        return [
            (str(i["id"]), dict(i.get("attributes") or {}), dict(i.get("relationships") or {}))
            for i in items
            if isinstance(i, dict) and "id" in i
        ]
    if isinstance(document, dict):
        return [(str(k), dict(v), {}) for k, v in document.items() if isinstance(v, dict)]
    raise SnapshotError(f"{what} : un document JSON:API (« data ») est attendu")


def _incubators_of(relationships: Mapping[str, Any], attributes: Mapping[str, Any]) -> list[str]:
    many = (relationships.get("incubators") or {}).get("data")
    if isinstance(many, list):
        return [str(i["id"]) for i in many if isinstance(i, dict) and "id" in i]
    one = (relationships.get("incubator") or {}).get("data")
    if isinstance(one, dict) and "id" in one:
        return [str(one["id"])]
    return [str(attributes["incubator"])] if attributes.get("incubator") else []


def _latest_phase(phases: Any) -> tuple[str, str | None]:
    dated = [p for p in phases or [] if isinstance(p, dict) and p.get("name")]
    if not dated:
        return "investigation", None
    latest = max(dated, key=lambda p: str(p.get("start") or ""))
    return str(latest["name"]), (str(latest["start"])[:10] if latest.get("start") else None)


def startups(document: Any, current: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    records = []
    for ident, attributes, relationships in _records(document, "startups.json"):
        incubators = _incubators_of(relationships, attributes)
        phase, start = _latest_phase(attributes.get("phases"))
        old = current.get(ident, {})
        record: dict[str, Any] = {
            "id": ident,
            "name": str(attributes.get("name") or attributes.get("title") or ident).strip(),
            "incubator": incubators[0] if incubators else old.get("incubator", ""),
            "phase": phase,
            "phase_start": start,
            "mission": " ".join(
                str(
                    attributes.get("mission") or attributes.get("pitch") or old.get("mission", "")
                ).split()
            )[:200],
        }
        if len(incubators) > 1:
            record["other_incubators"] = incubators[1:]
        former = list(old.get("former_ids", []))
        for redirect in attributes.get("redirect_from") or []:
            slug = str(redirect).rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
            if slug and slug != ident and slug not in former:
                former.append(slug)
        names = list(old.get("former_names", []))
        if old.get("name") and old["name"] != record["name"] and old["name"] not in names:
            names.append(old["name"])
        if former:
            record["former_ids"] = former
        if names:
            record["former_names"] = names
        link = attributes.get("link") or old.get("website")
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            record["website"] = link
        records.append(record)
    return sorted(records, key=lambda r: str(r["id"]).casefold())


def incubators(document: Any, current: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    records = []
    for ident, attributes, _ in _records(document, "incubators.json"):
        old = current.get(ident, {})
        records.append(
            {
                "id": ident,
                "name": str(
                    attributes.get("title") or attributes.get("name") or old.get("name") or ident
                ).strip(),
                "owner": old.get("owner"),
                "owner_acronym": old.get("owner_acronym"),
                "owner_id": old.get("owner_id"),
                "hidden": bool(attributes.get("hidden", old.get("hidden", False))),
            }
        )
    return sorted(records, key=lambda r: str(r["id"]).casefold())


def changes(before: Mapping[str, dict[str, Any]], after: list[dict[str, Any]]) -> Changes:
    found = Changes()
    for record in after:
        old = before.get(record["id"])
        if old is None:
            found.new.append(record["name"])
            continue
        if old.get("name") != record["name"]:
            found.renamed.append((record["id"], str(old.get("name")), record["name"]))
        if old.get("incubator") != record["incubator"]:
            found.moved.append((record["id"], str(old.get("incubator")), record["incubator"]))
        if old.get("phase") != record["phase"]:
            found.phase.append((record["id"], str(old.get("phase")), record["phase"]))
    ids = {r["id"] for r in after}
    found.gone = sorted(str(old.get("name", key)) for key, old in before.items() if key not in ids)
    return found


def summary(found: Changes, *, startups_count: int, incubators_count: int) -> str:
    def line(label: str, items: list[str], note: str = "") -> str:
        shown = ", ".join(items[:20]) + (f" et {len(items) - 20} autres" if len(items) > 20 else "")
        return f"- {label} : {len(items)}" + (f" ({shown}){note}" if items else "")

    def moves(items: list[tuple[str, str, str]]) -> list[str]:
        return [f"{ident} : {old} → {new}" for ident, old, new in items]

    return "\n".join(
        [
            f"Instantané mis à jour : {startups_count} équipes, {incubators_count} incubateurs.",
            line("nouvelles équipes", found.new),
            line(
                "équipes renommées",
                [f"{old} → {new}" for _, old, new in found.renamed],
                " ; les anciens noms restent reconnus",
            ),
            line("changements d'incubateur", moves(found.moved)),
            line("changements de phase", moves(found.phase)),
            line("équipes disparues", found.gone),
        ]
    )
