"""Accessibility checks of a page in Chromium with axe-core (axe-playwright-python)."""

from __future__ import annotations

#: The impacts that fail a test; minor and moderate ones are reported by axe but let pass.
BLOCKING_IMPACTS = {"serious", "critical"}


def accessibility_problems(page, context: str | None = None) -> list[str]:
    """axe's serious and critical violations on ``page`` as it stands (within the CSS
    selector ``context`` when given), one line each: where, rule, help, the first nodes."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, context=context) if context else Axe().run(page)
    return [
        f"{page.url}: [{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in response.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
