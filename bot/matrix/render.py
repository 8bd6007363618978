"""What the core says, as Tchap shows it: a Markdown `body`, an HTML `formatted_body`
with pills for people, `!animation` for the command, and never a notification.

The HTML comes from markdown-it (CommonMark) with raw HTML turned off: whatever a
person typed is escaped, never interpreted. Every message says it mentions nobody
(`m.mentions: {}`), so neither `@room` nor a name in it notifies anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt

from bot.core import markup
from bot.core.registry.model import Registry
from bot.core.requests.model import Action
from bot.core.text import fit, md_escape

COMMAND = "!animation"
MAX_CHARACTERS = 16_000  # Markdown; a Matrix event is at most 64 KiB, HTML included
REACTION_HINTS: dict[Action, str] = {"claim": "✋ pour t'en occuper", "close": "✅ pour la clore"}
_MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": False})


def permalink(user_id: str) -> str:
    return f"https://matrix.to/#/{user_id}"


class MatrixRenderer:
    """`registry` gives the registry in force, to name people the way it lists them now."""

    def __init__(self, registry: Callable[[], Registry]) -> None:
        self.registry = registry

    def content(self, said: str, *, reply_to: str | None = None) -> dict[str, Any]:
        registry = self.registry()
        body = fit(
            markup.fill(said, lambda code: _show(registry, code, linked=False)),
            limit=MAX_CHARACTERS,
        )
        linked = fit(
            markup.fill(said, lambda code: _show(registry, code, linked=True)), limit=MAX_CHARACTERS
        )
        content: dict[str, Any] = {
            "msgtype": "m.text",
            "body": body,
            "format": "org.matrix.custom.html",
            "formatted_body": _MARKDOWN.render(linked).strip(),
            "m.mentions": {},
        }
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        return content

    def edit(self, said: str, *, of: str) -> dict[str, Any]:
        """The content that replaces the text of the event `of` (`m.replace`)."""
        new = self.content(said)
        return {
            "msgtype": "m.text",
            "body": f"* {new['body']}",
            "format": "org.matrix.custom.html",
            "formatted_body": f"* {new['formatted_body']}",
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": of},
            "m.mentions": {},
        }


def with_actions(text: str, actions: Sequence[Action]) -> str:
    """A co-animator's copy, with how to act on it from Tchap: reactions and a reply."""
    reactions = [REACTION_HINTS[a] for a in actions if a in REACTION_HINTS]
    lines = [f"Réagis avec {' ou '.join(reactions)}."] if reactions else []
    if "reassign" in actions:
        lines.append(
            "Pour la confier à quelqu'un d'autre, réponds à ce message : `réaffecter Prénom Nom`."
        )
    return "\n\n".join([text, *lines]) if lines else text


def _show(registry: Registry, code: str, *, linked: bool) -> str:
    placeholder = markup.parse(code)
    kind, args = placeholder.kind, placeholder.args
    if kind == "command":
        return f"{COMMAND} {args[0]}" if args and args[0] else COMMAND
    if kind == "channel":
        return f"~{registry.data.contact.channel} (Mattermost)"
    if kind == "visibility":
        return (
            "Dans un salon, tout le monde voit mes réponses ; ce qui ne concerne que toi (tes "
            f"demandes) part en message privé. En message privé, `{COMMAND}` est facultatif : "
            "`qui aides territoires`."
        )
    if kind == "account":
        platform, handle = args
        if platform != "matrix":
            return f"{md_escape(handle)} (Mattermost)"
        return _pill(handle, handle) if linked else md_escape(handle)
    animator = registry.animators.get(args[0])
    if animator is None:
        return f"« {md_escape(args[0])} »"
    if animator.tchap is None or not linked:
        return md_escape(animator.name)
    return _pill(animator.name, animator.tchap)


def _pill(name: str, user_id: str) -> str:
    """A Markdown link to a Matrix user, which clients show as a pill."""
    return f"[{md_escape(name)}]({permalink(user_id)})"
