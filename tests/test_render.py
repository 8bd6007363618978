"""What the core says, as Mattermost shows it: each placeholder, people as the registry names
them now, typography only in command answers, one post at most."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.core import markup
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.core.text import clean, md_escape, quote_block, quote_user_text
from bot.mattermost.render import MAX_POST_RUNES, MattermostRenderer, fit_post
from tests.registries import TODAY, edit

TCHAP_ONLY = {17: '    tchap: "@dominique:agent.tchap.gouv.fr"'}


def registry(catalog: Catalog, changes: Mapping[int, str | None] | None = None) -> Registry:
    return build_registry(edit(changes or {}), catalog=catalog, today=TODAY, path=Path("t"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (markup.mention("camille"), "@camille.exemple"),
        (markup.introduce("camille"), "@camille.exemple (Camille Exemple)"),
        (markup.mention("dominique"), "Dominique Exemple"),  # no Mattermost account
        (markup.introduce("dominique"), "Dominique Exemple (sur Tchap)"),
        (markup.mention("left-the-team"), "« left-the-team »"),
        (markup.account(Account("mattermost", "u1", "alice")), "@alice"),
        (markup.account(Account("matrix", "@z:t.fr", "@z_*:t.fr")), "@​z\\_\\*:t.fr (Tchap)"),
        (markup.command(), "/animation"),
        (markup.command("qui domifa"), "/animation qui domifa"),
        (markup.channel(), "~incubateur-animation"),
        (
            f"Voir `{markup.command('aide')}` ou {markup.channel()}.",
            "Voir `/animation aide` ou ~incubateur-animation.",
        ),
    ],
)
def test_placeholders(catalog: Catalog, said: str, shown: str) -> None:
    renderer = MattermostRenderer(lambda: registry(catalog, TCHAP_ONLY))
    assert renderer.text(said) == shown


def test_people_are_named_as_the_registry_in_force_names_them(catalog: Catalog) -> None:
    current = [registry(catalog)]
    renderer = MattermostRenderer(lambda: current[0])
    assert renderer.text(markup.mention("camille")) == "@camille.exemple"
    current[0] = registry(catalog, {13: "    mattermost: camille.nouveau"})
    assert renderer.text(markup.mention("camille")) == "@camille.nouveau"


def test_typography_for_answers_only(catalog: Catalog) -> None:
    renderer = MattermostRenderer(lambda: registry(catalog))
    said = f"Demande n° 3 : {markup.mention('camille')} ?"
    assert renderer.text(said) == "Demande n° 3 : @camille.exemple ?"
    assert renderer.reply(said) == "Demande n° 3\u00a0: @camille.exemple\u202f?"


def test_nobody_can_type_a_placeholder() -> None:
    """What a person types reaches an answer through `clean` (or what calls it): the
    markers go, the letters stay letters."""
    typed = markup.mention("camille") + markup.channel()
    for echoed in (clean(typed), quote_user_text(typed), md_escape(typed), quote_block(typed)):
        assert not markup.has_placeholders(echoed)
        assert "mentioncamillechannel" in echoed


def test_one_post_at_most(catalog: Catalog) -> None:
    renderer = MattermostRenderer(lambda: registry(catalog))
    said = "\n".join([f"{markup.mention('camille')} ligne {n}" for n in range(2000)])
    shown = renderer.reply(said)
    assert len(shown) <= MAX_POST_RUNES
    assert shown.endswith("(réponse coupée : elle dépassait la taille d'un message)")


def test_fit_post_cuts_on_a_line_boundary() -> None:
    text = "\n".join(f"ligne {i}" for i in range(5000))
    fitted = fit_post(text)
    assert len(fitted) <= MAX_POST_RUNES
    assert fitted.endswith("(réponse coupée : elle dépassait la taille d'un message)")
    assert fitted.split("\n")[-2].startswith("ligne ")
    assert fit_post("court") == "court"
