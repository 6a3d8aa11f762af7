"""``python -m yiwang <command>`` runs a Django management command.

Dashed names are accepted for yiwang's own operator commands, e.g.
``python -m yiwang verify-audit`` runs ``verify_audit``.
"""

import os
import sys

ALIASES = {"verify-audit": "verify_audit"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["yiwang", *args])


if __name__ == "__main__":
    main()
