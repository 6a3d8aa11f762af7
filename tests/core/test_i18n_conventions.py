"""Translations must follow the request's language.

A non-lazy ``gettext`` evaluated at import time (a module constant or a
class attribute) freezes the text in whatever language was active when the
module was first imported, so a Chinese officer could get English messages
or the reverse. Such texts must use ``gettext_lazy``.
"""

import ast
from pathlib import Path

import yiwang

SRC = Path(yiwang.__file__).parent
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_calls_at_import(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found: list[str] = []

    class ImportTimeCalls(ast.NodeVisitor):
        def visit_FunctionDef(self, node: ast.AST) -> None:  # bodies run later: fine
            return

        visit_AsyncFunctionDef = visit_FunctionDef
        visit_Lambda = visit_FunctionDef

        def visit_Call(self, node: ast.Call) -> None:
            if isinstance(node.func, ast.Name) and node.func.id in names:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
            self.generic_visit(node)

    if names:
        ImportTimeCalls().visit(tree)
    return found


def test_no_text_is_translated_at_import_time():
    offenders = [
        hit
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for hit in _eager_calls_at_import(path)
    ]
    assert offenders == [], f"use gettext_lazy for texts evaluated at import: {offenders}"
