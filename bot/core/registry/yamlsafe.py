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

from bot.core.registry.characters import forbidden, problem_at
from bot.core.registry.problems import Problem

__all__ = ["MAX_YAML_BYTES", "Document", "Path", "Problem", "read_yaml"]

MAX_YAML_BYTES = 1024 * 1024

Path = tuple[str | int, ...]

_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)

_COLLECTION_TAGS = frozenset(("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"))


@dataclass
class Document:
    """Plain data (dict, list, str, int, float, bool, None, date) with its lines."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    # Raw text of every scalar YAML read as something else than text
    # (`no` as a boolean, `1.10` as a number), for a precise message.
    typed: dict[Path, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its closest written parent."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


class _StrictError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(line, message)


class _StrictComposer(Composer):
    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the parser beside it
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent):
            raise _StrictError(
                line,
                f"les alias YAML (« *{event.anchor} ») ne sont pas acceptés : "
                "recopie la valeur au lieu d'y faire référence",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _StrictError(
                line,
                f"les ancres YAML (« &{anchor} ») ne sont pas acceptées : "
                "écris chaque valeur en entier",
            )
        return super().compose_node(parent, index)


class _PythonLoader(Reader, Scanner, Parser, _StrictComposer, SafeConstructor, Resolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
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
    if document.problems:
        return document
    loader: _PythonLoader | _CLoader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except ReaderError as error:  # not reached: `forbidden` refuses more than PyYAML does
        document.problems.append(problem_at(text, error.position))
        return document
    except _StrictError as error:
        document.problems.append(error.problem)
        return document
    except yaml.MarkedYAMLError as error:
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
    """In French, from what libyaml or PyYAML said (they word it differently)."""
    problem = (error.problem or "").lower()
    mark = error.problem_mark
    at = text[mark.index : mark.index + 1] if mark and mark.index is not None else ""
    if at == "\t" or "tab" in problem:
        return "erreur de syntaxe YAML : tabulation interdite, indente avec des espaces"
    if "indent" in problem or "mapping values" in problem:
        return "erreur de syntaxe YAML : indentation incohérente ou « : » mal placé"
    if "found character" in problem:
        return "erreur de syntaxe YAML : caractère inattendu, mets la valeur entre guillemets"
    if "single document" in (error.context or ""):
        return "un seul document YAML est attendu (pas de « --- » au milieu du fichier)"
    return "erreur de syntaxe YAML : vérifie l'indentation, les « : » et les guillemets"


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
            self._problem(line, "une clé doit être un simple mot (par exemple « name »)")
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
