"""Plain ISO dates read without dateutil, with the result Pelican's own parser gives.

Pelican reads every `Date:` and `Modified:` with `pelican.utils.get_date` — dateutil's general
parser, about a tenth of a millisecond a value, in the build's serial reading phase. Posts write
`YYYY-MM-DD[ HH:MM[:SS]]` (the contract's form). For such a value that `datetime.fromisoformat`
accepts, dateutil's answer is the same naive datetime (its default, today at midnight, only fills
what the text leaves out: the time, which ISO fills with zeros), as Pelican's `SafeDatetime`. So
post_contract's reader answers those from `SafeDatetime.fromisoformat` and leaves every other
spelling (and every impossible date) to Pelican.

This copies what Pelican's date processors do (private to its readers module), so it is used only on
the versions in `PROVEN`; on any other the tripwire logs once and Pelican parses every date.
"""

from __future__ import annotations

import inspect
import re
from datetime import datetime

from plugins.tripwire import Tripwire

#: Pelican and dateutil versions on which tests/test_contract_dates.py proved the same datetimes
PROVEN = {"pelican": "4.12.0", "python-dateutil": "2.9.0.post0"}

#: `YYYY-MM-DD[ HH:MM[:SS]]` (T also separates): ASCII digits only.
PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


def is_plain(value: str) -> bool:
    """True when `value` is a plain ISO date or time that exists (dateutil reads it too)."""
    if not PLAIN_DATE.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _pelican_processors() -> dict:
    """Pelican's `date` / `modified` processors, checked to be `get_date` of the value (`_` read as a
    space for `date`), and `get_date` to be dateutil with a midnight default."""
    from pelican import readers, utils

    processors = {name: readers.METADATA_PROCESSORS[name] for name in ("date", "modified")}
    if "get_date(x.replace(\"_\", \" \"))" not in inspect.getsource(processors["date"]):
        raise AttributeError("Pelican's date processor no longer is get_date(value with _ as space)")
    if "get_date(x)" not in inspect.getsource(processors["modified"]):
        raise AttributeError("Pelican's modified processor no longer is get_date(value)")
    source = inspect.getsource(utils.get_date)
    if "dateutil.parser.parse(string, default=default)" not in source or "hour=0, minute=0" not in source:
        raise AttributeError("pelican.utils.get_date no longer parses with dateutil and a midnight default")
    return processors


WIRE = Tripwire("post_contract's plain dates", proven=PROVEN,
                uses="a copy of Pelican's date processors (pelican.readers.METADATA_PROCESSORS)",
                public="Pelican's own date parser for every date", tests="tests/test_contract_dates.py",
                setup=_pelican_processors)


def pelican_date(name: str, value) -> datetime | None:
    """What Pelican's `name` processor returns for `value`, when it is a plain ISO date; else None
    (the caller lets Pelican parse it). Only while Pelican's processor is still its own."""
    if name not in ("date", "modified") or not isinstance(value, str):
        return None
    processors = WIRE.get()
    if processors is None:
        return None
    from pelican import readers
    from pelican.utils import SafeDatetime

    if readers.METADATA_PROCESSORS.get(name) is not processors[name]:
        return None  # another plugin replaced it: its parser decides
    if name == "date":
        value = value.replace("_", " ")
    if not is_plain(value):
        return None
    return SafeDatetime.fromisoformat(value)
