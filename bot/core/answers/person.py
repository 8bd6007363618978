"""`qui camille`, `qui suit @camille.exemple`: what a co-animator follows (teams,
incubators, topics), who stands in while they are away, and whose backup they are."""

from __future__ import annotations

from datetime import date

from bot.core import markup
from bot.core.registry.model import Registry, is_absent
from bot.core.reply import Reply
from bot.core.text import french_date, md_escape

SHOWN = 12  # names listed per kind before « et N autres »


def follows(registry: Registry, animator_id: str, *, today: date) -> Reply:
    animator = registry.animators[animator_id]
    teams = [
        registry.catalog.startups[t.startup].name
        for t in registry.teams.values()
        if animator_id in t.referents and t.startup in registry.catalog.startups
    ]
    incubators = [
        registry.catalog.incubators[i.incubator].name
        for i in registry.incubator_referents.values()
        if animator_id in i.referents and i.incubator in registry.catalog.incubators
    ]
    topics = [t.name for t in registry.topics.values() if animator_id in t.referents]
    lines = [f"{markup.introduce(animator_id)} suit :"]
    for label, names in (("équipes", teams), ("incubateurs", incubators), ("sujets", topics)):
        if names:
            lines.append(f"- {label} : {_names(names)}")
    if len(lines) == 1:
        lines = [f"{markup.introduce(animator_id)} ne suit encore aucune équipe dans le registre."]
    lines += _standing_in(registry, animator_id, today=today)
    if animator.placeholder:
        lines.append(
            "⚠️ Personne fictive : le registre `data/referents.yaml` n'est pas encore rempli."
        )
    lines.append(f"Pour une équipe en particulier : `{markup.command('qui <équipe>')}`")
    return Reply("\n".join(lines), data={"person": animator_id})


def _names(names: list[str]) -> str:
    shown = ", ".join(md_escape(n) for n in sorted(names)[:SHOWN])
    more = len(names) - SHOWN
    return shown + (f" et {more} autres" if more > 0 else "")


def _standing_in(registry: Registry, animator_id: str, *, today: date) -> list[str]:
    animator = registry.animators[animator_id]
    lines = []
    if is_absent(animator, today) and animator.absent_until is not None:
        duty = registry.on_duty(animator, today)
        until = french_date(animator.absent_until)
        lines.append(
            f"Absence jusqu'au {until} inclus ; en attendant, "
            f"{markup.mention(duty.person.id)} prend le relais."
            if duty.replaced
            else f"Absence jusqu'au {until} inclus."
        )
    elif animator.backup:
        lines.append(f"En son absence : {markup.mention(animator.backup)}.")
    backing = [a.id for a in registry.animators.values() if a.backup == animator_id]
    if backing:
        others = " et ".join(markup.mention(a) for a in backing)
        whose = "leurs absences" if len(backing) > 1 else "son absence"
        lines.append(f"Remplace {others} pendant {whose}.")
    return lines
