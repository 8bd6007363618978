"""A small registry text, and edits of it, for the tests that need one they can break."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

BASE = """\
version: 1
contact:
  email: dinum@beta.gouv.fr
  channel: incubateur-animation
  page: https://doc.incubateur.net/communaute
commitments:
  link: https://doc.incubateur.net/communaute
  items:
    - Nous sommes au service de la communauté.
animators:
  - id: camille
    name: Camille Exemple
    mattermost: camille.exemple
    backup: dominique
  - id: dominique
    name: Dominique Exemple
    mattermost: dominique.exemple
teams:
  - startup: aides-territoires
    referents: [camille]
    aliases: [AT]
incubators:
  - incubator: anct
    referents: [dominique]
topics:
  - id: marches-publics
    name: Marchés publics
    referents: [camille]
categories:
  - id: convention
    label: Convention, devis, service fait
    description: Faire avancer une convention.
    routing: team
    fields: [team, subject, details]
  - id: mal-etre
    label: Je me sens mal dans mon équipe
    description: En parler en confidence.
    routing: choice
    confidential: true
    fields: [animator, contact_method]
"""
TODAY = date(2026, 11, 29)


def edit(changes: Mapping[int, str | None]) -> str:
    """BASE with some lines replaced (by one or several lines) or removed (None)."""
    lines = BASE.splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        if number not in changes:
            out.append(line)
        elif changes[number] is not None:
            out.append(str(changes[number]))
    return "\n".join(out) + "\n"
