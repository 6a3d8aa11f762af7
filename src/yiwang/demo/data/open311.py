"""The demo city's Open311 integrator key (docs/open311.md).

Deterministic, like the demo accounts' shared password: the same key on every
machine and every run, so ``make run`` can print it each time (only its hash is
stored). It is published, so the demo loader refuses production unless forced.
"""

#: The demo integrator account that owns the key (accounts.USERS).
OWNER = "integrator"
NAME = "Demo integrator (济南随手拍)"
API_KEY = "jinan-demo-open311-key-2026"
RATE_PER_MINUTE = 600
