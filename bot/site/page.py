"""The directory page as HTML: Jinja2 templates (`templates/`), every value escaped
(autoescape on, whatever the file's name), the State's design system (DSFR) from the files
shipped in `static/dsfr/`: nothing is fetched from elsewhere when the page is shown."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.core.annuaire import Annuaire, Entry
from bot.core.registry.schema import Contact
from bot.core.stats import Figures, month_name
from bot.core.text import french_date

HERE = Path(str(files("bot.site")))
STATIC = HERE / "static"
DSFR_VERSION = (STATIC / "dsfr" / "VERSION").read_text(encoding="utf-8").strip()
COMPONENTS = (
    "skiplink", "logo", "header", "footer", "link", "button", "badge", "notice", "form",
    "input", "search", "table",
)  # fmt: skip
STYLESHEETS = (
    "dsfr/core/core.min.css",
    *(f"dsfr/component/{name}/{name}.min.css" for name in COMPONENTS),
    "annuaire.css",
)

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
)


def day_text(day: date) -> str:
    """« 1er décembre 2026 », « 15 décembre 2026 »."""
    text = french_date(day)
    return f"1er{text[1:]}" if day.day == 1 else text


_ENVIRONMENT.globals |= {"french_date": day_text, "month_name": month_name}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary(page: Annuaire) -> str:
    """What the page lists, in one sentence (the status line under the search)."""
    parts = [
        _plural(len(page.teams), "équipe", "équipes"),
        _plural(len(page.incubators), "incubateur", "incubateurs"),
        _plural(len(page.topics), "sujet transverse", "sujets transverses"),
    ]
    listed = f"{parts[0]}, {parts[1]} et {parts[2]}"
    if not page.query:
        return f"{listed}."
    found = len(page.entries)
    if found == 0:
        return f"Aucun résultat pour « {page.query} »."
    return f"{_plural(found, 'résultat', 'résultats')} pour « {page.query} » : {listed}."


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    name: str  # the heading of the first column
    detail: str  # of the second
    entries: tuple[Entry, ...]


def _sections(page: Annuaire) -> list[Section]:
    return [
        Section("equipes", "Équipes", "Équipe", "Phase", page.teams),
        Section("incubateurs", "Incubateurs", "Incubateur", "Administration", page.incubators),
        Section("sujets", "Sujets transverses", "Sujet", "De quoi il s'agit", page.topics),
    ]


def render(
    page: Annuaire,
    *,
    contact: Contact,
    figures: Figures | None,
    static: str,
    action: str,
) -> str:
    """`static`: the address the page's files are under, relative or absolute; `action`:
    where the search form sends `?q=` (the page itself)."""
    template = _ENVIRONMENT.get_template("annuaire.html")
    return template.render(
        page=page,
        contact=contact,
        figures=figures,
        static=static,
        action=action,
        sections=_sections(page),
        stylesheets=STYLESHEETS,
        summary=summary(page),
        everything=summary(replace(page, query="")),
        shown=len(page.entries),
        today=day_text(page.today),
        dsfr_version=DSFR_VERSION,
    )
