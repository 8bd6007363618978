"""From the Trello board of referents to a draft `referents.yaml`.

Lists are teams, incubators or transverse subjects (told by their names);
cards name them in free text, matched like `qui`; members become animators.
A card that cannot be placed with confidence is listed, with the closest
names, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.matching.directory import Directory
from bot.core.text import fold

ListKind = str  # "teams" | "incubators" | "topics"


class TrelloError(Exception):
    """The file is not a Trello board export; the message is French."""


@dataclass
class Unplaced:
    card: str
    list_name: str
    why: str
    closest: list[str] = field(default_factory=list)


@dataclass
class Draft:
    animators: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, list[str]] = field(default_factory=dict)
    incubators: dict[str, list[str]] = field(default_factory=dict)
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    skipped: int = 0


def count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number < 2 else plural or singular + 's'}"


def slug(text: str) -> str:
    return re.sub(r"-+", "-", fold(text).replace(" ", "-")).strip("-")[:60] or "sans-nom"


def list_kind(name: str) -> ListKind:
    folded = fold(name)
    if "incubateur" in folded:
        return "incubators"
    if any(word in folded for word in ("sujet", "transverse", "thematique", "theme")):
        return "topics"
    return "teams"


def _board(board: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    if not isinstance(board, dict) or not all(
        isinstance(board.get(k), list) for k in ("lists", "cards", "members")
    ):
        raise TrelloError(
            "ce fichier n'est pas un export JSON de tableau Trello (lists, cards, members)"
        )
    return board["lists"], board["cards"], board["members"]


def draft(board: Any, directory: Directory) -> Draft:
    lists, cards, members = _board(board)
    open_lists = {
        column["id"]: column
        for column in lists
        if isinstance(column, dict) and not column.get("closed")
    }
    people = {m["id"]: m for m in members if isinstance(m, dict) and "id" in m}
    result = Draft()
    for card in cards:
        if not isinstance(card, dict) or card.get("closed") or card.get("idList") not in open_lists:
            result.skipped += 1
            continue
        board_list = open_lists[card["idList"]]
        referents = [_animator(result, people[m]) for m in card.get("idMembers", []) if m in people]
        _place(result, directory, card, board_list, referents)
    return result


def _animator(result: Draft, member: dict[str, Any]) -> str:
    ident = slug(member.get("fullName") or member.get("username") or member["id"])
    result.animators.setdefault(
        ident,
        {
            "id": ident,
            "name": member.get("fullName") or member.get("username") or ident,
            # Trello's username is a guess: check it against Mattermost before merging.
            "mattermost": re.sub(r"[^a-z0-9._-]", "", str(member.get("username") or ident).lower())
            or ident,
        },
    )
    return ident


def _place(
    result: Draft,
    directory: Directory,
    card: dict[str, Any],
    board_list: dict[str, Any],
    referents: list[str],
) -> None:
    name = str(card.get("name") or "").strip()
    kind = list_kind(str(board_list.get("name", "")))
    if not referents:
        result.unplaced.append(Unplaced(name, board_list["name"], "aucune personne sur la carte"))
        return
    if kind == "topics":
        ident = slug(name)
        topic = result.topics.setdefault(ident, {"id": ident, "name": name, "referents": []})
        topic["referents"] = _merge(topic["referents"], referents)
        return
    match = directory.matcher.lookup(name)
    best = match.best
    closest = [c.entity.name for c in match.candidates[:3]]
    if match.status != "found" or best is None:
        why = {  # a draft of the registry guesses nothing, not even a likely name
            "ambiguous": "plusieurs noms possibles",
            "likely": "un nom proche, à vérifier",
        }.get(match.status, "aucun nom assez proche")
        result.unplaced.append(Unplaced(name, board_list["name"], why, closest))
    elif best.entity.kind == "incubator":
        result.incubators[best.entity.id] = _merge(
            result.incubators.get(best.entity.id, []), referents
        )
    elif best.entity.kind == "startup" and kind == "teams":
        result.teams[best.entity.id] = _merge(result.teams.get(best.entity.id, []), referents)
    else:
        result.unplaced.append(Unplaced(name, board_list["name"], "pas un incubateur", closest))


def _merge(known: list[str], more: list[str]) -> list[str]:
    return known + [m for m in more if m not in known]


def registry_document(result: Draft, current: dict[str, Any]) -> dict[str, Any]:
    """The draft registry: people and referents from the board; contact, commitments and
    categories from the current registry; topics the categories need are kept."""
    topics = dict(result.topics)
    needed = {c.get("topic") for c in current.get("categories", []) if c.get("topic")}
    for topic in current.get("topics", []):
        if topic["id"] in needed and topic["id"] not in topics:
            topics[topic["id"]] = topic
    return {
        "version": 1,
        "contact": current["contact"],
        "commitments": current["commitments"],
        "animators": list(result.animators.values()),
        "teams": [{"startup": k, "referents": v} for k, v in sorted(result.teams.items())],
        "incubators": [
            {"incubator": k, "referents": v} for k, v in sorted(result.incubators.items())
        ],
        "topics": list(topics.values()),
        "categories": current["categories"],
    }


def report(result: Draft) -> str:
    lines = [
        f"{count(len(result.animators), 'personne')}, {count(len(result.teams), 'équipe')}, "
        f"{count(len(result.incubators), 'incubateur')} et {count(len(result.topics), 'sujet')} "
        f"repris ; cartes archivées ignorées : {result.skipped}.",
    ]
    if result.unplaced:
        lines.append(f"{count(len(result.unplaced), 'carte')} à placer à la main :")
        for item in result.unplaced:
            close = f" ; noms proches : {', '.join(item.closest)}" if item.closest else ""
            lines.append(f"- « {item.card} » (liste « {item.list_name} ») : {item.why}{close}")
    return "\n".join(lines)
