"""Quality of `/animation qui` matching on generated queries, by kind.

Generates queries from the shipped snapshot the way people mistype names
(case, accents, AZERTY typos, partial words, extra words, acronyms, spacing),
plus made-up and hostile names that must never get a confident answer, and
prints top-1 accuracy per kind. Also scores `sample-queries.json` when the
shared folder is there.

Also reads the sentences written by hand in `bench/qui_sentences.py` (politeness,
questions, roles, verbs, talk about one's team, incubators, former names, typos,
acronyms, co-animators, distress, names that do not exist, hostile input), through
the whole reading of a query (`Directory.read`). `bench/matching_report.py` says
what each column counts.

    python bench/matching_quality.py [--seed 7] [--per-kind 300] [--show]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.matching_report import report
from bench.qui_sentences import SENTENCES
from bot.core.matching.directory import Directory
from bot.core.registry.model import load_registry
from bot.core.text import fold

ROWS = ["azertyuiop", "qsdfghjklm", "wxcvbn"]
FILLERS = [
    "l'équipe {}",
    "startup {} ?",
    "qui est référent sur {}",
    "qui suit {} ?",
    "{} ?",
    "c'est qui pour {}",
    "la startup {}",
    "référente {}",
    "qui s'occupe de {}",
]
UNKNOWN_WORDS = """
    potager malin licorne express pôle sud atelier boussole-bleue vigie marée colibri
    archipel horizon phare sentinelle tremplin-vert passerelle rucher ardoise
    mosaïque cap-nord étoile lumière alizé renard canopée galet cristal ancre relais
    sillon orée ondine volute prisme hélice bocage garrigue azur boréal castor
    citadelle dauphin écureuil falaise girafe hérisson iris jardin kiosque lagune
    mistral nuage olivier papillon quai rivière saule tilleul univers verger
    wagon zèbre balise boussole clairière digue escale fanal grenier halte
    îlot jonquille lanterne moulin nomade oasis pivot radar signal tandem vigne
    simple rapide facile direct public civique local social durable ouvert
    numérique citoyen solidaire partagé express plus connect pro agent mairie
    santé école emploi logement transport énergie climat eau forêt mer montagne
""".split()
HOSTILE = [
    "",
    "   ",
    "1 OR 1=1",
    "'; DROP TABLE startups; --",
    "@here 🔔",
    "@all",
    "<!channel>",
    "[clique](https://evil.example)",
    "\u202egnp.exe",
    "\x00\x00",
    "🙂🙃",
    "a" * 5000,
    "```",
    "**",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "null",
    "None",
    "?",
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def neighbours(char: str) -> list[str]:
    for row_index, row in enumerate(ROWS):
        col = row.find(char)
        if col < 0:
            continue
        found = [row[i] for i in (col - 1, col + 1) if 0 <= i < len(row)]
        for other in (row_index - 1, row_index + 1):
            if 0 <= other < len(ROWS) and col < len(ROWS[other]):
                found.append(ROWS[other][col])
        return found
    return []


def typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 2:
        return text
    i = rng.choice(letters)
    action = rng.choice(["delete", "swap", "replace"])
    if action == "delete":
        return text[:i] + text[i + 1 :]
    if action == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    options = neighbours(text[i])
    return text[:i] + rng.choice(options) + text[i + 1 :] if options else text


def partial(name: str, rng: random.Random) -> str | None:
    words = [w for w in re.split(r"[\s'’\-]+", strip_accents(name).lower()) if len(w) > 3]
    if len(words) < 3:
        return None
    chosen = sorted(rng.sample(range(len(words)), k=rng.randint(2, min(3, len(words) - 1))))
    return " ".join(words[i][: rng.randint(4, len(words[i]))] for i in chosen)


def hyphen_space(name: str, rng: random.Random) -> str | None:
    if " " in name:
        return name.replace(" ", rng.choice(["", "-", "."]))
    if "-" in name or "." in name:
        return re.sub(r"[-.]", " ", name)
    return None


def generate(
    directory: Directory, rng: random.Random, per_kind: int
) -> list[tuple[str, str, object]]:
    catalog = directory.registry.catalog
    items = [(s.id, s.name) for s in catalog.startups.values()]
    items += [(i.id, i.name) for i in catalog.incubators.values()]
    queries: list[tuple[str, str, object]] = []
    for _ in range(per_kind):
        ident, name = rng.choice(items)
        plain = strip_accents(name).lower()
        queries.append(("exact", name, ident))
        queries.append(("no-accent", strip_accents(name), ident))
        queries.append(("case", rng.choice([name.upper(), name.lower()]), ident))
        queries.append(("typo1", typo(plain, rng), ident))
        queries.append(("typo2", typo(typo(plain, rng), rng), ident))
        queries.append(("extra-words", rng.choice(FILLERS).format(name), ident))
        hs = hyphen_space(name, rng)
        if hs:
            queries.append(("hyphen-space", hs, ident))
        pw = partial(name, rng)
        if pw:
            queries.append(("partial-word", pw, ident))
        words = rng.sample(UNKNOWN_WORDS, k=rng.randint(1, 3))
        made_up = " ".join(words).title()
        if _names(directory, made_up):
            queries.append(("unknown", made_up, None))
    queries += [("hostile", text, None) for text in HOSTILE]
    return queries


def _names(directory: Directory, text: str) -> bool:
    """True unless `text` is, folded, the exact name or id of a real team."""
    return not directory.matcher._exact(fold(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--show", action="store_true", help="print every query not answered right")
    args = parser.parse_args()
    registry = load_registry(
        ROOT / "data/referents.yaml", catalog_dir=ROOT / "data/betagouv", today=date.today()
    )
    directory = Directory.of(registry)
    samples = ROOT.parent / "shared/data/sample-queries.json"
    if samples.exists():
        rows = [(q["kind"], q["query"], q["expected"]) for q in json.loads(samples.read_text())]
        report(f"sample-queries.json ({len(rows)} queries)", rows, directory, show=args.show)
    report(
        f"sentences written by hand (bench/qui_sentences.py, {len(SENTENCES)})",
        list(SENTENCES),
        directory,
        show=args.show,
    )
    rows = generate(directory, random.Random(args.seed), args.per_kind)
    report(f"generated, seed {args.seed}", rows, directory, show=args.show)


if __name__ == "__main__":
    main()
