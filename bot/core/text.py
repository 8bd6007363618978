"""Untrusted text: cleaning, folding for matching, and safe echoing in Markdown.

Everything a person types reaches the bot through here before it is matched
or echoed back. Echoed text must never ping (`@all`, `<!channel>`), never
become a link and never break out of the sentence it sits in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from rapidfuzz import process, utils

ZWSP = "\u200b"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_SPACES = re.compile(r"\s+")
_ALNUM = re.compile(r"[0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")
_BACKTICKS = re.compile(r"`+")
# Ligatures that neither casefold nor NFKD split.
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"))
_MD_SPECIALS = re.compile(r"([\\`*_\[\]<>|~])")
_CODE_SPAN = re.compile(r"(`+)(?:.*?)\1", re.DOTALL)
_BEFORE_COLON = re.compile(r" ([:»])")
_BEFORE_PUNCT = re.compile(r" ([;?!])")


def clean(text: str) -> str:
    """Drop control and format characters (NUL, bidi overrides, zero-width), fold spaces."""
    if text.isprintable():  # the usual case, checked in C: nothing to drop
        return _SPACES.sub(" ", text).strip()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" " if char in "\t\n\r\x0b\x0c\u2028\u2029" else "")
        elif category in ("Cf", "Cs", "Co"):
            continue
        else:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


class _Combining(dict[int, int | None]):
    """A `str.translate` table that drops combining marks (accents once decomposed),
    learning each character the first time it meets it."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NO_COMBINING = _Combining()


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The matching key of a text: no case, accents, punctuation or extra spaces.

    CamelCase is split first, so `MonAideCyber` and `mon aide cyber` agree. Cached:
    a registry load folds every name several times (checks, then index), a reload the
    same names again. Each step is skipped when it cannot change the text.
    """
    normal = unicodedata.normalize("NFKC", text)
    if not normal.isprintable():
        normal = clean(normal)
    if not normal.islower():  # capitals, maybe CamelCase
        normal = _CAMEL.sub(" ", normal)
    lowered = normal.casefold()
    if not lowered.isascii():
        for ligature, letters in _LIGATURES:
            if ligature in lowered:
                lowered = lowered.replace(ligature, letters)
        lowered = unicodedata.normalize("NFKD", lowered).translate(_NO_COMBINING)
    return " ".join(_ALNUM.findall(lowered))


def compact(folded: str) -> str:
    """A folded key without spaces: `api geo`, `api-geo` and `apigeo` agree."""
    return folded.replace(" ", "")


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def defuse_mentions(text: str) -> str:
    """Break `@name` and Slack-style `<!channel>` / `<@id>` so they cannot notify."""
    return text.replace("@", "@" + ZWSP).replace("<!", "<" + ZWSP + "!")


def quote_user_text(text: str, *, limit: int = 80) -> str:
    """What a person typed, echoed inertly: « `text` ».

    A code span is never scanned for mentions and never becomes a link; the
    fence is longer than any run of backticks inside so the text cannot close it.
    """
    inner = defuse_mentions(shorten(clean(text), limit)) or "(vide)"
    longest = max((len(run) for run in _BACKTICKS.findall(inner)), default=0)
    fence = "`" * (longest + 1)
    if inner.startswith("`") or inner.endswith("`"):
        inner = f" {inner} "
    return f"« {fence}{inner}{fence} »"


def quote_block(text: str, *, limit: int = 3000) -> str:
    """Lines a person wrote, shown as typed: a fenced block nothing can close or ping from."""
    lines = [clean(line) for line in shorten(text, limit).splitlines()]
    body = defuse_mentions("\n".join(lines).strip("\n")) or "(vide)"
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


@functools.lru_cache(maxsize=8192)
def md_escape(text: str) -> str:
    """Escape Markdown in trusted-but-foreign text (team names from the snapshot)."""
    return defuse_mentions(_MD_SPECIALS.sub(r"\\\1", clean(text)))


def typeset(text: str) -> str:
    """French typography: no-break spaces before « : ; ? ! » and inside « », outside code."""
    parts = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_typeset_prose(text[last : span.start()]))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_typeset_prose(text[last:]))
    return "".join(parts)


def _typeset_prose(text: str) -> str:
    spaced = _BEFORE_COLON.sub("\u00a0\\1", text)
    spaced = _BEFORE_PUNCT.sub("\u202f\\1", spaced)
    return spaced.replace("« ", "«\u00a0")


def fit(text: str, *, limit: int) -> str:
    """Cut a message on a line boundary to at most `limit` characters, saying it was cut."""
    if len(text) <= limit:
        return text
    notice = "\n… (réponse coupée : elle dépassait la taille d'un message)"
    head = text[: limit - len(notice)]
    cut = head.rfind("\n")
    return (head[:cut] if cut > 0 else head) + notice


def closest(value: str, choices: Iterable[str], *, cutoff: float = 70) -> str | None:
    """The choice closest to a mistyped value, if any is close enough."""
    best = process.extractOne(
        value, list(choices), processor=utils.default_process, score_cutoff=cutoff
    )
    return None if best is None else str(best[0])


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """« (tu voulais dire « x » ?) », or nothing when no choice is close."""
    best = closest(value, choices)
    return f" (tu voulais dire « {best} » ?)" if best else ""


def french_date(day: date) -> str:
    """`15 décembre 2026`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
