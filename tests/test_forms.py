"""Request forms: fields per category, and what a submission must contain."""

from __future__ import annotations

from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.requests.forms import form_for, inline_values, read_submission
from bot.core.requests.model import Draft


def test_fields_follow_the_category(directory: Directory) -> None:
    categories = directory.registry.categories
    form = form_for(directory, categories["convention"])
    assert [f.name for f in form.fields] == ["team", "subject", "details"]
    assert [f.optional for f in form.fields] == [False, False, True]
    confidential = form_for(directory, categories["mal-etre"])
    assert confidential.title == "Demande confidentielle"
    assert "Seule la personne que tu choisis sera prévenue" in confidential.intro
    animator = confidential.fields[0]
    assert animator.kind == "select" and ("camille-exemple", "Camille Exemple") in animator.options


def submit(
    directory: Directory, category: str, values: dict[str, object]
) -> Draft | dict[str, str]:
    return read_submission(
        directory,
        directory.registry.categories[category],
        values,
        requester=Account("mattermost", "u", "alice"),
        nonce="n",
    )


def test_team_is_matched_like_qui(directory: Directory) -> None:
    draft = submit(directory, "convention", {"team": "l'équipe Aides Territoires", "subject": "x"})
    assert (
        isinstance(draft, Draft) and draft.team is not None and draft.team.id == "aides-territoires"
    )
    incubator = submit(directory, "convention", {"team": "ANCT", "subject": "x"})
    assert (
        isinstance(incubator, Draft)
        and incubator.team is not None
        and incubator.team.kind == "incubator"
    )


def test_field_errors(directory: Directory) -> None:
    assert submit(directory, "convention", {}) == {
        "team": "Ce champ est nécessaire.",
        "subject": "Ce champ est nécessaire.",
    }
    errors = submit(directory, "convention", {"team": "friches", "subject": "x"})
    assert isinstance(errors, dict) and errors["team"].startswith("Plusieurs équipes correspondent")
    errors = submit(directory, "convention", {"team": "achats", "subject": "x"})
    assert isinstance(errors, dict) and errors["team"].startswith("C'est un sujet transverse")
    errors = submit(directory, "mal-etre", {"animator": "personne", "contact_method": "pigeon"})
    assert isinstance(errors, dict) and set(errors) == {"animator", "contact_method"}


def test_hostile_values_are_cleaned(directory: Directory) -> None:
    draft = submit(
        directory,
        "convention",
        {
            "team": "domifa\x00",
            "subject": "\u202eobjet" + "x" * 500,
            "details": "a\x00b",
            "extra": "ignored",
        },
    )
    assert isinstance(draft, Draft)
    assert draft.subject.startswith("objet") and len(draft.subject) <= 150
    assert draft.details == "ab"


def test_inline_values() -> None:
    class Plain:
        confidential = False

    class Secret:
        confidential = True

    assert inline_values(Plain(), "domifa : objet\nsuite") == {  # type: ignore[arg-type]
        "team": "domifa",
        "subject": "objet",
        "details": "objet\nsuite",
    }
    assert inline_values(Secret(), "Camille Exemple tchap") == {  # type: ignore[arg-type]
        "animator": "Camille Exemple",
        "contact_method": "tchap",
    }


def test_intro_says_who_will_receive_it(directory: Directory) -> None:
    categories = directory.registry.categories
    assert (
        "La personne qui suit ton équipe la recevra"
        in form_for(directory, categories["convention"]).intro
    )
    topic = form_for(directory, categories["question-administrative"]).intro
    assert "La personne référente du sujet « Marchés publics de la DINUM » la recevra" in topic
