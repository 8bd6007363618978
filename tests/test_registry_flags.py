"""The registry's flags for the public directory and the reminders: `public_email`,
`digest`, `reminder_days`; each mistake gets a French message on its line."""

from __future__ import annotations

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.registry.validation import validate_text
from tests.registries import TODAY, edit

# (what is wrong, the edit, the line the message must name, a part of the message)
BROKEN: list[tuple[str, dict[int, str | None], int, str]] = [
    (
        "an e-mail made public, but none given",
        {14: "    backup: dominique\n    public_email: true"},
        15,
        "animators › camille › public_email : « public_email: true » demande aussi « email »",
    ),
    (
        "digest as a word",
        {14: "    backup: dominique\n    digest: non"},
        15,
        "« digest » doit valoir true ou false",
    ),
    (
        "no delay at all",
        {34: "    fields: [team, subject, details]\n    reminder_days: 0"},
        35,
        "« reminder_days » doit être compris entre 1 et 20",
    ),
    (
        "a delay as text",
        {34: '    fields: [team, subject, details]\n    reminder_days: "2"'},
        35,
        "« reminder_days » doit être un nombre entier (par exemple 2)",
    ),
]


@pytest.mark.parametrize(("what", "changes", "line", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_mistake_is_named_on_its_line(
    catalog: Catalog, what: str, changes: dict[int, str | None], line: int, message: str
) -> None:
    data, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    assert data is None
    assert [(p.line, message in p.text) for p in problems] == [(line, True)], problems


def test_the_flags_read_as_written(catalog: Catalog) -> None:
    text = edit(
        {
            13: "    mattermost: camille.exemple\n    email: camille@example.org\n"
            "    public_email: true\n    digest: false",
            34: "    fields: [team, subject, details]\n    reminder_days: 5",
        }
    )
    data, problems = validate_text(text, catalog=catalog, today=TODAY)
    assert problems == [] and data is not None
    camille, dominique = data.animators
    assert (camille.public_email, camille.digest) == (True, False)
    assert (dominique.public_email, dominique.digest) == (False, True)  # the defaults
    assert [c.reminder_days for c in data.categories] == [5, 2]
