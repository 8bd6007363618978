"""Request forms: fields per category, and what a submission must contain."""

from __future__ import annotations

import pytest

from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.requests.forms import form_for, read_submission
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
    assert errors["contact_method"].endswith("Tchap, message direct Mattermost, e-mail, un appel.")


# (what a person types for « comment te joindre ? », the method understood)
CONTACT_METHODS = [
    ("tchap", "tchap"),
    ("Tchap", "tchap"),
    ("tchapp", "tchap"),
    ("mail", "email"),
    ("e-mail", "email"),
    ("email", "email"),
    ("Courriel", "email"),
    ("par mail", "email"),
    ("téléphone", "appel"),
    ("telephone", "appel"),
    ("tél", "appel"),
    ("tel", "appel"),
    ("téléphnoe", "appel"),
    ("appel", "appel"),
    ("appeler", "appel"),
    ("un appel", "appel"),
    ("call", "appel"),
    ("visio", "appel"),
    ("coup de fil", "appel"),
    ("mattermost", "mattermost"),
    ("Mattermots", "mattermost"),
    ("mm", "mattermost"),
    ("message privé", "mattermost"),
    ("DM", "mattermost"),
    ("message direct Mattermost", "mattermost"),
]


@pytest.mark.parametrize(("typed", "method"), CONTACT_METHODS)
def test_contact_methods_by_their_usual_names(
    directory: Directory, typed: str, method: str
) -> None:
    draft = submit(directory, "mal-etre", {"animator": "Camille Exemple", "contact_method": typed})
    assert isinstance(draft, Draft), draft
    assert draft.contact_method == method


@pytest.mark.parametrize("typed", ["pigeon", "fax", "te", "télépathie"])
def test_an_unknown_contact_method_is_refused_with_the_list(
    directory: Directory, typed: str
) -> None:
    errors = submit(directory, "mal-etre", {"animator": "Camille Exemple", "contact_method": typed})
    assert isinstance(errors, dict) and set(errors) == {"contact_method"}
    assert "Tchap, message direct Mattermost, e-mail, un appel" in errors["contact_method"]


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


def test_intro_says_who_will_receive_it(directory: Directory) -> None:
    categories = directory.registry.categories
    assert (
        "La personne qui suit ton équipe la recevra"
        in form_for(directory, categories["convention"]).intro
    )
    topic = form_for(directory, categories["question-administrative"])
    assert (
        "La personne référente du sujet « Marchés publics de la DINUM » la recevra" in topic.intro
    )
    # Routed to the topic's referent, whatever the team: the form does not ask for one.
    assert [f.name for f in topic.fields] == ["subject", "details"]


def test_a_contact_method_close_to_one_is_asked_about(directory: Directory) -> None:
    errors = submit(
        directory, "mal-etre", {"animator": "Camille Exemple", "contact_method": "tcha"}
    )
    assert errors == {
        "contact_method": "Je ne comprends pas bien « `tcha` » : tu voulais dire « Tchap » ?"
    }
