"""The architecture holds: import-linter's contracts (`pyproject.toml`, `[tool.importlinter]`),
and files small enough to read in one sitting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LONGEST = 260  # lines: about 250, with room for a docstring


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is part of the test dependencies"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_files_stay_small() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for folder in ("bot", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > LONGEST} == {}
