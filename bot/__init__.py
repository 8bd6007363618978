"""animation-bot: the Mattermost and Tchap bot of beta.gouv.fr's équipe d'animation."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The installed distribution's version: pyproject.toml's, the one CHANGELOG.md names.
    __version__ = version("animation-bot")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+inconnue"
