"""The Ed25519 keys of the audit log's checkpoints: never in the database.

- The **private key** signs checkpoints. Only the process that signs (the
  scheduler) reads it, from ``YIWANG_AUDIT_SIGNING_KEY_FILE`` (PEM, PKCS#8,
  as ``openssl genpkey -algorithm ed25519`` writes it). Outside production a
  missing file is generated on first use (under ``var/``, like the secret
  key); production never generates one.
- The **public keys** check them: ``YIWANG_AUDIT_PUBLIC_KEYS``, every key
  that ever signed (a rotated key stays listed so that its checkpoints still
  verify). Outside production, when none is configured, the public half of
  the signing key file stands in.

A key is named by its id: the first 16 hex digits of the SHA-256 of its 32
raw bytes, carried in every checkpoint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's name in checkpoints: 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(_raw(public_key)).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The key as ``YIWANG_AUDIT_PUBLIC_KEYS`` lists it: base64 of its 32 raw bytes."""
    return base64.b64encode(_raw(public_key)).decode()


def signing_key() -> Ed25519PrivateKey:
    """The private key that signs checkpoints (``YIWANG_AUDIT_SIGNING_KEY_FILE``).

    Side effect outside production: a missing file is created with a new key
    (mode 0600; two processes starting at once end up with the same key).
    Raises ImproperlyConfigured when the setting is empty, or in production
    when the file is missing, or when it holds no Ed25519 private key.
    """
    path = _signing_key_path()
    if path is None:
        raise ImproperlyConfigured(
            "YIWANG_AUDIT_SIGNING_KEY_FILE is not set: the scheduler signs the audit log's "
            "checkpoints with it (see docs/deployment.md, 'The audit log')."
        )
    if not path.exists():
        if _production():
            raise ImproperlyConfigured(
                f"The audit signing key {path} (YIWANG_AUDIT_SIGNING_KEY_FILE) does not exist."
            )
        _generate(path)
    return load_private_key(path)


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys that checkpoints are checked with, by key id. From
    configuration only, never from the database: ``YIWANG_AUDIT_PUBLIC_KEYS``,
    or outside production and when that is empty, the public half of an existing
    signing key file. Raises ImproperlyConfigured for a value that is not a key."""
    texts: list[str] = list(settings.YIWANG_AUDIT_PUBLIC_KEYS)
    keys: dict[str, Ed25519PublicKey] = {}
    for text in texts:
        public_key = _parse_public(text)
        keys[key_id(public_key)] = public_key
    if not texts and not _production():
        path = _signing_key_path()
        if path is not None and path.exists():
            public_key = load_private_key(path).public_key()
            keys[key_id(public_key)] = public_key
    return keys


def _signing_key_path() -> Path | None:
    value = str(settings.YIWANG_AUDIT_SIGNING_KEY_FILE or "")
    return Path(value) if value else None


def _production() -> bool:
    return bool(settings.YIWANG_ENV == "production")


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _generate(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        os.link(scratch, path)  # never replaces a key another process wrote first
    except FileExistsError:
        pass
    finally:
        scratch.unlink()


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file ``path``; ImproperlyConfigured if it is not."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(
            f"{path} (YIWANG_AUDIT_SIGNING_KEY_FILE) is not an unencrypted PEM private key: {error}"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} (YIWANG_AUDIT_SIGNING_KEY_FILE) is not an Ed25519 key")
    return key


def _parse_public(text: str) -> Ed25519PublicKey:
    """A public key from its base64: the 32 raw bytes, or the DER of ``openssl pkey -pubout``
    (the line between the PEM armour)."""
    try:
        data = base64.b64decode(text.strip(), validate=True)
        if len(data) == 32:
            return Ed25519PublicKey.from_public_bytes(data)
        key = serialization.load_der_public_key(data)
    except (binascii.Error, ValueError, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(
            f"YIWANG_AUDIT_PUBLIC_KEYS: {text!r} is not an Ed25519 public key in base64"
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"YIWANG_AUDIT_PUBLIC_KEYS: {text!r} is not an Ed25519 key")
    return key
