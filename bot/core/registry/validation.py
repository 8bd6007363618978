"""Checking `referents.yaml`: French messages that name the line to fix.

Two passes, and one report. The schema pass (pydantic, strict) catches unknown keys,
missing fields and wrong types; its English errors are translated here. The consistency
pass checks what a schema cannot: duplicate ids, references to animators, startups and
incubators that do not exist, stand-ins nobody can reach, aliases and keywords claimed
twice, categories whose routing cannot work. It runs on every item that passed the schema,
also when others did not: a file's problems all come out at once. Every message names the
key at fault (`animators › camille-exemple › backup : …`) or the character.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.core.registry.catalog import Catalog
from bot.core.registry.consistency import check_consistency
from bot.core.registry.keys import located
from bot.core.registry.parts import Parts
from bot.core.registry.problems import errors
from bot.core.registry.schema import MAX_REMINDER_DAYS, RegistryFile
from bot.core.registry.yamlsafe import Document, Problem, read_yaml
from bot.core.text import closest, did_you_mean

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]{0,62}$": (
        "identifiant « {value} » invalide : lettres minuscules sans accent, chiffres et "
        "tirets (par exemple « camille-exemple »)"
    ),
    r"^[a-z0-9][a-z0-9._-]{0,63}$": (
        "identifiant Mattermost « {value} » invalide : en minuscules et sans « @ » "
        "(par exemple « camille.exemple »)"
    ),
    r"^@[a-z0-9._=/+-]+:[a-z0-9.-]+(:[0-9]{1,5})?$": (
        "identifiant Tchap « {value} » invalide : l'identifiant Matrix complet, en minuscules "
        '(par exemple "@camille.exemple-beta.gouv.fr:agent.dinum.tchap.gouv.fr")'
    ),
    r"^https://\S+$": "adresse « {value} » invalide : elle doit commencer par https://",
    r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$": "adresse e-mail « {value} » invalide",
    r"^[a-z0-9][a-z0-9_-]{0,63}$": (
        "nom de canal « {value} » invalide : le nom court du canal, sans « ~ » "
        "(par exemple « incubateur-animation »)"
    ),
}


def validate_text(
    text: str, *, catalog: Catalog, today: date
) -> tuple[RegistryFile | None, list[Problem]]:
    """Parse and check a registry: the file is usable only when no error is returned (warnings
    may be). Every problem of the file, in the order of its lines."""
    document = read_yaml(text)
    problems = list(document.problems)
    if document.data is None:
        return None, _in_order(problems or [Problem(1, "le fichier est vide")])
    registry: RegistryFile | None = None
    try:
        registry = RegistryFile.model_validate(document.data)
        parts = Parts.of(registry)
    except ValidationError as error:
        details = _without_misspelt_missing(error.errors())
        problems += [
            _translate(detail, document)
            for detail in details
            if tuple(detail["loc"]) not in document.refused  # an alias, already named
        ]
        parts = Parts.salvage(document.data)
    problems += check_consistency(parts, document=document, catalog=catalog, today=today)
    problems = _in_order(problems)
    return (registry if not errors(problems) else None), problems


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, by line (a line's problems in the order they were found)."""
    return sorted(dict.fromkeys(problems), key=lambda p: p.line)


def _without_misspelt_missing(details: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop « name missing » when the same block has a misspelt key that means `name`."""
    misspelt = {
        (tuple(d["loc"][:-1]), closest(str(d["loc"][-1]), _fields_at(tuple(d["loc"][:-1]))))
        for d in details
        if d["type"] == "extra_forbidden"
    }
    return [
        d
        for d in details
        if not (d["type"] == "missing" and (tuple(d["loc"][:-1]), str(d["loc"][-1])) in misspelt)
    ]


def _translate(detail: ErrorDetails, document: Document) -> Problem:
    loc = tuple(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "document")
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        hint = did_you_mean(name, allowed) if allowed else ""
        known = f" ; clés possibles : {', '.join(sorted(allowed))}" if allowed and not hint else ""
        return _at(document, loc, f"clé inconnue « {name} »{hint}{known}", block=True)
    if kind == "missing":
        return _at(document, loc, f"champ obligatoire « {name} » manquant", block=True)
    if kind == "string_type" and loc in document.typed:
        raw = document.typed[loc]
        read_as = "un booléen (vrai/faux)" if isinstance(value, bool) else "un nombre ou une date"
        return _at(
            document,
            loc,
            f'« {raw} » est lu comme {read_as} par YAML : écris-le entre guillemets, "{raw}"',
        )
    return _at(document, loc, _message(kind, name=name, value=value, ctx=detail.get("ctx") or {}))


def _at(document: Document, loc: tuple[Any, ...], message: str, *, block: bool = False) -> Problem:
    """On the line of `loc`, led by its key path; `block`: by the path of the block that holds
    the key (a key missing or unknown is named in the message)."""
    path = tuple(p for p in loc if isinstance(p, str | int))
    line = document.line_of(path)
    problem = located(document, path[:-1] if block else path, message)
    return Problem(line, problem.message)


def _message(kind: str, *, name: str, value: Any, ctx: dict[str, Any]) -> str:
    if kind == "string_type":
        if isinstance(value, int | float):
            return f"« {name} » doit être du texte : mets « {value} » entre guillemets"
        return f"« {name} » doit être du texte"
    if kind == "string_pattern_mismatch":
        template = _PATTERN_HINTS.get(str(ctx.get("pattern")), "valeur « {value} » invalide")
        return template.format(value=value)
    if kind == "string_too_short":
        return f"« {name} » ne doit pas être vide"
    if kind == "string_too_long":
        return f"« {name} » est trop long (au plus {ctx.get('max_length')} caractères)"
    if kind == "too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} élément"
    if kind == "list_type":
        return f"« {name} » doit être une liste (une ligne « - … » par élément)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"« {name} » doit être un bloc de clés (« clé: valeur »)"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"valeur « {value} » non prévue pour « {name} » ; valeurs possibles : {expected}"
    if kind.startswith("date"):
        return f"« {name} » doit être une date au format AAAA-MM-JJ (par exemple 2026-12-15)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"« {name} » doit être un nombre entier (par exemple 2)"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"« {name} » doit être compris entre 1 et {MAX_REMINDER_DAYS}"
    if kind.startswith("bool"):
        return f"« {name} » doit valoir true ou false"
    return f"valeur invalide pour « {name} »"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the block at `loc`, to suggest the right one."""
    model: type[BaseModel] = RegistryFile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = _model_of(field.annotation) if field else None
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None
