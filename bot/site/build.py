"""`animation-bot annuaire --out DIR`: the directory page as static files, for GitHub Pages
or any web server: `index.html`, and the page's own files in `static/` (the DSFR's
included). Without a server, the search runs in the browser only."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from bot.core.annuaire import annuaire
from bot.core.registry.model import Registry
from bot.core.stats import Figures
from bot.site.page import STATIC, render


def build(registry: Registry, *, today: date, out: Path, figures: Figures | None = None) -> Path:
    """Write the site into `out` (created if needed; the files it writes are replaced), and
    return the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(STATIC, out / "static", dirs_exist_ok=True)
    page = out / "index.html"
    html = render(
        annuaire(registry, today=today),
        contact=registry.data.contact,
        figures=figures,
        static="static/",
        action="./",
    )
    page.write_text(html, encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve as it is
    return page
