"""Checking `referents.yaml`: French messages that name the line to fix.

Two passes. The schema pass (pydantic, strict) catches unknown keys, missing
fields and wrong types; its English errors are translated here. The
consistency pass checks what a schema cannot: duplicate ids, references to
animators, startups and incubators that do not exist, backups that loop,
aliases claimed twice, categories whose routing cannot work.
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
from bot.core.registry.schema import RegistryFile
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
    """Parse and check a registry. The file is usable only when no problem is returned."""
    document = read_yaml(text)
    if document.problems or document.data is None:
        problems = document.problems or [Problem(1, "le fichier est vide")]
        return None, sorted(problems, key=lambda p: p.line)
    try:
        registry = RegistryFile.model_validate(document.data)
    except ValidationError as error:
        details = _without_misspelt_missing(error.errors())
        problems = [_translate(detail, document) for detail in details]
        return None, sorted(set(problems), key=lambda p: p.line)
    problems = check_consistency(registry, document=document, catalog=catalog, today=today)
    return (None if problems else registry), sorted(problems, key=lambda p: p.line)


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
    line = document.line_of(loc)
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "document")
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        hint = did_you_mean(name, allowed) if allowed else ""
        known = f" ; clés possibles : {', '.join(sorted(allowed))}" if allowed and not hint else ""
        return Problem(line, f"clé inconnue « {name} »{hint}{known}")
    if kind == "missing":
        where = f" dans « {loc[-2]} »" if len(loc) > 1 and isinstance(loc[-2], str) else ""
        return Problem(line, f"champ obligatoire « {name} » manquant{where}")
    if kind == "string_type" and loc in document.typed:
        raw = document.typed[loc]
        read_as = "un booléen (vrai/faux)" if isinstance(value, bool) else "un nombre ou une date"
        return Problem(
            line, f'« {raw} » est lu comme {read_as} par YAML : écris-le entre guillemets, "{raw}"'
        )
    return Problem(line, _message(kind, name=name, value=value, ctx=detail.get("ctx") or {}))


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
