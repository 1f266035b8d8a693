"""The ``orderdesk`` command: Django's manage.py under the product's name.

``orderdesk seed``, ``orderdesk worker``, ``orderdesk migrate``, … — every
management command is reachable; ``worker`` is short for the tasks worker.
"""

from __future__ import annotations

import os
import sys

ALIASES: dict[str, list[str]] = {}  # short names for commands with arguments


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ALIASES:
        args = [args[0], *ALIASES[args[1]], *args[2:]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
