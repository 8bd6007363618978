"""Who follows what: the registry's coverage, for a pull request comment or a terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from bot.core.registry.catalog import ACTIVE_PHASES, PHASE_LABELS
from bot.core.registry.model import Registry, is_absent


@dataclass
class AnimatorCoverage:
    name: str
    handle: str  # how to reach them: `@username` on Mattermost, else their Tchap id
    teams: list[str] = field(default_factory=list)
    incubators: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    phases: Counter[str] = field(default_factory=Counter)  # active teams they answer for


@dataclass
class Coverage:
    animators: list[AnimatorCoverage]
    uncovered: list[str]  # active teams nobody answers for
    topics_without_referent: list[str]
    away_without_backup: list[str]


def coverage(registry: Registry, *, today: date) -> Coverage:
    people = {
        a.id: AnimatorCoverage(a.name, f"@{a.mattermost}" if a.mattermost else a.tchap or "")
        for a in registry.animators.values()
    }
    for team in registry.data.teams:
        startup = registry.catalog.startups.get(team.startup)
        for person in team.referents:
            people[person].teams.append(startup.name if startup else team.startup)
    for entry in registry.data.incubators:
        incubator = registry.catalog.incubators.get(entry.incubator)
        for person in entry.referents:
            people[person].incubators.append(incubator.name if incubator else entry.incubator)
    for topic in registry.topics.values():
        for person in topic.referents:
            people[person].topics.append(topic.name)
    uncovered = []
    for startup in registry.catalog.startups.values():
        if not startup.active:
            continue
        assignment = registry.for_startup(startup)
        if not assignment.animators:
            uncovered.append(startup.name)
        for animator in assignment.animators:
            people[animator.id].phases[startup.phase] += 1
    return Coverage(
        animators=list(people.values()),
        uncovered=sorted(uncovered, key=str.casefold),
        topics_without_referent=[t.name for t in registry.topics.values() if not t.referents],
        away_without_backup=[
            a.name for a in registry.animators.values() if is_absent(a, today) and not a.backup
        ],
    )


def _phases(counts: Counter[str]) -> str:
    order = [p for p in PHASE_LABELS if p in ACTIVE_PHASES]
    parts = [f"{counts[p]} en {PHASE_LABELS[p]}" for p in order if counts[p]]
    return ", ".join(parts) or "aucune"


def markdown(report: Coverage) -> str:
    lines = [
        "### Couverture du registre",
        "",
        "| personne | équipes suivies en direct | incubateurs | sujets | équipes actives suivies |",
        "| --- | --- | --- | --- | --- |",
    ]
    for person in report.animators:
        lines.append(
            f"| {person.name} ({person.handle}) | {', '.join(person.teams) or '—'} | "
            f"{', '.join(person.incubators) or '—'} | {', '.join(person.topics) or '—'} | "
            f"{sum(person.phases.values())} ({_phases(person.phases)}) |"
        )
    lines += ["", *_gaps(report, bullet="- ")]
    return "\n".join(lines)


def text(report: Coverage) -> str:
    lines = []
    for person in report.animators:
        lines.append(f"{person.name} ({person.handle})")
        lines.append(f"  équipes en direct : {', '.join(person.teams) or 'aucune'}")
        lines.append(f"  incubateurs : {', '.join(person.incubators) or 'aucun'}")
        lines.append(f"  sujets : {', '.join(person.topics) or 'aucun'}")
        total = sum(person.phases.values())
        lines.append(f"  équipes actives suivies : {total} ({_phases(person.phases)})")
    return "\n".join([*lines, "", *_gaps(report, bullet="- ")])


def _gaps(report: Coverage, *, bullet: str) -> list[str]:
    def listed(items: list[str], limit: int = 30) -> str:
        shown = ", ".join(items[:limit])
        return shown + (f" et {len(items) - limit} autres" if len(items) > limit else "")

    lines = ["Manques :"]
    lines.append(
        f"{bullet}équipes actives sans personne référente (ni en direct, ni par leur incubateur) : "
        + (
            f"{len(report.uncovered)} : {listed(report.uncovered)}"
            if report.uncovered
            else "aucune"
        )
    )
    lines.append(
        f"{bullet}sujets sans personne référente : "
        + (listed(report.topics_without_referent) or "aucun")
    )
    lines.append(
        f"{bullet}personnes absentes sans relais : "
        + (listed(report.away_without_backup) or "aucune")
    )
    return lines
