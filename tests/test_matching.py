"""`qui` matching: table-driven cases on the shipped snapshot, then the tiers on a tiny index."""

from __future__ import annotations

import pytest

from bot.core.matching.directory import Directory
from bot.core.matching.matcher import Matcher
from bot.core.matching.names import Entity, Names

# (what a person types, the id of the only right answer)
FOUND = [
    ("Aides-territoires", "aides-territoires"),
    ("aides territoires", "aides-territoires"),
    ("AIDES TERRITOIRES", "aides-territoires"),
    ("aidesterritoires", "aides-territoires"),
    ("territoires aides", "aides-territoires"),  # word order
    ("aides-teritoires", "aides-territoires"),  # one slip
    ("l'équipe Aides-territoires ?", "aides-territoires"),
    ("qui est référent sur aides territoires", "aides-territoires"),
    # renamed teams: old names and old slugs still work
    ("Démarches simplifiées", "demarches-simplifiees.fr"),
    ("demarches-simplifiees.fr", "demarches-simplifiees.fr"),
    ("tps", "demarches-simplifiees.fr"),
    ("Démarche Numérique", "demarches-simplifiees.fr"),
    ("signalement", "signalement"),
    ("SignalConso", "signalement"),
    ("reva", "reva"),
    ("France VAE", "reva"),
    ("egalite.professionnelle", "egalite.professionnelle"),
    ("Egapro", "egalite.professionnelle"),
    ("place-des-entreprises", "conseillers-entreprises"),
    ("place des entreprises", "conseillers-entreprises"),
    ("homologation", "homologation"),
    ("MonServiceSécurisé", "homologation"),
    ("mon service securise", "homologation"),
    ("RNB", "bat-id"),
    ("pole emploi action", "mes-evenements-emploi"),
    # spacing, camel case, punctuation
    ("mon aide cyber", "mon-aide-cyber"),
    ("MonAideCyber", "mon-aide-cyber"),
    ("api geo", "api-geo"),
    ("le taxi", "le-taxi"),
    ("1000 jours", "1000.jours"),
    ("auxaj", "auxAJ"),
    ("e-inspe", "e-inspé"),
    ("donnees et territoires", "données-et-territoires"),
    # exact name beats a former id of another team
    ("Notifications", "notifications-v2"),
    ("Enviro'Gend", "enviro-gend"),
    ("envirogend", "envirogend"),
    # incubators: name, short name, id, owner's acronym
    ("anct", "anct"),
    ("ANCT", "anct"),
    ("incubateur des territoires", "anct"),
    ("l'incubateur de la justice", "justice"),
    ("kube", "kube"),
    ("sgmas", "sgmas"),
    ("fabrique des ministeres sociaux", "sgmas"),
    ("ruche numérique", "agriculture"),
    ("DGFiP", "fabrique-dgfip"),
    ("IGN", "fab-geocommuns"),
    ("ADEME", "ademe"),
    # topics and their aliases
    ("marchés publics", "marches-publics"),
    ("achats", "marches-publics"),
    ("aide transverse", "aide-transverse"),
    ("recrutement", "recrutement"),
]

# (query, ids that must all be offered)
AMBIGUOUS = [
    ("friches", {"recommandations-collaboratives", "urbanvitaliz"}),
    ("mes aid", {"mes-aides", "mes-aides-france-travail"}),
    ("la bonne", {"la-bonne-boite", "la-bonne-alternance"}),
    ("cour de cassation", set()),
    # a stopped team named exactly, live ones beginning the same way (docs/ux.md)
    ("Mes Aides", {"mes-aides", "mes-aides-france-travail"}),
    # only words that say what an incubator is
    ("la fabrique numérique", {"FabNum-MI", "sgmas", "mtes", "fabrique-dgfip"}),
    ("l'atelier numérique", {"culture"}),
]

UNKNOWN = [
    "Potager Malin",
    "Licorne Express",
    "Pôle Sud",
    "plancton",
    "Horizon Vert",
    "1 OR 1=1",
    "'; DROP TABLE startups; --",
    "@here 🔔",
    "@all",
    "<!channel>",
    "[clique](https://evil.example)",
    "\u202egnp.exe",
    "🙂🙃",
    "a" * 5000,
    "../../etc/passwd",
    "<script>alert(1)</script>",
    # Made-up names near real ones, in sentences (issue 12): never even a hedge.
    "numérique en commun",
    "itou",
    "qui suit potager malin ?",
    "l'incubateur de la lune",
    "la fabrique numérique des océans",
    "Forêt",  # a word of the missions, one slip from « FoReg »
    "Montagne",  # two from « Monstage »
    "Emploi",  # a word of several names and a topic's alias
    "Nomade",  # « Nomad », lengthened into a word
    "Bocage Direct",
    "Rucher",  # one slip from an incubator's alias, « ruche »
    "Mistral",  # one word of a team's name
    "Civique",
    "Étoile",
    "convention",
]


