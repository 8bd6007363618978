"""What the core says, as Mattermost shows it: `@username` mentions, `/animation`, `~channel`,
French typography, and one post's worth of text at most."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import markup
from bot.core.people import PLATFORM_NAMES
from bot.core.registry.model import Registry
from bot.core.text import fit, md_escape, typeset

COMMAND = "/animation"
# Mattermost's own cap on a post (PostMessageMaxRunesV2, docs/mattermost-protocol.md §8).
MAX_POST_RUNES = 16_383


class MattermostRenderer:
    """`registry` gives the registry in force, to name people the way it lists them now."""

    def __init__(self, registry: Callable[[], Registry]) -> None:
        self.registry = registry
        self._shown: tuple[Registry | None, dict[str, str]] = (None, {})

    def text(self, said: str) -> str:
        """A message's text: placeholders shown, cut to one post."""
        return fit_post(self._filled(said))

    def reply(self, said: str) -> str:
        """A command's answer: the same, with French typography (no-break spaces)."""
        return fit_post(typeset(self._filled(said)))

    def _filled(self, said: str) -> str:
        if not markup.has_placeholders(said):
            return said
        registry = self.registry()
        known, shown = self._shown
        if known is not registry or len(shown) > 10_000:  # people may be named otherwise now
            shown = {}
            self._shown = (registry, shown)

        def show(code: str) -> str:
            if code not in shown:
                shown[code] = _show(registry, markup.parse(code))
            return shown[code]

        return markup.fill(said, show)


def _show(registry: Registry, placeholder: markup.Placeholder) -> str:
    kind, args = placeholder.kind, placeholder.args
    if kind == "command":
        return f"{COMMAND} {args[0]}" if args and args[0] else COMMAND
    if kind == "channel":
        return f"~{registry.data.contact.channel}"
    if kind == "visibility":
        return (
            "Les réponses ne sont visibles que par toi. Ajoute `--partager` pour les montrer "
            f"au canal : `{COMMAND} qui aides territoires --partager`."
        )
    if kind == "account":
        platform, name = args
        if platform == "mattermost":
            return f"@{name}"
        return f"{md_escape(name)} ({PLATFORM_NAMES.get(platform, platform)})"
    animator = registry.animators.get(args[0])
    if animator is None:
        return f"« {md_escape(args[0])} »"
    if animator.mattermost is None:  # only on Tchap: their name, and where to find them
        where = " (sur Tchap)" if kind == "introduce" else ""
        return md_escape(animator.name) + where
    if kind == "introduce":
        return f"@{animator.mattermost} ({md_escape(animator.name)})"
    return f"@{animator.mattermost}"


def fit_post(text: str) -> str:
    """Cut on a line boundary so that it fits in one Mattermost post."""
    return fit(text, limit=MAX_POST_RUNES)
