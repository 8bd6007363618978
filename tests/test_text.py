from __future__ import annotations

import pytest

from bot.core.text import (
    clean,
    closest,
    fold,
    md_escape,
    quote_user_text,
    typeset,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Démarches Simplifiées", "demarches simplifiees"),
        ("  L'Incubateur   des Territoires (ANCT) ", "l incubateur des territoires anct"),
        ("MonAideCyber", "mon aide cyber"),
        ("Protège-Toit 🏡 (violences conjugales)", "protege toit violences conjugales"),
        ("data·inclusion", "data inclusion"),
        ("Cœur de ville", "coeur de ville"),
        ("ａｐｉ　ｇｅｏ", "api geo"),  # full-width letters and space (NFKC)
        ("api\u200b-geo\u202e", "api geo"),  # zero-width and bidi override
        ("e-inspé", "e inspe"),
        ("\x00\x00", ""),
        # Each step fold may skip, with a text it must not skip it for.
        ("x\u200by", "xy"),  # not printable: cleaned, the zero-width space dropped
        ("\u00a0Abc\tDef\n", "abc def"),  # no-break space, tab, newline
        ("ÉcoleÉté", "ecole ete"),  # CamelCase in capitals with accents
        ("ŒUVRE Æsir øł", "oeuvre aesir ol"),  # ligatures, in capitals too
        ("Straße", "strasse"),  # casefold, not lower
        ("a×b", "a b"),
        ("ǅemal", "dzemal"),  # a title-case letter
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_clean_drops_controls_and_bidi_and_turns_newlines_into_spaces() -> None:
    assert clean("a\x00b\u202ec\u2066d\ufeff\ne\tf") == "abcd e f"


@pytest.mark.parametrize("text", ["@all", "@channel stp", "<!channel>", "@here 🔔", "x @ALL y"])
def test_quoted_text_cannot_ping(text: str) -> None:
    quoted = quote_user_text(text)
    assert "@all" not in quoted.lower().replace("\u200b", "x")
    assert "<!" not in quoted
    assert quoted.startswith("« `") and quoted.endswith("` »")


def test_quoted_text_cannot_close_its_code_span() -> None:
    quoted = quote_user_text("a `b` ``c``")
    inner = quoted.removeprefix("« ").removesuffix(" »")
    assert inner.startswith("```") and inner.endswith("```")


def test_quoted_text_is_cut_and_single_line() -> None:
    quoted = quote_user_text("x" * 500 + "\n[lien](https://evil.example)")
    assert "\n" not in quoted
    assert len(quoted) < 100
    assert "…" in quoted


def test_empty_text_is_shown_as_empty() -> None:
    assert "(vide)" in quote_user_text("\x00 \u202e")


def test_md_escape_neutralises_links_and_emphasis() -> None:
    escaped = md_escape("[clic](https://x) *gras* @all")
    assert "\\[clic\\]" in escaped
    assert "\\*gras\\*" in escaped
    assert "@\u200ball" in escaped


def test_typeset_adds_no_break_spaces_outside_code_only() -> None:
    assert typeset("Oui : non ; « a » ?") == "Oui\u00a0: non\u202f; «\u00a0a\u00a0»\u202f?"
    assert typeset("`a : b` : c") == "`a : b`\u00a0: c"


def test_closest() -> None:
    assert closest("quii", ["aide", "qui", "contact"]) == "qui"
    assert closest("zzzz", ["aide", "qui", "contact"]) is None
