"""The ledger: append-only JSONL with fsync, an exclusive lock, torn lines reported, never dropped."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from publish import ledger


def test_append_fold_and_links(tmp_path):
    path = tmp_path / "l.jsonl"
    with ledger.Writer(path) as w:
        w.append(
            {"event": "pending", "post": "a", "channel": "mastodon", "key": "k1", "hash": "h1", "url": "u"}
        )
        w.append(
            {
                "event": "posted",
                "post": "a",
                "channel": "mastodon",
                "key": "k1",
                "hash": "h1",
                "remote_id": "1",
                "remote_url": "https://social.example/@n/1",
            }
        )
        w.append({"event": "pending", "post": "a", "channel": "x", "key": "k2", "hash": "h1", "url": "u"})
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["time"] for line in lines)
    pairs = ledger.read(path).pairs()
    assert pairs[("a", "mastodon")].state == "posted" and pairs[("a", "mastodon")].hash == "h1"
    assert pairs[("a", "x")].state == "pending" and pairs[("a", "x")].key == "k2"
    assert ledger.syndication_links(ledger.read(path).records) == {
        "a": [{"channel": "mastodon", "name": "Mastodon", "url": "https://social.example/@n/1"}]
    }


def test_torn_last_line_is_reported_kept_and_repaired(tmp_path):
    path = tmp_path / "l.jsonl"
    good = json.dumps({"event": "pending", "post": "a", "channel": "x", "key": "k", "time": "t"})
    path.write_text(good + "\n" + '{"event": "posted", "post": "a", "chan', encoding="utf-8")
    parsed = ledger.read(path)
    assert parsed.torn_fragment == '{"event": "posted", "post": "a", "chan'
    assert [p.line for p in parsed.problems] == [2] and "incomplete" in parsed.problems[0].message
    assert parsed.pairs()[("a", "x")].state == "pending"  # so the next run reconciles it
    with ledger.Writer(path) as w:
        repaired = w.repair(parsed)
        w.append({"event": "posted", "post": "a", "channel": "x", "remote_id": "1", "remote_url": "r"})
    text = path.read_text()
    assert '{"event": "posted", "post": "a", "chan\n' in text  # the fragment is kept, terminated
    assert repaired.problems == [] and repaired.torn_fragment is None
    final = ledger.read(path)
    assert final.problems == [] and final.pairs()[("a", "x")].state == "posted"
    assert [r["event"] for r in final.records] == ["pending", "torn", "posted"]


def test_garbage_in_the_middle_is_reported_with_its_line(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"event": "pending", "post": "a", "channel": "x"}\nnot json\n', encoding="utf-8")
    assert [(p.line, "invalid JSON" in p.message) for p in ledger.read(path).problems] == [(2, True)]


def test_second_writer_fails_clearly(tmp_path):
    path = tmp_path / "l.jsonl"
    with ledger.Writer(path):
        with pytest.raises(ledger.LedgerLocked, match="another publish is running"):
            ledger.Writer(path)
    ledger.Writer(path).close()  # released


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    path = tmp_path / "l.jsonl"
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(__import__("publish").__path__[0] + "/..")!r})
        from publish.ledger import Writer
        w = Writer({str(path)!r})
        print("locked", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9 and "locked" in proc.stdout
    ledger.Writer(path).close()  # no stale lock after a crash


def test_a_last_record_without_its_newline_is_kept_and_the_next_append_starts_a_new_line(tmp_path):
    """An editor that saves without a final newline must not glue the next record onto the last."""
    path = tmp_path / "l.jsonl"
    path.write_text(
        '{"event": "pending", "post": "a", "channel": "x", "key": "k", "time": "t"}', encoding="utf-8"
    )
    parsed = ledger.read(path)
    assert parsed.problems == [] and parsed.unterminated and len(parsed.records) == 1
    with ledger.Writer(path) as w:
        w.repair(parsed)
        w.append({"event": "posted", "post": "a", "channel": "x", "remote_id": "1", "remote_url": "r"})
    final = ledger.read(path)
    assert final.problems == [] and [r["event"] for r in final.records] == ["pending", "posted"]
