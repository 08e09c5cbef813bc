"""plugins.tripwire: a fast path on private internals runs only on proven versions, and says so once."""

from __future__ import annotations

import logging
from importlib import metadata

import pytest

from plugins import tripwire

MARKDOWN = metadata.version("markdown")


def wire(proven, setup, part="test fast path"):
    made = tripwire.Tripwire(part, proven=proven, uses="its private parts", public="the public call",
                             tests="tests/test_tripwire.py", setup=setup)
    tripwire.WIRES.remove(made)  # not kept beyond the test
    return made


class Counter:
    def __init__(self, result=True, error: Exception | None = None):
        self.calls, self.result, self.error = 0, result, error

    def __call__(self):
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.result


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "plugins.tripwire" and r.levelno == logging.WARNING]


def test_assumed_versions_are_parsed_with_canonical_names(monkeypatch):
    assume = " Pelican==4.13.0,twitter_text.parser==3.1  junk ==1 x== Markdown==3.12"
    monkeypatch.setenv(tripwire.ASSUME_ENV, assume)
    assert tripwire.assumed_versions() == {"pelican": "4.13.0", "twitter-text-parser": "3.1",
                                           "markdown": "3.12"}
    assert tripwire.installed_version("MARKDOWN") == "3.12"
    monkeypatch.delenv(tripwire.ASSUME_ENV)
    assert tripwire.installed_version("Markdown") == MARKDOWN
    assert tripwire.installed_version("no-such-distribution-lectern") is None


def test_proven_version_runs_the_setup_once_and_stays_quiet(caplog):
    setup = Counter(result={"fast": 1})
    guard = wire({"Markdown": MARKDOWN}, setup)
    assert [guard.get() for _ in range(5)] == [{"fast": 1}] * 5
    assert setup.calls == 1 and warnings(caplog) == []


@pytest.mark.parametrize("proven", [{"markdown": "0.0.1"}, {"markdown": ("0.0.1", "0.0.2")},
                                    {"markdown": MARKDOWN, "no-such-distribution-lectern": "1.0"}])
def test_other_version_is_warned_once_and_skips_the_setup(proven, caplog):
    setup = Counter()
    guard = wire(proven, setup)
    assert [guard.get() for _ in range(5)] == [None] * 5
    assert setup.calls == 0
    [message] = warnings(caplog)
    assert message.startswith("test fast path: ")
    assert "same output, slower" in message and "the public call" in message
    assert "its private parts" in message
    assert "update PROVEN in tests/test_tripwire.py" in message
    if "no-such-distribution-lectern" in proven:
        assert "no-such-distribution-lectern is not installed, but this fast path" in message
    else:
        assert f"markdown {MARKDOWN} is installed" in message and "0.0.1" in message


def test_assumed_upgrade_trips_a_proven_wire(monkeypatch, caplog):
    monkeypatch.setenv(tripwire.ASSUME_ENV, "markdown==99.0")
    guard = wire({"markdown": MARKDOWN}, Counter())
    assert guard.get() is None
    assert f"markdown 99.0 is installed, but this fast path was proven on markdown {MARKDOWN} only" in (
        warnings(caplog)[0])


@pytest.mark.parametrize("error", [ImportError("no x"), AttributeError("no _open_w"), RuntimeError("shape")])
def test_missing_internals_are_warned_once(error, caplog):
    setup = Counter(error=error)
    guard = wire({"markdown": MARKDOWN}, setup)
    assert guard.get() is None and guard.get() is None
    assert setup.calls == 1
    [message] = warnings(caplog)
    assert f"not what it expects ({type(error).__name__}: {error})" in message


def test_a_trip_in_use_turns_the_fast_path_off_with_one_warning(caplog):
    guard = wire({"markdown": MARKDOWN}, Counter())
    assert guard.get() is True
    guard.trip(AttributeError("gone"))
    guard.trip(KeyError("again"))
    assert guard.get() is None
    assert len(warnings(caplog)) == 1
    guard.forget()
    assert guard.get() is True


def test_every_proven_table_matches_the_lock_file():
    """The pinned versions are the proven ones, so a normal build takes every fast path; bumping a
    pin without re-running the identity tests and updating PROVEN fails here, not silently."""
    import re
    from pathlib import Path

    from plugins.fast_reader import plugin, prefilter, urls, writer
    from publish import lengths

    lock = {}
    for line in (Path(__file__).resolve().parent.parent / "requirements.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep:
            lock[re.sub(r"[-_.]+", "-", name.strip()).lower()] = version.strip()
    wires = [plugin.WIRE, writer.WIRE, prefilter.WIRE, urls.WIRE, lengths.X_WIRE, lengths.GRAPHEME_WIRE]
    for guard in wires:
        for dist, versions in guard.proven.items():
            proven = (versions,) if isinstance(versions, str) else versions
            assert lock.get(dist) in proven, (guard.part, dist, lock.get(dist), proven)
    tripwire.forget_all()
    try:
        assert all(guard.get() is not None for guard in wires)  # and the installed ones are too
    finally:
        tripwire.forget_all()
