"""Every `qui` example of issue 12, as a table: what people typed, and what the answer must
(and must not) say. Through the whole command, as a Mattermost user reads it."""

from __future__ import annotations

import pytest

from bot.core.matching.directory import Directory
from tests.test_commands import ask

DOMIFA = "L'équipe **DomiFa** est suivie par"
HEDGE = "Je pense que tu parles de"
CARE = "Tu peux en parler en toute confidentialité"
SEVERAL = "Plusieurs noms correspondent"
NOTHING = "Je ne trouve ni équipe, ni incubateur, ni sujet"

# (typed after /animation, fragments the answer must hold, fragments it must not)
EXAMPLES: list[tuple[str, list[str], list[str]]] = [
    # One good name: answered, with a hedge when not sure; never « Plusieurs noms » alone.
    ("qui fabnum", [HEDGE, "**La Fabrique Numérique du Ministère de l'Intérieur**"], [SEVERAL]),
    ("qui écologie", [HEDGE, "**La Fabrique Numérique de l'Ecologie (MTE)**"], [SEVERAL]),
    ("qui domifaa", [HEDGE, DOMIFA], [SEVERAL]),
    ("qui domifa pls", [DOMIFA], [SEVERAL, HEDGE]),
    ("qui ma startup c'est domifa", [DOMIFA], [SEVERAL, HEDGE]),
    # One weak name: the closest names, not a guess; a kind of request, the way to make it.
    ("qui itou", [NOTHING, "Noms proches : Pitchou"], [SEVERAL, HEDGE]),
    ("qui convention", [NOTHING, "`/animation demande convention`"], [SEVERAL, HEDGE]),
    # Sentences around an exact name.
    ("qui domifa s'il te plaît", [DOMIFA], [HEDGE]),
    ("qui domifa s'il vous plaît", [DOMIFA], [HEDGE]),
    ("qui est en charge de domifa", [DOMIFA], [HEDGE]),
    ("qui gère domifa", [DOMIFA], [HEDGE]),
    ("qui peux-tu me dire qui suit domifa", [DOMIFA], [HEDGE]),
    ("qui le ou la référent(e) de domifa", [DOMIFA], [HEDGE]),
    ("qui siut domifa", [DOMIFA], [HEDGE]),  # a slip in the words around
    # Without `qui`: a `qui` all the same.
    ("domifa", [DOMIFA], ["Je ne connais pas la commande"]),
    (
        "c'est qui le référent de la fabrique numérique des ministères sociaux",
        ["L'incubateur **Fabrique numérique des ministères sociaux** est suivi par"],
        ["Je ne connais pas la commande", "tu voulais dire"],
    ),
    ("mes demandes", ["Tu n'as pas encore fait de demande"], ["Je ne connais pas"]),
    # Someone not well: warm words and the confidential request, never a team's name.
    ("qui je me sens mal", [CARE, "🔒", "`/animation demande mal-être`"], ["Sorties en mer"]),
    ("qui mal-être", [CARE, "`/animation demande mal-être`"], ["Maestro", "Astrée"]),
    ("qui harcèlement", [CARE, "`/animation demande manquement`"], ["Lutte contre"]),
    ("je me sens mal", [CARE], ["Je ne connais pas la commande"]),
    # Confident wrong picks, no more.
    ("qui ANSSI", ["L'incubateur **Le laboratoire d'innovation de l'ANSSI**"], [SEVERAL]),
    ("qui la fabrique numérique de la justice", ["**L'Incubateur de la Justice**"], ["Ecologie"]),
    ("qui numérique en commun", [], ["est suivie par", HEDGE, "Cour de cassation"]),
    ("qui pôle emploi", ["**L'Incubateur de France travail**"], ["événements"]),
    ("qui agent connect", ["L'équipe **ProConnect**", "anciennement « AgentConnect »"], []),
    ("qui l'incubatuer de la justice", ["**L'Incubateur de la Justice** est suivi"], [SEVERAL]),
    ("qui incubateru des territoires", ["**L'Incubateur des Territoires (ANCT)**"], [SEVERAL]),
    ("qui marché public", ["Le sujet **Marchés publics de la DINUM**"], ["Simplifiés"]),
    # Found by a fresh-eyes review of the answers (571 queries).
    ("je veux mourir", ["**3114**", CARE], ["Je ne connais pas"]),
    ("j'ai des idées noires", ["**3114**", CARE], []),
    ("je suis pas bien", [CARE], ["**3114**", "Je ne connais pas"]),
    ("besoin de parler à quelqu'un", [CARE], ["Je ne connais pas"]),
    ("je veux signaler un manquement", [CARE, "`/animation demande manquement`"], []),
    ("mon product owner me parle mal", [CARE], ["tu voulais dire"]),
    (
        "demande soutien domifa : je suis en burn out, mon PO me harcèle",
        ["Rien n'est envoyé", "🔒 `/animation demande mal-être`"],
        ["est enregistrée"],
    ),
    ("qui beta.gouv.fr", ["Dis-moi quelle équipe"], ["data.gouv.fr"]),
    ("qui :smile:", ["Dis-moi quelle équipe"], ["EMILE"]),
    ("qui suit mon équipe", ["Dis-moi quelle équipe"], ["Mon Récap"]),
    ("slt qui suit domifa", [DOMIFA], []),
    ("c ki le ref de domifa", [DOMIFA], []),
    ("Hello, who's in charge of domifa?", [DOMIFA], []),
    ("j'ai une question sur un marché public, qui contacter ?", ["**Marchés publics"], []),
    (
        "qui mes aides",
        [SEVERAL, "Mes Aides Réno", "Mes Aides (équipe, arrêtée)", "Rien de tout ça ?"],
        [DOMIFA],
    ),
    ("qui fabrique numérique", [SEVERAL, "Finances publiques (incubateur)"], ["LaSuite"]),
    ("qui camile", ["@camille.exemple (Camille Exemple) suit :"], [SEVERAL]),
    ("qui remplace camille", ["En son absence : @dominique.exemple."], [NOTHING]),
    # What a co-animator follows, and who replaces them.
    ("qui camille", ["@camille.exemple (Camille Exemple) suit :", "En son absence"], [NOTHING]),
    ("qui suit @camille.exemple", ["- équipes : Démarche Numérique", "- incubateurs :"], []),
]


