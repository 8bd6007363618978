"""Cold load of a registry ten times today's size, as `serve` and a reload do it.

    python bench/registry_load.py [--scale 10] [--runs 5] [--profile FILE]

Generates, in a temporary folder, a registry `--scale` times the shipped one (people,
teams, incubators, topics, categories, commitments) and a beta.gouv.fr snapshot scaled
alike so that every team and incubator it names exists, checks that it validates, then
times `RegistryHolder.load()` on a new holder each run: reading, checking the bytes,
YAML, schema, consistency, the snapshot's JSON, the search index (`Directory.of`) and
the garbage collector's settling. Prints the median and the max, and each step's share.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.clock import SystemClock
from bot.core.matching.directory import Directory
from bot.core.registry.catalog import load_catalog
from bot.core.registry.model import build_registry, load_registry, read_registry_text
from bot.core.text import fold
from bot.service.reloader import RegistryHolder

TARGET_SECONDS = 2.0


def copy_id(ident: str, copy: int) -> str:
    return ident if copy == 0 else f"{ident}-{copy}"


def scaled_snapshot(source: Path, target: Path, scale: int, rng: random.Random) -> None:
    """`scale` copies of every startup and incubator; the copies get new ids and names made
    of the words of real names, in the copies of their incubators."""
    startups = json.loads((source / "startups.json").read_text(encoding="utf-8"))
    incubators = json.loads((source / "incubators.json").read_text(encoding="utf-8"))
    words = sorted({w for s in startups for w in s["name"].split() if len(w) > 2})

    def name(original: str, copy: int) -> str:
        return original if copy == 0 else " ".join(rng.sample(words, rng.randint(2, 4)))

    out_startups = [
        {
            **s,
            "id": copy_id(s["id"], copy),
            "name": name(s["name"], copy),
            "incubator": copy_id(s["incubator"], copy),
            "other_incubators": [copy_id(i, copy) for i in s.get("other_incubators", [])],
            "former_ids": [copy_id(i, copy) for i in s.get("former_ids", [])],
        }
        for copy in range(scale)
        for s in startups
    ]
    out_incubators = [
        {**i, "id": copy_id(i["id"], copy), "name": f"{i['name']} {copy}" if copy else i["name"]}
        for copy in range(scale)
        for i in incubators
    ]
    target.mkdir(parents=True)
    for file, records in (("startups.json", out_startups), ("incubators.json", out_incubators)):
        (target / file).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    source_info = json.loads((source / "source.json").read_text(encoding="utf-8"))
    source_info |= {"startups": len(out_startups), "incubators": len(out_incubators)}
    (target / "source.json").write_text(json.dumps(source_info), encoding="utf-8")


def _person(a: dict[str, Any], copy: int) -> dict[str, Any]:
    person = {**a, "id": copy_id(a["id"], copy), "name": f"{a['name']} {copy}".strip()}
    if copy:
        person["name"] = f"{a['name']} {copy}"
        if "mattermost" in a:
            person["mattermost"] = f"{a['mattermost']}{copy}"
        if "tchap" in a:
            local, server = a["tchap"].split(":", 1)
            person["tchap"] = f"{local}{copy}:{server}"
        if "email" in a:
            user, domain = a["email"].split("@")
            person["email"] = f"{user}{copy}@{domain}"
    if "backup" in a:
        person["backup"] = copy_id(a["backup"], copy)
    return person


def scaled_registry(source: Path, scale: int) -> str:
    """`scale` copies of every section, each copy naming the copies of its people,
    incubators and topics, so that the whole validates."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))

    def aliases(item: dict[str, Any], copy: int) -> dict[str, Any]:
        if "aliases" in item and copy:
            return {**item, "aliases": [f"{alias} {copy}" for alias in item["aliases"]]}
        return item

    def referents(item: dict[str, Any], copy: int) -> dict[str, Any]:
        return {**aliases(item, copy), "referents": [copy_id(r, copy) for r in item["referents"]]}

    def each(section: str, make: Callable[[dict[str, Any], int], dict[str, Any]]) -> list[Any]:
        return [make(item, copy) for copy in range(scale) for item in data[section]]

    items = data["commitments"]["items"]
    out = {
        **data,
        "commitments": {**data["commitments"], "items": items * scale},
        "animators": each("animators", _person),
        "teams": each(
            "teams", lambda t, c: {**referents(t, c), "startup": copy_id(t["startup"], c)}
        ),
        "incubators": each(
            "incubators", lambda i, c: {**referents(i, c), "incubator": copy_id(i["incubator"], c)}
        ),
        "topics": each(
            "topics",
            lambda t, c: {**referents(t, c), "id": copy_id(t["id"], c), "name": f"{t['name']} {c}"},
        ),
        "categories": each("categories", _category),
    }
    header = "".join(
        line + "\n" for line in source.read_text().splitlines() if line.startswith("#")
    )
    text = yaml.dump(out, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=100)
    return header + text


