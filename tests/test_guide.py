"""A request asked one question at a time (Tchap has no forms), as a transcript: what the
person answers, what the bot then asks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.answers.guide import Guide, Step, answer, start
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from tests.fakes import FakeClock, MemoryRequestStore

ZOE = Account("matrix", "@zoe:tchap.example", "@zoe:tchap.example")


@pytest.fixture
def store() -> MemoryRequestStore:
    return MemoryRequestStore()


@pytest.fixture
def desk(store: MemoryRequestStore, clock: FakeClock) -> Desk:
    return Desk(store, store, clock, ("mattermost", "matrix"))


def talk(directory: Directory, desk: Desk, clock: FakeClock, answers: list[str]) -> list[Step]:
    """The conversation from its start, one step per answer."""
    steps = [start(directory, None, nonce="n1", now=clock.now())]
    for typed in answers:
        guide = steps[-1].guide
        assert guide is not None, f"the conversation ended before « {typed} »"
        steps.append(answer(directory, guide, typed, who=ZOE, desk=desk))
    return steps


def test_a_request_from_the_first_question_to_envoyer(
    directory: Directory, desk: Desk, store: MemoryRequestStore, clock: FakeClock
) -> None:
    steps = talk(
        directory,
        desk,
        clock,
        ["1", "plancton", "domifa", "La convention est bloquée", "passer", "peut-être", "envoyer"],
    )
    said = [step.text for step in steps]
    assert said[0].startswith(
        "Quel est le sujet de ta demande ? Réponds par le numéro ou par son nom :\n1. "
    )
    assert "🔒 Je me sens mal dans mon équipe" in said[0]
    assert "Quelle est ton équipe, ou ton incubateur ?" in said[1]
    assert said[2].startswith("Je ne trouve pas cette équipe sur beta.gouv.fr.")
    assert said[2].endswith("Quelle est ton équipe, ou ton incubateur ?")
    assert said[3] == "En quelques mots, quel est l'objet de ta demande ?"
    assert said[4].startswith("Des détails qui aideront")
    assert "- Équipe ou incubateur : « `domifa` »" in said[5]
    assert "- Détails : aucun" in said[5] and said[5].endswith("ou « annuler ».")
    assert said[6].startswith("Réponds « envoyer » pour l'envoyer")  # « peut-être » is no yes
    assert said[7].startswith("Ta demande n° 1 est enregistrée et envoyée à ")
    assert (steps[-1].guide, steps[-1].submitted) == (None, 1)
    request = store.get(1)
    assert request is not None and (request.team_id, request.subject) == (
        "domifa",
        "La convention est bloquée",
    )
    assert request.requester == ZOE


def test_envoyer_twice_is_one_request(
    directory: Directory, desk: Desk, store: MemoryRequestStore, clock: FakeClock
) -> None:
    steps = talk(directory, desk, clock, ["convention", "domifa", "objet", "passer"])
    summary = steps[-1].guide
    assert summary is not None
    first = answer(directory, summary, "envoyer", who=ZOE, desk=desk)
    again = answer(directory, summary, "envoyer", who=ZOE, desk=desk)  # delivered twice
    assert first.submitted == again.submitted == 1 and len(store.requests) == 1


def test_annuler_at_any_time(directory: Directory, desk: Desk, clock: FakeClock) -> None:
    for answers in (["annuler"], ["1", "Annuler"], ["1", "domifa", "objet", "passer", "ANNULER"]):
        last = talk(directory, desk, clock, answers)[-1]
        assert (last.text, last.guide) == ("C'est annulé : rien n'a été envoyé.", None)


def test_a_confidential_request_asks_only_who_and_how(
    directory: Directory, desk: Desk, store: MemoryRequestStore, clock: FakeClock
) -> None:
    steps = talk(directory, desk, clock, ["je me sens mal", "2", "1", "envoyer"])
    said = [step.text for step in steps]
    assert "Seule la personne que tu choisis sera prévenue" in said[1]
    assert "1. Camille Exemple\n2. Dominique Exemple" in said[1]
    assert said[2].startswith("Comment veux-tu qu'on te joigne ?\n1. Tchap")
    assert "- Personne choisie : « `Dominique Exemple` »" in said[3]
    assert said[4].startswith("🔒 C'est noté (n° 1)")
    request = store.get(1)
    assert request is not None and request.confidential
    assert (request.assignees, request.contact_method) == (("dominique-exemple",), "tchap")
    assert (request.subject, request.details) == ("", "")


def test_a_number_out_of_range_or_an_unknown_word_asks_again(
    directory: Directory, desk: Desk, clock: FakeClock
) -> None:
    for typed in ("0", "42", "cosmonaute"):
        step = talk(directory, desk, clock, [typed])[-1]
        assert step.text.startswith("Je n'ai pas compris : réponds par un numéro de 1 à 6")
        assert step.guide is not None and step.guide.category is None


def test_the_conversation_survives_as_json_and_expires(clock: FakeClock) -> None:
    guide = Guide("convention", 2, (("team", "domifa"), ("subject", "x")), "n1", clock.now())
    assert Guide.from_json(guide.to_json()) == guide
    assert not guide.expired(clock.now() + timedelta(hours=23))
    assert guide.expired(clock.now() + timedelta(days=1, seconds=1))


def test_a_registry_changed_during_the_conversation_is_followed(
    directory: Directory, desk: Desk, clock: FakeClock
) -> None:
    """Answers the category no longer asks are dropped, a new question is asked, and a
    category gone is chosen again: never an error."""
    category = next(c for c in directory.registry.categories.values() if len(c.fields) >= 3)
    first, second = category.fields[0], category.fields[1]
    stale = Guide(category.id, 9, (("gone", "x"), (second, "plus tard")), "n2", clock.now())
    step = answer(directory, stale, "annuler pas", who=ZOE, desk=desk)
    assert step.guide is not None
    assert dict(step.guide.values).keys() <= {first, second}  # « gone » dropped
    assert "gone" not in step.text and "Voici ta demande" not in step.text
    removed = Guide("une-categorie-retiree", 1, (("team", "domifa"),), "n3", clock.now())
    again = answer(directory, removed, "domifa", who=ZOE, desk=desk)
    assert again.text.startswith("Ce type de demande n'existe plus.")
    assert again.guide is not None and again.guide.category is None


# (how the type is answered, the type's first question): by number or by the words of `demande`.
TYPES = [
    ("1", "Quelle est ton équipe, ou ton incubateur ?"),
    ("devis", "Quelle est ton équipe, ou ton incubateur ?"),
    ("Bon de commande", "Quelle est ton équipe, ou ton incubateur ?"),
    ("conventon", "Quelle est ton équipe, ou ton incubateur ?"),
    ("question", "En quelques mots, quel est l'objet de ta demande ?"),
    ("marché public", "En quelques mots, quel est l'objet de ta demande ?"),
    ("harcèlement", "À qui veux-tu parler ?"),
    ("signaler un manquement", "À qui veux-tu parler ?"),
]


@pytest.mark.parametrize(("typed", "asked"), TYPES)
def test_the_type_by_number_or_by_its_words(
    directory: Directory, desk: Desk, clock: FakeClock, typed: str, asked: str
) -> None:
    step = talk(directory, desk, clock, [typed])[-1]
    assert step.guide is not None and step.guide.category is not None
    assert asked in step.text


def test_two_types_named_are_asked_and_numbered_among_themselves(
    directory: Directory, desk: Desk, clock: FakeClock
) -> None:
    steps = talk(directory, desk, clock, ["une question sur ma convention", "2"])
    assert steps[1].text.startswith("Ta demande peut être de plusieurs types :")
    assert "1. Question administrative ou marché public\n2. Convention, devis" in steps[1].text
    assert steps[2].guide is not None and steps[2].guide.category == "convention"
    narrowed = steps[1].guide
    assert narrowed is not None and Guide.from_json(narrowed.to_json()) == narrowed


def test_a_conversation_started_among_a_few_types(
    directory: Directory, desk: Desk, clock: FakeClock
) -> None:
    categories = directory.registry.categories
    among = (categories["convention"], categories["soutien-dinum"])
    step = start(directory, None, nonce="n", now=clock.now(), among=among)
    assert "1. Convention, devis, service fait\n2. Soutien de la DINUM\n" in step.text
    assert step.guide is not None
    chosen = answer(directory, step.guide, "2", who=ZOE, desk=desk)
    assert chosen.guide is not None and chosen.guide.category == "soutien-dinum"
    every = tuple(categories.values())
    everything = start(directory, None, nonce="n", now=clock.now(), among=every)
    assert everything.text.startswith("Quel est le sujet de ta demande ?")
