"""Bytes and characters a registry may not hold, found in one pass and named in French.

PyYAML refuses control characters, U+FFFE, U+FFFF and lone surrogates, but stops at the
first one with an English error. This module finds them all before YAML reads the text,
with the bytes that are not UTF-8, and the invisible characters YAML would accept but a
reviewer cannot see: C1 controls (NEL included), Unicode line separators, bidirectional
overrides (which can make a line look different from what it says), and a byte order
mark anywhere but at the very start. One problem per line at fault, naming each
character and its column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yaml.reader import Reader

from bot.core.registry.problems import Problem

# PyYAML's own set of non-printable characters, plus what YAML accepts but is invisible.
_FORBIDDEN = re.compile(
    Reader.NON_PRINTABLE.pattern + "|[\x85\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_C0 = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
_C1 = (
    "PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 "
    "DCS PU1 PU2 STS CCH MW SPA EPA SOS SGC SCI CSI ST OSC PM APC"
).split()
_NAMED = {
    0x7F: "DEL",
    0xFEFF: "BOM, marque d'ordre des octets, permise seulement au tout début du fichier",
    0x2028: "séparateur de ligne Unicode",
    0x2029: "séparateur de paragraphe Unicode",
    0xFFFE: "non-caractère",
    0xFFFF: "non-caractère",
}
# `bytes.decode(errors="surrogateescape")` turns each byte that is not UTF-8 into one of these.
_ESCAPED = range(0xDC80, 0xDD00)
MAX_LINES = 20
PER_LINE = 16  # findings kept per line: more would not be shown


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """The text of a UTF-8 file; when it is not UTF-8, every bad byte and character."""
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="surrogateescape")
        return text, forbidden(text, escaped_bytes=True)


def forbidden(text: str, *, escaped_bytes: bool = False) -> list[Problem]:
    """One problem per line holding a forbidden character (or, from `decode`, a byte that is
    not UTF-8), for the first `MAX_LINES` such lines, then one for the rest."""
    at_fault = list(_by_line(text, escaped_bytes))
    problems = [p for line, findings in at_fault[:MAX_LINES] for p in _messages(line, findings)]
    if len(at_fault) > MAX_LINES:
        others = len(at_fault) - MAX_LINES
        plural = "s" if others > 1 else ""
        problems.append(
            Problem(
                at_fault[MAX_LINES][0],
                f"et {others} autre{plural} ligne{plural} avec des caractères interdits ou des "
                "octets invalides, à partir de celle-ci : ce fichier est-il bien du texte ?",
            )
        )
    return problems


def readable(text: str) -> str:
    """A text from `decode` whose bytes that were not UTF-8 read as U+FFFD."""
    return "".join("\ufffd" if ord(c) in _ESCAPED else c for c in text) if _escaped(text) else text


def _escaped(text: str) -> bool:
    return any(0xDC80 <= ord(c) < 0xDD00 for c in text)


def without_forbidden(text: str) -> str:
    """The text without its forbidden characters, to read the rest of the file once they are
    named. A byte order mark opening the file stays: YAML skips it."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + _FORBIDDEN.sub("", text[len(bom) :])


def describe(code: int) -> str:
    """« U+001B (ESC) »: a character by its code point and its name, in French if it has one."""
    if code < 0x20:
        name = _C0[code]
    elif 0x80 <= code < 0xA0:
        name = _C1[code - 0x80]
    elif 0xD800 <= code < 0xE000:
        name = "demi-codet isolé"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        name = "contrôle de sens d'écriture, invisible"
    else:
        name = _NAMED.get(code, "caractère de contrôle")
    return f"U+{code:04X} ({name})"


def problem_at(text: str, position: int) -> Problem:
    """The problem of the one character at `position`, as `forbidden` words it."""
    line = 1 + _breaks(text, 0, position)
    line_start = max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
    return next(_messages(line, [("char", ord(text[position]), position - line_start + 1)]))


def _breaks(text: str, start: int, end: int) -> int:
    """Line breaks as YAML counts them: LF, CRLF, a lone CR."""
    crlf = text.count("\r\n", start, end)
    return text.count("\n", start, end) + text.count("\r", start, end) - crlf


Finding = tuple[str, int, int]  # kind ("char" or "byte"), code point or byte, column


def _by_line(text: str, escaped_bytes: bool) -> Iterator[tuple[int, list[Finding]]]:
    line, line_start, last = 1, 0, 0
    current: list[Finding] = []
    for match in _FORBIDDEN.finditer(text):
        position = match.start()
        code = ord(text[position])
        if position == 0 and code == 0xFEFF:
            continue  # a byte order mark opening the file is allowed, and skipped by YAML
        moved = _breaks(text, last, position)
        if moved:
            if current:
                yield line, current
                current = []
            line += moved
            line_start = max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
        last = position
        column = position - line_start + 1
        if len(current) >= PER_LINE:
            continue
        if escaped_bytes and code in _ESCAPED:
            current.append(("byte", code - 0xDC00, column))
        else:
            current.append(("char", code, column))
    if current:
        yield line, current


def _messages(line: int, findings: list[Finding]) -> Iterator[Problem]:
    chars = _first_of_each([(code, column) for kind, code, column in findings if kind == "char"])
    if chars:
        named = ", ".join(f"{describe(code)} en colonne {column}" for code, column in chars)
        if len(chars) == 1:
            yield Problem(line, f"caractère interdit {named} : supprime-le ou remplace-le")
        else:
            yield Problem(line, f"caractères interdits {named} : supprime-les ou remplace-les")
    raw = [(code, column) for kind, code, column in findings if kind == "byte"]
    if raw:
        shown = " ".join(f"0x{code:02X}" for code, _ in raw[:8]) + (" …" if len(raw) > 8 else "")
        several = len(raw) > 1
        yield Problem(
            line,
            f"octet{'s' if several else ''} {shown} invalide{'s' if several else ''} en UTF-8, "
            f"en colonne {raw[0][1]} : enregistre le fichier en UTF-8 (souvent, un accent saisi "
            "dans un autre encodage)",
        )


def _first_of_each(found: list[tuple[int, int]], limit: int = 5) -> list[tuple[int, int]]:
    """Each character once, at its first column, at most `limit` of them."""
    seen: dict[int, int] = {}
    for code, column in found:
        seen.setdefault(code, column)
    return list(seen.items())[:limit]