@pytest.mark.parametrize(("query", "expected"), FOUND)
def test_found(directory: Directory, query: str, expected: str) -> None:
    match = directory.matcher.lookup(query)
    assert match.status == "found", [(c.entity.id, c.score) for c in match.candidates]
    assert match.best is not None and match.best.entity.id == expected


@pytest.mark.parametrize(("query", "expected"), AMBIGUOUS)
def test_ambiguous(directory: Directory, query: str, expected: set[str]) -> None:
    match = directory.matcher.lookup(query)
    assert match.status == "ambiguous"
    assert len(match.candidates) >= 2
    assert expected <= {c.entity.id for c in match.candidates}
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", UNKNOWN)
def test_never_a_confident_answer_to_unknown_or_hostile(directory: Directory, query: str) -> None:
    assert directory.matcher.lookup(query).status in ("unknown", "ambiguous", "empty")


@pytest.mark.parametrize("query", ["", "   ", "?", "qui", "l'équipe", "\x00", "\u200b\u202e"])
def test_nothing_to_look_for(directory: Directory, query: str) -> None:
    assert directory.matcher.lookup(query).status == "empty"


def test_former_name_is_reported(directory: Directory) -> None:
    best = directory.matcher.lookup("tps").best
    assert best is not None and best.kind == "former" and best.matched == "tps"


def _tiny() -> Matcher:
    return Matcher(
        [
            Names(
                Entity("startup", "alpha", "Alpha Beta Gamma"), ids=("alpha",), former=("old-name",)
            ),
            Names(Entity("startup", "delta", "Delta"), ids=("delta",), former=("gamma ray",)),
            Names(Entity("startup", "zae", "Inventaire ZAE"), ids=("zae",)),
            Names(
                Entity("startup", "rnz", "Référentiel National des Zones"),
                ids=("rnz",),
                mentions=("Les ZONES (ZNA) du pays",),
            ),
            Names(
                Entity("incubator", "inc", "Le Grand Incubateur"), ids=("inc",), acronyms=("GIX",)
            ),
        ]
    )


def test_tier_exact_name_beats_fuzzy() -> None:
    match = _tiny().lookup("alpha beta gamma")
    assert match.status == "found" and match.best and match.best.entity.id == "alpha"


def test_acronym_in_name_matches_in_any_case() -> None:
    for query in ("ZAE", "zae"):
        best = _tiny().lookup(query).best
        assert best is not None and best.entity.id == "zae"


def test_initials_and_mission_acronyms_need_capitals() -> None:
    matcher = _tiny()
    assert matcher.lookup("RNZ").best is not None  # id, any case
    assert matcher.lookup("ZNA").status == "found"
    assert matcher.lookup("zna").status != "found"


def test_owner_acronym() -> None:
    match = _tiny().lookup("gix")
    assert match.status == "found" and match.best and match.best.kind == "acronym"


def test_partial_words_of_one_name_answer() -> None:
    match = _tiny().lookup("alph gamm")
    assert match.status == "found" and match.best and match.best.entity.id == "alpha"


def test_single_partial_word_is_only_a_choice() -> None:
    assert _tiny().lookup("gamm").status != "found"


def test_candidate_index_finds_typos_in_long_and_short_names() -> None:
    from bot.core.matching.candidates import CandidateIndex, deletions

    keys = ["signauxfaibles", "signaturepro", "metiis", "metis", "zen", "toutautre"]
    index = CandidateIndex(keys)
    assert index.candidates("signuaxraibles")[0] == 0
    assert {2, 3} <= set(index.candidates("mteiis"))  # two slips in a short name
    assert 5 not in index.candidates("mteiis")[:2]
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
    assert deletions("abcd") == {
        *("abcd", "bcd", "acd", "abd", "abc"),
        *("cd", "bd", "bc", "ad", "ac", "ab"),
    }
