"""Copy the DSFR files the directory page uses from the npm package (`npm ci` here first)
into `bot/site/static/dsfr/`, where they are committed: the page then works offline, from
a fresh clone, and `pip install` needs no npm.

    python tests/browser/vendor_dsfr.py          # copy
    python tests/browser/vendor_dsfr.py --check  # exit 1 if the committed copy differs

The CSS files keep the package's layout, so their relative `url(...)` still resolve; only
the fonts (WOFF2: every browser the DSFR supports reads it) and icons they name are taken.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import sys
from pathlib import Path

from bot.site.page import COMPONENTS

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "@gouvfr" / "dsfr"
TARGET = HERE.parents[1] / "bot" / "site" / "static" / "dsfr"
STYLESHEETS = ("core/core.min.css", *(f"component/{c}/{c}.min.css" for c in COMPONENTS))
URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def plan() -> dict[str, bytes]:
    """Every file to ship, by its path under `dsfr/`, and its bytes."""
    dist = PACKAGE / "dist"
    files: dict[str, bytes] = {"LICENSE.md": (PACKAGE / "LICENSE.md").read_bytes()}
    for sheet in STYLESHEETS:
        css = (dist / sheet).read_bytes()
        files[sheet] = css
        for found in URL.findall(css.decode("utf-8")):
            if found.startswith("data:") or found.endswith(".woff"):
                continue
            name = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), found))
            files[name] = (dist / name).read_bytes()
    files["favicon/favicon.svg"] = (dist / "favicon" / "favicon.svg").read_bytes()
    version = re.search(rb'"version":\s*"([^"]+)"', (PACKAGE / "package.json").read_bytes())
    files["VERSION"] = (version.group(1) if version else b"?") + b"\n"
    return files


def committed() -> dict[str, bytes]:
    return {
        path.relative_to(TARGET).as_posix(): path.read_bytes()
        for path in TARGET.rglob("*")
        if path.is_file()
    }


def main(argv: list[str]) -> int:
    if not PACKAGE.exists():
        print("Lance d'abord `npm ci` dans tests/browser.", file=sys.stderr)
        return 2
    wanted = plan()
    if "--check" in argv:
        differ = sorted(set(wanted.items()) ^ set(committed().items()))
        for name in sorted({name for name, _ in differ}):
            print(f"différent : {name}", file=sys.stderr)
        return 1 if differ else 0
    shutil.rmtree(TARGET, ignore_errors=True)
    for name, content in wanted.items():
        (TARGET / name).parent.mkdir(parents=True, exist_ok=True)
        (TARGET / name).write_bytes(content)
    print(f"{len(wanted)} fichiers copiés dans {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
