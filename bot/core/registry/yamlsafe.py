"""A strict YAML reader for files that people edit by hand.

`yaml.safe_load` executes nothing, but it still expands aliases (a 271-byte
file can walk into tens of megabytes), silently keeps the last of two
duplicate keys, and forgets where each value was written. This reader
refuses anchors and aliases, non-standard tags and duplicate keys, caps the
size, and returns every value's line so that problems can name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from bot.core.registry.characters import forbidden, problem_at, without_forbidden
from bot.core.registry.problems import Problem

__all__ = ["MAX_YAML_BYTES", "Document", "Path", "Problem", "read_yaml"]

MAX_YAML_BYTES = 1024 * 1024

Path = tuple[str | int, ...]

_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)

_COLLECTION_TAGS = frozenset(("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"))
REFUSED = "tag:animation-bot,refused"  # where an alias was: read as nothing, already named


@dataclass
class Document:
    """Plain data (dict, list, str, int, float, bool, None, date) with its lines."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    # Raw text of every scalar YAML read as something else than text
    # (`no` as a boolean, `1.10` as a number), for a precise message.
    typed: dict[Path, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Where an alias was written: its value is missing, and that is not a second problem.
    refused: set[Path] = field(default_factory=set)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its closest written parent."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


class _StrictComposer(Composer):
    """Anchors and aliases refused where they are written, and the reading goes on: an alias
    reads as nothing (it is never expanded), an anchor is ignored."""

    refused: list[Problem]

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the parser beside it
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent):
            self.refused.append(
                Problem(
                    line,
                    f"les alias YAML (« *{event.anchor} ») ne sont pas acceptés : "
                    "recopie la valeur au lieu d'y faire référence",
                )
            )
            self.get_event()  # type: ignore[attr-defined]
            return ScalarNode(REFUSED, "", event.start_mark, event.end_mark)  # type: ignore[arg-type]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.refused.append(
                Problem(
                    line,
                    f"les ancres YAML (« &{anchor} ») ne sont pas acceptées : "
                    "écris chaque valeur en entier",
                )
            )
            event.anchor = None
        return super().compose_node(parent, index)


class _PythonLoader(Reader, Scanner, Parser, _StrictComposer, SafeConstructor, Resolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        self.refused = []
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _CLoader(_StrictComposer, CParser, SafeConstructor, Resolver):
        """libyaml scans and parses (ten times faster); the nodes are composed here, to
        refuse anchors and aliases where they are written."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _StrictComposer.__init__(self)
            self.refused = []
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Loader: type[_PythonLoader | _CLoader] = _CLoader
else:
    _Loader = _PythonLoader


def read_yaml(text: str) -> Document:
    """Parse one YAML document; problems are collected, never raised."""
    document = Document()
    if len(text.encode("utf-8", errors="replace")) > MAX_YAML_BYTES:
        document.problems.append(
            Problem(1, f"fichier trop gros (plus de {MAX_YAML_BYTES // 1024} Kio)")
        )
        return document
    document.problems.extend(forbidden(text))
    if document.problems:  # named; the rest of the file is read without them
        text = without_forbidden(text)
    loader: _PythonLoader | _CLoader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        document.problems.extend(loader.refused)
    except ReaderError as error:  # not reached: `forbidden` refuses more than PyYAML does
        document.problems.append(problem_at(text, error.position))
        return document
    except yaml.MarkedYAMLError as error:
        document.problems.extend(loader.refused if loader else [])
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        document.problems.append(Problem(line, _syntax_message(error, text)))
        return document
    except (yaml.YAMLError, RecursionError):
        document.problems.append(Problem(1, "YAML illisible ou trop imbriqué"))
        return document
    finally:
        if loader is not None:
            loader.dispose()
    if node is not None:
        document.lines[()] = node.start_mark.line + 1
        document.data = _Builder(document).build(node, ())
    return document


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    """In French, from what libyaml or PyYAML said (they word it differently), naming the
    character at fault and its column, or where what is left open was opened."""
    problem, context = (error.problem or "").lower(), (error.context or "").lower()
    mark = error.problem_mark
    at = text[mark.index : mark.index + 1] if mark and mark.index is not None else ""
    column = f" en colonne {mark.column + 1}" if mark else ""
    opened = error.context_mark.line + 1 if error.context_mark else 1
    head = "erreur de syntaxe YAML"
    if at == "\t" or "tab" in problem:
        return f"{head} : tabulation{column} interdite, indente avec des espaces"
    if "mapping values" in problem:
        quote = "une valeur qui contient « : » se met entre guillemets"
        return f"{head} : « : » mal placé{column} ({quote})"
    if "found character" in problem:
        return f"{head} : caractère « {at} » inattendu{column}, mets la valeur entre guillemets"
    if "single document" in context:
        return "un seul document YAML est attendu (pas de « --- » au milieu du fichier)"
    if "flow sequence" in context:
        return f"{head} : la liste ouverte par « [ » ligne {opened} n'est pas fermée par « ] »"
    if "flow mapping" in context:
        return f"{head} : le bloc ouvert par « {{ » ligne {opened} n'est pas fermé par « }} »"
    if "quoted scalar" in context:
        return f"{head} : le guillemet ouvert ligne {opened} n'est pas refermé"
    near = f" (« {at} »)" if at.strip() else ""
    return f"{head}{column}{near} : vérifie l'indentation, les « : » et les guillemets"


class _Builder:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.constructor = SafeConstructor()

    def build(self, node: Node, path: Path) -> Any:
        if isinstance(node, MappingNode | SequenceNode) and node.tag not in _COLLECTION_TAGS:
            self._problem(node.start_mark.line + 1, f"type YAML « {node.tag} » non accepté ici")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return self._sequence(node, path)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self._key(key_node, line)
            if key is None:
                continue
            if key in result:
                first = self.document.lines[(*path, key)]
                self._problem(line, f"clé « {key} » en double (déjà présente ligne {first})")
                continue
            self.document.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, node: Node, line: int) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            written = f"clé « {node.value} » : " if isinstance(node, ScalarNode) else ""
            self._problem(line, f"{written}une clé doit être un simple mot (par exemple « name »)")
            return None
        return str(node.value)

    def _sequence(self, node: SequenceNode, path: Path) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            self.document.lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.build(item, (*path, index)))
        return items

    def _scalar(self, node: Node, path: Path) -> Any:
        line = node.start_mark.line + 1
        if node.tag == REFUSED:
            self.document.refused.add(path)
            return None
        if node.tag not in _SCALAR_TAGS:
            self._problem(line, f"type YAML « {node.tag} » non accepté ici")
            return None
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            self._problem(line, f"valeur illisible « {node.value} »")
            return None
        if node.tag != "tag:yaml.org,2002:str":
            self.document.typed[path] = str(node.value)
        return value

    def _problem(self, line: int, message: str) -> None:
        self.document.problems.append(Problem(line, message))
