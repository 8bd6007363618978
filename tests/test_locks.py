"""The hashed locks (requirements/*.txt) hold every dependency pyproject.toml names, within
its bounds, each with hashes; the install paths use them. `.ci/lock --check` compares them
with a fresh resolution (it needs uv); this checks the same without the network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

LOCKS = {"main.txt": (), "test.txt": ("test",), "dev.txt": ("dev",)}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ; (?P<marker>.+?))?(?: \\)?$")
# The lock's markers read as on the machines that install it (CPython 3.11 on Linux).
PY311 = {str(k): str(v) for k, v in default_environment().items()} | {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
}


def project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return dict(tomllib.load(file)["project"])


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    """The project's requirements with `extras`, its own extras (`animation-bot[test]`) unfolded."""
    meta, seen, out = project(), set(), [Requirement(r) for r in project()["dependencies"]]
    todo = list(extras)
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in meta["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "animation-bot":
                todo += sorted(requirement.extras)
            else:
                out.append(requirement)
    return out


def pins(lock: str) -> dict[str, list[tuple[str, int]]]:
    """name → [(version, hashes)] for the entries that apply to Python 3.11 on this machine."""
    found: dict[str, list[tuple[str, int]]] = {}
    current: list[tuple[str, int]] | None = None
    for line in (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            marker = match["marker"]
            applies = marker is None or Marker(marker).evaluate(PY311)
            entries = found.setdefault(canonicalize_name(match["name"]), [])
            current = entries if applies else None
            if applies:
                entries.append((match["version"], 0))
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            version, hashes = current[-1]
            current[-1] = (version, hashes + 1)
    return found


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_dependency_is_pinned_within_its_bounds(lock: str) -> None:
    locked = pins(lock)
    for requirement in wanted(LOCKS[lock]):
        if requirement.marker and not requirement.marker.evaluate(PY311):
            continue
        versions = [v for v, _ in locked.get(canonicalize_name(requirement.name), [])]
        assert versions, f"{requirement.name} is missing from requirements/{lock}"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in versions), (
            f"requirements/{lock} pins {requirement.name} {versions}, outside {requirement}"
        )


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_has_hashes_and_nothing_is_unpinned(lock: str) -> None:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    entries = [line for line in text.splitlines() if line and not line[0].isspace()]
    requirements = [line for line in entries if not line.startswith("#")]
    assert requirements and all(PIN.match(line) for line in requirements), requirements[:3]
    assert all(hashes > 0 for pinned in pins(lock).values() for _, hashes in pinned)
    assert "setuptools" in pins(lock), "the build backend is locked too (requirements/build.in)"


def test_the_locks_are_written_by_the_script_ci_checks_them_with() -> None:
    for lock in LOCKS:
        head = (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines()[:2]
        assert head[1].strip() == "#    bash .ci/lock", head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/lock --check" in ci
    assert "--require-hashes -r requirements/dev.txt" in ci


def test_every_install_path_takes_the_lock() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first, second = re.findall(r"^python3 -m venv .+$", readme, re.MULTILINE)[:2]
    assert "--require-hashes -r requirements/main.txt" in first and "serve --dev" in first
    assert "--require-hashes -r requirements/test.txt" in second and second.endswith("pytest")
    ci_last = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_last == second, "CI runs the README's test command, word for word"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --require-hashes -r requirements/main.txt" in dockerfile
    assert "--no-deps --no-build-isolation ." in dockerfile
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        if "pip install" in text:
            assert "--require-hashes -r requirements/main.txt" in text, workflow.name
            assert "pip install ." not in text, workflow.name


FAKE_UV = """#!{python}
# uv as `.ci/lock` sees it: the file it writes over keeps its pins and the hashes found
# there; a pin without them gets the index's (here: the committed lock's).
import pathlib, sys
out = pathlib.Path(sys.argv[sys.argv.index("-o") + 1])
seed = out.read_text(encoding="utf-8") if out.exists() else ""
index = pathlib.Path({index!r}) / out.name
out.write_text(seed if "--hash=" in seed else index.read_text(encoding="utf-8"), "utf-8")
"""


def test_a_hash_changed_by_hand_fails_the_check_and_is_rewritten(tmp_path: Path) -> None:
    """uv keeps the hashes of the file it writes over: `.ci/lock` must give it the pins only,
    or a hash altered in a lock would pass the check, and stay after a rewrite."""
    for name in (".ci/lock", "pyproject.toml", *(f"requirements/{lock}" for lock in LOCKS)):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / "uv"
    fake.write_text(FAKE_UV.format(python=sys.executable, index=str(ROOT / "requirements")))
    fake.chmod(0o755)

    def lock(*args: str) -> subprocess.CompletedProcess[str]:
        command = ["bash", str(tmp_path / ".ci" / "lock"), *args]
        env = {**os.environ, "UV": str(fake)}
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    assert lock("--check").returncode == 0
    main = tmp_path / "requirements" / "main.txt"
    genuine = main.read_text(encoding="utf-8")
    first = re.search(r"--hash=sha256:([0-9a-f]{64})", genuine)
    assert first is not None
    main.write_text(genuine.replace(first[1], "0" * 64, 1), encoding="utf-8")
    checked = lock("--check")
    assert checked.returncode == 1 and "0" * 64 in checked.stdout
    assert "requirements/main.txt ne correspond plus" in checked.stderr
    assert lock().returncode == 0
    assert main.read_text(encoding="utf-8") == genuine
