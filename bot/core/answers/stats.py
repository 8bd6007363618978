"""`stats`: the transparency figures, in a few lines anyone may share (there is no name in
them, and small numbers read « moins de 5 »)."""

from __future__ import annotations

from bot.core import markup
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.reply import Reply
from bot.core.stats import FEW, Figures, Row, figures, since

CHAT_MONTHS = 3
SHORT_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


def _months(figures: Figures, row: Row) -> str:
    return " · ".join(
        f"{SHORT_MONTHS[month.month - 1]} {value}"
        for month, value in zip(figures.months, row.per_month, strict=True)
    )


def _speed(row: Row) -> str:
    return (
        f"délai médian de prise en charge : {row.claim_median} ; de clôture : "
        f"{row.close_median} ; prises en charge en 2 jours ouvrés au plus : {row.claimed_in_time}"
    )


def stats_text(figures: Figures) -> str:
    lines = [
        f"📊 **Les demandes faites à l'équipe d'animation**, {figures.period}. Jamais de nom ; "
        "« moins de 5 » quand un chiffre porte sur moins de 5 demandes.",
    ]
    for row in figures.rows:
        speed = "" if row.claim_median == row.close_median == FEW else f" ; {_speed(row)}"
        lines.append(f"- **{row.label}** : {_months(figures, row)}{speed}")
    overall = figures.overall
    lines.append(f"- **En tout** : {overall.total} demandes ; {_speed(overall)}")
    quarters = " · ".join(f"{name} : {total}" for name, total in figures.confidential)
    lines.append(f"- 🔒 **Demandes confidentielles**, toutes ensemble, par trimestre : {quarters}")
    lines.append(
        "Les jours ouvrés ne comptent ni les week-ends ni les jours fériés. "
        f"Pour les tiennes : `{markup.command('mes-demandes')}`"
    )
    return "\n".join(lines)


def stats_reply(directory: Directory, *, desk: Desk) -> Reply:
    """Shareable: nothing in it is personal."""
    now = desk.clock.now()
    facts = desk.store.facts(since=since(now, CHAT_MONTHS))
    shown = figures(facts, directory.registry.data.categories, now=now, months=CHAT_MONTHS)
    return Reply(stats_text(shown), data={"months": [m.isoformat() for m in shown.months]})
