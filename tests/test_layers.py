"""The project's layering (DESIGN.md): core imports no domain app; no app imports ``api``
(it only assembles the routers and maps their errors); the workflow core imports no Django."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "yiwang"
DOMAIN_APPS = {
    "cases", "catalog", "identity", "integrations", "notifications", "portal", "processes",
    "workbench", "demo", "events",
}  # fmt: skip


def imports_of(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((str(path.relative_to(SRC)), node.module))
            elif isinstance(node, ast.Import):
                found += [(str(path.relative_to(SRC)), alias.name) for alias in node.names]
    return found


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "yiwang" and len(parts) > 1 else ""


def test_core_imports_no_domain_app():
    offenders = [(f, m) for f, m in imports_of(SRC / "core") if app_of(m) in DOMAIN_APPS | {"api"}]

    assert offenders == []


def test_no_app_imports_the_api_assembly():
    offenders = [
        (f, m)
        for app in (*DOMAIN_APPS, "core")
        for f, m in imports_of(SRC / app)
        if app_of(m) == "api"
    ]

    assert offenders == []


def test_the_workflow_core_imports_no_django():
    offenders = [(f, m) for f, m in imports_of(SRC / "workflow") if m.split(".")[0] == "django"]

    assert offenders == []
