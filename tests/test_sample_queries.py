"""The developers' sample queries (../shared/data/sample-queries.json): quality bar."""

from __future__ import annotations

import json

from bot.core.matching.directory import Directory
from tests.conftest import shared_file


def test_sample_queries_top1_and_no_confident_unknown(directory: Directory) -> None:
    queries = json.loads(shared_file("data/sample-queries.json").read_text(encoding="utf-8"))
    known = [q for q in queries if q["expected"] is not None]
    unknown = [q for q in queries if q["expected"] is None]
    right = 0
    for query in known:
        match = directory.matcher.lookup(query["query"])
        wanted = query["expected"] if isinstance(query["expected"], list) else [query["expected"]]
        right += bool(match.candidates) and match.candidates[0].entity.id in wanted
    confident_unknown = [
        q["query"] for q in unknown if directory.matcher.lookup(q["query"]).status == "found"
    ]
    assert right / len(known) >= 0.97, f"top-1 {right}/{len(known)}"
    assert confident_unknown == []