class _Plain(yaml.SafeDumper):
    """Every value written in full: the registry refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _category(c: dict[str, Any], copy: int) -> dict[str, Any]:
    """A copy whose words are its own: a word leads to one category only."""
    if not copy:
        return c
    label = f"{c['label'].replace(',', ' ').replace(' ou ', ' ')} {copy}"
    category = {**c, "id": copy_id(c["id"], copy), "label": label}
    if "keywords" in c:
        category["keywords"] = [f"{word} {copy}" for word in c["keywords"]]
    if "topic" in c:
        category["topic"] = copy_id(c["topic"], copy)
    return category


Timing = tuple[float, float]  # wall, CPU (the process's own: the machine is shared)


def timed(step: Callable[[], Any]) -> tuple[Any, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, (time.perf_counter() - wall, time.process_time() - cpu)


def measure(registry: Path, catalog: Path, runs: int) -> float:
    """Each run on a new holder. Cold: the cache of folded names emptied first, as in a new
    process. Reload: that cache left full, as when the same names are read again. Then the
    two steps alone, cold, with the garbage collector paused as the holder does."""
    rows: dict[str, list[Timing]] = {
        "cold `RegistryHolder.load()`": [],
        "reload `RegistryHolder.load()`": [],
        "cold read and check (`load_registry`)": [],
        "cold index (`Directory.of`)": [],
    }
    cold, reload, check, index = rows.values()
    today = SystemClock().today()
    for _ in range(runs):
        for warm in (False, True):
            if not warm:
                fold.cache_clear()
            holder = RegistryHolder(
                registry_path=registry, catalog_dir=catalog, clock=SystemClock()
            )
            (reload if warm else cold).append(timed(holder.load)[1])
            del holder
        fold.cache_clear()
        gc.disable()
        built, spent = timed(lambda: load_registry(registry, catalog_dir=catalog, today=today))
        check.append(spent)
        index.append(timed(partial(Directory.of, built))[1])
        gc.enable()
    for label, values in rows.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(
            f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} | "
            f"{statistics.median(cpus):.3f} |"
        )
    return max(w for w, _ in cold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write a cProfile of one load here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        catalog = folder / "betagouv"
        scaled_snapshot(ROOT / "data/betagouv", catalog, args.scale, random.Random(11))
        registry = folder / "referents.yaml"
        registry.write_text(scaled_registry(ROOT / "data/referents.yaml", args.scale), "utf-8")
        built = build_registry(
            read_registry_text(registry),
            catalog=load_catalog(catalog),
            today=date.today(),
            path=registry,
        )  # raises if the generated registry does not validate

        data = built.data
        print(
            f"Registry ×{args.scale}: {registry.stat().st_size / 1024:.0f} KiB, "
            f"{len(data.animators)} people, {len(data.teams)} teams, "
            f"{len(data.incubators)} incubators, {len(data.topics)} topics, "
            f"{len(data.categories)} categories; snapshot: {len(built.catalog.startups):,} "
            f"startups, {len(built.catalog.incubators)} incubators.\n"
        )
        print(f"Load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print(f"| {args.runs} runs | median s | max s | CPU median s |")
        print("| --- | --- | --- | --- |")
        worst = measure(registry, catalog, args.runs)
        print(f"\nLoad average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        verdict = "met" if worst < TARGET_SECONDS else "NOT met"
        print(f"\nTarget: a cold load under {TARGET_SECONDS:.0f} s, every run: {verdict}.")
        if args.profile:
            holder = RegistryHolder(
                registry_path=registry, catalog_dir=catalog, clock=SystemClock()
            )
            cProfile.runctx("holder.load()", globals(), {"holder": holder}, str(args.profile))
            print(f"Profile of one load: {args.profile}")


if __name__ == "__main__":
    main()