@pytest.mark.parametrize(("typed", "wanted", "unwanted"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_issue_examples(
    directory: Directory, typed: str, wanted: list[str], unwanted: list[str]
) -> None:
    text = ask(directory, typed).text
    for fragment in wanted:
        assert fragment in text, text
    for fragment in unwanted:
        assert fragment not in text, text


def test_stopped_teams_come_after_live_ones_in_a_choice(directory: Directory) -> None:
    """« la bonne »: La Bonne Boite (live) before La Bonne Formation (stopped)."""
    text = ask(directory, "qui la bonne").text
    assert SEVERAL in text
    assert text.index("La Bonne Boite") < text.index("La Bonne Formation (équipe, arrêtée)")


def test_on_recrute_names_the_live_topic_first(directory: Directory) -> None:
    text = ask(directory, "qui on recrute ?").text
    assert "Noms proches : Recrutement et postes ouverts" in text


def test_distress_is_private_and_names_no_team(directory: Directory) -> None:
    reply = ask(directory, "qui harcèlement --partager")
    assert reply.visibility == "private"
    assert reply.data["distress"] is True


def test_the_exact_name_of_a_team_is_pointed_to_after_the_warm_words(
    directory: Directory,
) -> None:
    text = ask(directory, "qui lutte contre le harcèlement en milieu scolaire").text
    assert text.startswith("Merci de me l'écrire.")
    assert text.splitlines()[-1].startswith(
        "Si tu cherchais **Lutte contre le harcèlement en milieu scolaire**"
    )


def test_a_form_takes_the_one_good_name(directory: Directory) -> None:
    from bot.core.requests.forms import read_submission
    from bot.core.requests.model import Draft
    from tests.test_commands import ALICE

    category = directory.registry.categories["convention"]
    draft = read_submission(
        directory, category, {"team": "domifaa", "subject": "x"}, requester=ALICE, nonce="n"
    )
    assert isinstance(draft, Draft) and draft.team is not None and draft.team.id == "domifa"
