"""YAML text to plain data, remembering the line of every node so errors can name it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from yiwang.workflow.errors import Problem

Path = tuple[str | int, ...]
_UNITS = frozenset({"working_days", "hours", "fraction"})


def dotted(path: Path) -> str:
    """``("transitions", 3, "to")`` → ``"transitions[3].to"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class Located:
    """A parsed document and the 1-based line of each path in it (None for overrides)."""

    def __init__(self, data: Any, lines: dict[Path, int]) -> None:
        self.data = data
        self._lines = lines
        self._overridden: set[Path] = set()

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest parent when it is missing from the text."""
        for i in range(len(path), -1, -1):
            prefix = path[:i]
            if prefix in self._overridden:
                return None
            if prefix in self._lines:
                return self._lines[prefix]
        return None

    def override(self, overrides: Mapping[str, Any]) -> None:
        """Merge ``overrides`` into the document: mappings key by key, anything else replaced."""
        if not isinstance(self.data, dict):
            return
        self._merge(self.data, overrides, ())

    def _merge(self, target: dict[str, Any], overrides: Mapping[str, Any], path: Path) -> None:
        # An amount is one of these units: overriding it with another unit replaces it.
        if overrides.keys() & _UNITS:
            for unit in _UNITS - overrides.keys():
                target.pop(unit, None)
        for key, value in overrides.items():
            here = (*path, key)
            if isinstance(value, Mapping) and isinstance(target.get(key), dict):
                self._merge(target[key], value, here)
            else:
                target[key] = _plain(value)
                self._overridden.add(here)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def parse(text: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML ``text``; on a syntax error, no document and the problem with its line."""
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(1, "", "the document is empty")]
        lines: dict[Path, int] = {}
        data = _build(loader, node, (), lines, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(line, "", f"not valid YAML: {exc.problem or exc}")]
    finally:
        loader.dispose()
    return Located(data, lines), problems


def _build(
    loader: yaml.SafeLoader, node: Node, path: Path, lines: dict[Path, int], problems: list[Problem]
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                problems.append(Problem(line, dotted(path), f"key {key!r} must be text"))
                continue
            if key in out:
                problems.append(Problem(line, dotted((*path, key)), "appears twice"))
                continue
            out[key] = _build(loader, value_node, (*path, key), lines, problems)
            lines[(*path, key)] = line
        return out
    if isinstance(node, SequenceNode):
        return [_build(loader, v, (*path, i), lines, problems) for i, v in enumerate(node.value)]
    return loader.construct_object(node)
