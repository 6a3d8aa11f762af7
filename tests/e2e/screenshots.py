"""Screenshots for the docs, taken by the browser journeys when asked.

``YIWANG_SCREENSHOTS=docs/screenshots`` (a folder) makes :func:`capture` save the page as
it stands, at a desktop size and at a phone's, as ``<name>-desktop.png`` and
``<name>-phone.png``; without it :func:`capture` does nothing, so the suite takes none.
The README links the ones in ``docs/screenshots/`` (how to renew them: docs/testing.md).
"""

from __future__ import annotations

import os
from pathlib import Path

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}


def capture(page, name: str) -> None:
    folder = os.environ.get("YIWANG_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(Path(folder) / f"{name}-{size}.png"), full_page=True)
    if before:
        page.set_viewport_size(before)
