"""``manage.py load_districts <file.geojson> [--source TEXT]``: load the city's district
boundaries (a GeoJSON FeatureCollection, WGS-84; ``properties.code`` = GB/T 2260 region code).

A city loads its official boundaries here; the demo's come from ``load_demo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.events.errors import EventInvalid
from yiwang.events.services import districts_load


class Command(BaseCommand):
    help = "Load district boundaries from a GeoJSON FeatureCollection (replaces those given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="", help="Where the boundaries come from.")

    def handle(self, *args: Any, path: Path, source: str, **options: Any) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            count = districts_load(actor=None, geojson=text, source=source or path.name)
        except EventInvalid as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} district boundaries loaded from {path}")
