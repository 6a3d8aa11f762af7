"""``manage.py audit_key``: the public key of the audit log's signing key, or a new key.

Without arguments: the id and public key of ``YIWANG_AUDIT_SIGNING_KEY_FILE``
(outside production generated on first use), the value to list in
``YIWANG_AUDIT_PUBLIC_KEYS``; ``--key FILE``: of that key file instead. With
``--generate FILE``: write a new Ed25519 private key there (mode 0600, never
over an existing file) and print its public key, to rotate the key
(docs/deployment.md, "The audit log").
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from yiwang.core.audit.keys import key_id, load_private_key, public_key_text, signing_key


class Command(BaseCommand):
    help = "Show the public key of the audit log's signing key, or generate a new key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--generate",
            metavar="FILE",
            type=Path,
            help="Write a new Ed25519 private key to FILE (which must not exist).",
        )
        parser.add_argument(
            "--key",
            metavar="FILE",
            type=Path,
            help="Show the public key of this private key file (PEM), not the configured one.",
        )

    def handle(self, *args: Any, generate: Path | None, key: Path | None, **options: Any) -> None:
        private = self._generate(generate) if generate else self._load(key)
        public_key = private.public_key()
        self.stdout.write(f"key id:     {key_id(public_key)}")
        self.stdout.write(f"public key: {public_key_text(public_key)}")

    def _generate(self, path: Path) -> Ed25519PrivateKey:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot create {path}: {error}") from error
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        return key

    def _load(self, path: Path | None) -> Ed25519PrivateKey:
        try:
            return signing_key() if path is None else load_private_key(path)
        except (ImproperlyConfigured, OSError) as error:
            raise CommandError(str(error)) from error
