"""Write the OpenAPI document to docs/openapi.json, or check that it is up to date."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yiwang.api.urls import api


class Command(BaseCommand):
    help = "Export the OpenAPI schema of /api/v1/ (checked in so API changes show in review)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Default: docs/openapi.json")
        parser.add_argument(
            "--check", action="store_true", help="Fail when the checked-in file differs."
        )

    def handle(self, *args, output, check, **options):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        path = Path(output or Path(settings.BASE_DIR) / "docs" / "openapi.json")
        if check:
            if not path.exists() or path.read_text() != text:
                raise CommandError(
                    f"{path} is out of date with the API; run `make openapi` and commit it."
                )
            self.stdout.write("OpenAPI schema is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
