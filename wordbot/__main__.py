"""Entry point: `wordbot ...` and `python -m wordbot ...`."""

from __future__ import annotations

import sys

from wordbot.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
