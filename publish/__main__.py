"""`python -m publish` (see publish/cli.py)."""

from publish.cli import entry

entry()
