"""Pelican's date formatting (`pelican.utils.strftime`) with each format parsed once per process.

Every `SafeDatetime.strftime` — a post's `{date:%Y}` in `ARTICLE_URL` and `ARTICLE_SAVE_AS` each
time Pelican formats them, its `locale_date`, the sitemap's `<lastmod>`, the templates' `strftime`
filter — goes through Pelican's `strftime`, which finds the format's directives with two regex
calls, then formats each directive on its own and puts the pieces back into a template: about
7,000 calls and 0.06 CPU s of a 1,000-post build's main process. Here each format is parsed once
(the same pattern, the same template, the same directive list) and a call only formats:

- a format whose every `%` starts a C89 directive without Pelican's `-` flag (`%Y`, `%z`,
  `%Y-%m-%dT%H:%M:%S`, no stray `%`, no NUL) is formatted by `datetime.strftime` in one call: C's
  `strftime` (and Python's handling of `%z`, `%Z`, `%f`) expands each directive on its own, so the
  whole format gives the text Pelican's pieces give;
- any other format (`%-d %B %Y`, non-C89 directives kept as written) runs Pelican's own steps
  from the cached plan: each directive formatted by `datetime.strftime`, zeros stripped after `-`.

Only `datetime` and Pelican's `SafeDatetime` take it (what Pelican formats with
`datetime.strftime` either way); any other value goes to Pelican's function. It replaces
`pelican.utils.strftime`, so it is used only on the Pelican versions in `PROVEN` and only while
that function is the one this plan copies (its source hash); otherwise the tripwire logs once and
Pelican's function is used. `FAST_DATES = False` turns it off.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import re

from pelican import signals
from pelican import utils as pelican_utils

from plugins.settings import value_of
from plugins.tripwire import Tripwire

#: Pelican versions on which tests/test_fast_reader_dates.py proved the same texts
PROVEN = {"pelican": "4.12.0"}
#: sha256 of Pelican 4.12.0's `strftime` source, whose steps `_plan` and `strftime` repeat
_STRFTIME_SHA256 = "0b3c59004b3eaa07024d45dc4613a1ca6f01a8c900ecb8787be5ef77ccf03ecb"

_PELICAN_STRFTIME = pelican_utils.strftime
_C89 = frozenset("aAbBcdfGHIjmMpSUuVwWxXyYzZ%")  # Pelican's `c89_directives`
_CANDIDATE = re.compile("%[-]?.")  # Pelican's `format_options`
_PLAIN_TYPES = frozenset({datetime.datetime, pelican_utils.SafeDatetime})
_strftime = datetime.datetime.strftime
#: format → (whole, template, steps); steps: (directive, strip zeros) or (text as written, None)
_PLANS: dict[str, tuple[bool, str, tuple[tuple[str, bool | None], ...]]] = {}
_MAX_PLANS = 512


def _plan(date_format: str) -> tuple[bool, str, tuple[tuple[str, bool | None], ...]]:
    candidates = _CANDIDATE.findall(date_format)
    template = _CANDIDATE.sub("%s", date_format)
    steps: list[tuple[str, bool | None]] = []
    for candidate in candidates:
        if candidate[-1] in _C89:
            if len(candidate) == 3:  # "%-d": the directive, then zeros stripped
                steps.append((f"%{candidate[-1]}", True))
            else:
                steps.append((candidate, False))
        else:
            steps.append((candidate, None))  # not C89: kept as written
    whole = (all(strip is False for _, strip in steps) and "\0" not in date_format
             and sum(candidate.count("%") for candidate in candidates) == date_format.count("%"))
    return whole, template, tuple(steps)


def strftime(date, date_format: str) -> str:
    """`pelican.utils.strftime(date, date_format)`, the format parsed once."""
    if type(date) not in _PLAIN_TYPES:
        return _PELICAN_STRFTIME(date, date_format)
    plan = _PLANS.get(date_format)
    if plan is None:
        plan = _plan(date_format)
        if len(_PLANS) < _MAX_PLANS:
            _PLANS[date_format] = plan
    whole, template, steps = plan
    if whole:
        return _strftime(date, date_format)
    formatted = []
    for text, strip in steps:
        if strip is None:
            formatted.append(text)
        elif strip:
            formatted.append(_strftime(date, text).lstrip("0") or "0")
        else:
            formatted.append(_strftime(date, text))
    return template % tuple(formatted)


def _pelican_internals() -> bool:
    """Pelican's `strftime` must be the function this plan copies, and `SafeDatetime.strftime`
    must still hand it every safe call."""
    source = inspect.getsource(_PELICAN_STRFTIME)
    if hashlib.sha256(source.encode("utf-8")).hexdigest() != _STRFTIME_SHA256:
        raise AttributeError("pelican.utils.strftime is not the function this fast path copies")
    if "return strftime(self, fmt)" not in inspect.getsource(pelican_utils.SafeDatetime.strftime):
        raise AttributeError("SafeDatetime.strftime no longer calls pelican.utils.strftime")
    if pelican_utils.strftime not in (_PELICAN_STRFTIME, strftime):
        raise AttributeError("pelican.utils.strftime was replaced by someone else")
    return True


WIRE = Tripwire("fast_reader's date formatting", proven=PROVEN,
                uses="Pelican's pelican.utils.strftime, replaced by a copy that parses each format once",
                public="Pelican's strftime", tests="tests/test_fast_reader_dates.py",
                setup=_pelican_internals)


def start_build(pelican) -> None:
    """initialized: this build formats dates here, or with Pelican's function (FAST_DATES off)."""
    on = value_of(pelican.settings, "FAST_DATES") and WIRE.get() is not None
    pelican_utils.strftime = strftime if on else _PELICAN_STRFTIME


def register() -> None:
    signals.initialized.connect(start_build)
