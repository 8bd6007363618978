"""Check what the bot sent to Mattermost against Mattermost's own OpenAPI spec."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

# Where the spec is wrong about what the server really reads (see shared/mattermost/README.md
# and server/public/model/post.go): a post patch's `props` is an object, not a string.
ERRATA = {("put", "/api/v4/posts/{post_id}/patch"): {"props": {"type": "object"}}}


@functools.cache
def load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return dict(yaml.load(handle, Loader=loader))  # noqa: S506 (safe loader)


def _resolve(node: Any, spec: dict[str, Any], depth: int = 0) -> Any:
    if depth > 30:
        return {}
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, spec, depth + 1)
        return {k: _resolve(v, spec, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, spec, depth + 1) for v in node]
    return node


def request_schema(
    spec: dict[str, Any], method: str, path: str
) -> tuple[str, dict[str, Any] | None]:
    """The spec's path template matching `path`, and its JSON request body schema, if any."""
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            content = item[method].get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                return template, None
            resolved = _resolve(schema, spec)
            for name, fixed in ERRATA.get((method, template), {}).items():
                resolved["properties"][name] = fixed
            return template, resolved
    raise AssertionError(f"{method.upper()} {path} is not in Mattermost's API")


def validate(spec_path: Path, method: str, path: str, body: Any) -> str:
    spec = load(spec_path)
    template, schema = request_schema(spec, method.lower(), path)
    if schema is not None:
        jsonschema.validate(body, schema)
    return template
