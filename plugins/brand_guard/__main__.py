"""Entry point for `python -m plugins.brand_guard` (see cli.py)."""

import sys

from .cli import main

sys.exit(main())
