"""Registry tooling: GitHub annotations, the coverage report, the workflow that runs them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.tools.coverage import coverage, markdown, text
from tests.conftest import ROOT
from tests.live import run_cli
from tests.registries import BASE, edit

TODAY = date(2026, 11, 29)


@pytest.mark.slow
def test_github_annotations_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "referents.yaml"
    bad.write_text(edit({12: "    nmae: Camille", 31: "    label: no"}), encoding="utf-8")
    result = run_cli(["validate", "--format", "github", str(bad)], workdir=tmp_path, env={})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"::error file={bad},line=12,title=Registre::"
        "animators › camille : clé inconnue « nmae » (tu voulais dire « name » ?)"
    )
    assert lines[1].startswith(
        f"::error file={bad},line=31,title=Registre::"
        "categories › convention › label : « no » est lu"
    )


def test_annotation_escapes_newlines_and_percent() -> None:
    from bot.cli.tools import github_annotations
    from bot.core.registry.model import RegistryError
    from bot.core.registry.yamlsafe import Problem

    error = RegistryError(Path("a:b,c.yaml"), [Problem(3, "100% faux\nligne")])
    assert github_annotations(error) == [
        "::error file=a%3Ab%2Cc.yaml,line=3,title=Registre::100%25 faux%0Aligne"
    ]


def test_stopped_team_is_reported(catalog: Catalog) -> None:
    from bot.core.registry.validation import validate_text

    stopped = next(s.id for s in catalog.startups.values() if s.phase == "abandon")
    _, problems = validate_text(edit({19: f"  - startup: {stopped}"}), catalog=catalog, today=TODAY)
    assert any(p.line == 19 and "est arrêtée sur beta.gouv.fr" in p.message for p in problems)


def registry(catalog: Catalog, changes: dict[int, str | None] | None = None) -> Registry:
    return build_registry(
        edit(changes) if changes else BASE, catalog=catalog, today=TODAY, path=Path("t")
    )


def test_coverage_counts_and_gaps(catalog: Catalog) -> None:
    report = coverage(
        registry(
            catalog, {13: "    mattermost: camille.exemple\n    absent_until: 2026-12-24", 14: None}
        ),
        today=TODAY,
    )
    camille, dominique = report.animators
    assert camille.teams == ["Aides-territoires"] and camille.topics == ["Marchés publics"]
    assert dominique.incubators == ["L'Incubateur des Territoires (ANCT)"]
    anct_active = sum(
        1
        for s in catalog.startups.values()
        if s.incubator == "anct" and s.active and s.id != "aides-territoires"
    )
    assert sum(dominique.phases.values()) == anct_active
    # Every active team outside ANCT and Aides-territoires has nobody.
    active = sum(1 for s in catalog.startups.values() if s.active)
    assert len(report.uncovered) == active - anct_active - 1
    assert report.away_without_backup == ["Camille Exemple"]
    table = markdown(report)
    assert table.startswith("### Couverture du registre")
    assert "| Camille Exemple (@camille.exemple) | Aides-territoires |" in table
    assert "personnes absentes sans relais : Camille Exemple" in table
    assert "équipes actives suivies" in text(report)


def test_workflow_validates_and_comments() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/registry.yml").read_text(encoding="utf-8"))
    trigger = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert trigger["pull_request"]["paths"] == ["data/**"]
    runs = [step.get("run", "") for step in workflow["jobs"]["registre"]["steps"]]
    assert any("animation-bot validate --format github data/referents.yaml" in r for r in runs)
    assert any("animation-bot coverage --format markdown" in r for r in runs)
    assert any("gh pr comment" in r for r in runs)
