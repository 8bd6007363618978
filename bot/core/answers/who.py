"""`qui`: who follows a team, an incubator or a topic, and why.

Shape (docs/ux.md): the first line answers, then why, then what to do next.
Whatever the person typed is echoed through `quote_user_text` (no ping, no
link); names from the snapshot go through `md_escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from bot.core import markup
from bot.core.answers.care import care
from bot.core.answers.person import follows
from bot.core.matching.directory import Directory
from bot.core.matching.match import Candidate, Match
from bot.core.registry.catalog import Incubator, Startup
from bot.core.registry.model import Assignment, Registry
from bot.core.registry.schema import Animator, Topic
from bot.core.reply import Reply
from bot.core.requests.categories import read_type
from bot.core.text import fold, french_date, md_escape, quote_user_text

EXAMPLE_NAME = 40  # longest name given as the example of a choice


def contact_line(registry: Registry) -> str:
    return f"{registry.data.contact.email} ou {markup.channel()}"


def people(animators: Sequence[Animator]) -> str:
    names = [markup.introduce(a.id) for a in animators]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def who(directory: Directory, query: str, *, today: date) -> Reply:
    """`/animation qui <query>`."""
    registry = directory.registry
    reading = directory.read(query)
    match = reading.match
    data = match_data(match)
    if reading.distress:
        return replace(care(registry, match, query=query), data=data | {"distress": True})
    if reading.person is not None:
        return follows(registry, reading.person, today=today)
    if match.status == "empty":
        text = (
            "Dis-moi quelle équipe, quel incubateur ou quel sujet tu cherches, par exemple : "
            f"`{markup.command('qui aides territoires')}`"
        )
    elif match.status == "found" and match.best is not None:
        text = _found(registry, match.best, today=today)
    elif match.status == "likely" and match.best is not None:
        name = md_escape(match.best.entity.name)
        text = f"Je pense que tu parles de **{name}** :\n" + _found(
            registry, match.best, today=today
        )
    elif match.status == "ambiguous":
        text = _choices(directory, query, match.candidates)
    else:
        text = _not_found(directory, query, match.candidates)
    return Reply(text, data=data)


def match_data(match: Match) -> dict[str, object]:
    return {
        "status": match.status,
        "candidates": [
            {
                "kind": c.entity.kind,
                "id": c.entity.id,
                "name": c.entity.name,
                "score": round(c.score, 1),
            }
            for c in match.candidates
        ],
    }


def _found(registry: Registry, candidate: Candidate, *, today: date) -> str:
    entity = candidate.entity
    if entity.kind == "startup":
        return _startup(registry, registry.catalog.startups[entity.id], candidate, today=today)
    if entity.kind == "incubator":
        return _incubator(registry, registry.catalog.incubators[entity.id], today=today)
    return _topic(registry, registry.topics[entity.id], today=today)


def _startup(registry: Registry, startup: Startup, candidate: Candidate, *, today: date) -> str:
    assignment = registry.for_startup(startup)
    name = f"**{md_escape(startup.name)}**"
    if candidate.kind == "former":
        name += f" (anciennement « {md_escape(candidate.matched)} »)"
    lines = []
    if assignment.reason == "team":
        lines.append(f"L'équipe {name} est suivie par {people(assignment.animators)}.")
        lines.append(
            "C'est sa personne référente directe : la DINUM accompagne l'équipe en direct."
        )
    elif assignment.reason == "incubator" and assignment.incubator is not None:
        lines.append(f"L'équipe {name} est suivie par {people(assignment.animators)}.")
        lines.append(
            "Pas de référent direct pour cette équipe : c'est la personne référente de "
            f"l'incubateur *{md_escape(assignment.incubator.name)}*."
        )
    else:
        incubator = (
            f" ni pour son incubateur *{md_escape(assignment.incubator.name)}*"
            if assignment.incubator
            else ""
        )
        lines.append(f"Personne n'est encore désigné pour l'équipe {name}{incubator}.")
        lines.append(f"Écris à l'équipe d'animation : {contact_line(registry)}.")
    lines += _availability(registry, assignment, today=today)
    lines.append(f"Phase : {startup.phase_label} · fiche : {startup.url}")
    return _finish(registry, lines, assignment)


def _incubator(registry: Registry, incubator: Incubator, *, today: date) -> str:
    assignment = registry.for_incubator(incubator)
    name = f"**{md_escape(incubator.name)}**"
    # « L'incubateur **L'Incubateur de la Justice** »: the word once, when the name says it.
    words = fold(incubator.name).split()
    says_it = words[:1] == ["incubateur"] or words[:2] == ["l", "incubateur"]
    called = name if says_it else f"l'incubateur {name}"
    if not assignment.animators:
        lines = [
            f"Personne n'est encore désigné pour {called}.",
            f"Écris à l'équipe d'animation : {contact_line(registry)}.",
        ]
    else:
        lines = [
            f"{called[0].upper()}{called[1:]} est suivi par {people(assignment.animators)}.",
            "Cette personne suit aussi les équipes de l'incubateur "
            "qui n'ont pas de référent direct.",
        ]
    lines += _availability(registry, assignment, today=today)
    lines.append(f"Fiche : {incubator.url}")
    return _finish(registry, lines, assignment)


def _topic(registry: Registry, topic: Topic, *, today: date) -> str:
    assignment = registry.for_topic(topic)
    lines = [f"Le sujet **{md_escape(topic.name)}** est suivi par {people(assignment.animators)}."]
    if topic.description:
        lines.append(md_escape(topic.description))
    lines += _availability(registry, assignment, today=today)
    return _finish(registry, lines, assignment)


def _availability(registry: Registry, assignment: Assignment, *, today: date) -> list[str]:
    lines = []
    for animator in assignment.animators:
        duty = registry.on_duty(animator, today)
        if animator.absent_until is None or animator.absent_until < today:
            continue
        until = french_date(animator.absent_until)
        if duty.replaced:
            lines.append(
                f"{markup.mention(animator.id)} n'est pas disponible jusqu'au {until} inclus ; "
                f"en attendant, {markup.introduce(duty.person.id)} prend le relais."
            )
        else:
            lines.append(
                f"{markup.mention(animator.id)} n'est pas disponible jusqu'au {until} inclus. "
                f"En cas d'urgence : {contact_line(registry)}."
            )
    return lines


def _finish(registry: Registry, lines: list[str], assignment: Assignment) -> str:
    if assignment.animators:
        lines.append(
            f"Écris-lui en message direct, ou à toute l'équipe : {contact_line(registry)}."
        )
    if any(a.placeholder for a in assignment.animators):
        lines.append(
            "⚠️ Personne fictive : le registre `data/referents.yaml` n'est pas encore rempli."
        )
    return "\n".join(lines)


def _label(registry: Registry, candidate: Candidate) -> str:
    entity = candidate.entity
    name = md_escape(entity.name)
    if entity.kind == "startup":
        startup = registry.catalog.startups[entity.id]
        return f"{name} (équipe, {startup.phase_label})"
    if entity.kind == "incubator":
        return f"{name} (incubateur)"
    return f"{name} (sujet)"


def _choices(directory: Directory, query: str, candidates: Sequence[Candidate]) -> str:
    registry = directory.registry
    lines = [f"Plusieurs noms correspondent à {quote_user_text(query)} :"]
    lines += [f"{rank}. {_label(registry, c)}" for rank, c in enumerate(candidates, start=1)]
    lines.append(f"Précise, par exemple : `{markup.command(f'qui {_example(candidates)}')}`")
    lines.append(f"Rien de tout ça ? Écris à l'équipe d'animation : {contact_line(registry)}.")
    return "\n".join(lines)


def _example(candidates: Sequence[Candidate]) -> str:
    """What to type to get the first one: its name, when short enough to read (it is an
    exact key), else its id."""
    if not candidates:
        return "aides territoires"
    entity = candidates[0].entity
    plain = entity.name.replace("`", "")
    return plain if len(plain) <= EXAMPLE_NAME and plain == entity.name else entity.id


def _not_found(directory: Directory, query: str, close: Sequence[Candidate]) -> str:
    registry = directory.registry
    lines = [
        "Je ne trouve ni équipe, ni incubateur, ni sujet qui corresponde à "
        f"{quote_user_text(query)}."
    ]
    if close:
        lines.append("Noms proches : " + ", ".join(md_escape(c.entity.name) for c in close) + ".")
    lines += _request_hint(directory, query)
    lines.append(f"Tu peux aussi écrire à l'équipe d'animation : {contact_line(registry)}.")
    return "\n".join(lines)


def _request_hint(directory: Directory, query: str) -> list[str]:
    """When the words name a kind of request (« convention », « partenariat »), how to make
    one: that may be what the person came for."""
    category = read_type(directory, query).category
    if category is None or category.confidential:
        return []
    command = markup.command(f"demande {category.word}")
    return [f"Pour une demande « {md_escape(category.label)} » : `{command}`"]
