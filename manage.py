#!/usr/bin/env python
"""Django's command-line utility; the installed ``orderdesk`` command is the same."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from orderdesk.cli import main

if __name__ == "__main__":
    main()
