"""bidi: invisible direction controls ("Trojan Source") in a post's prose are reported at path:line:col,
with a delete-it fix only where deleting cannot change what a reader sees into something unwritten;
Arabic and Hebrew text keeps its legitimate marks, code is never touched, and a code name stored
backwards after a right-to-left override (so it reads forwards on the page) is a confidential error.
"""

from __future__ import annotations

import re

import pytest
from test_brand_fix import cli
from test_brand_support import FILLER, config, find, position, post, write_config

from plugins.brand_guard import core
from plugins.brand_guard.fix import plan_text
from plugins.brand_guard.rules.bidi import CONTROLS, check_bidi

LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config(tmp_path_factory.mktemp("brand"))


def bidi(cfg, source: str) -> list[tuple[int, int, str, str | None]]:
    return [(f.line, f.column, f.message, f.replacement) for f in find(cfg, source, "bidi")]


@pytest.mark.parametrize("char", [LRE, RLE, PDF, LRO, LRI, RLI, FSI, PDI, RLM, ALM])
def test_each_control_in_latin_prose_is_reported_where_it_stands_with_a_delete_fix(cfg, char):
    source = post(f"{FILLER}\nOur fees are low{char} and our close is calm.\n")
    found = bidi(cfg, source)
    assert len(found) == 1, found
    line, column, message, replacement = found[0]
    assert (line, column) == position(source, char)
    assert f"U+{ord(char):04X}" in message and message.endswith("— delete it")
    assert replacement == ""


def test_a_left_to_right_mark_in_latin_text_changes_nothing_and_is_not_reported(cfg):
    assert bidi(cfg, post(f"Our fees{LRM} are low.\n")) == []


def test_the_reported_places_and_messages_of_a_reordering_embedding(cfg):
    source = post(f"{FILLER}\nWe cut fees {RLE}rise, costs fall{PDF} this year.\n")
    found = bidi(cfg, source)
    assert [(line, column) for line, column, _, _ in found] == [position(source, RLE), position(source, PDF)]
    assert "RIGHT-TO-LEFT EMBEDDING" in found[0][2] and "another order" in found[0][2]
    assert str(find(cfg, source, "bidi")[0]).startswith(f"post.md:{found[0][0]}:{found[0][1]} warning bidi ")


def test_an_override_that_reverses_letters_has_no_fix_and_says_what_readers_see(cfg):
    source = post(f"{FILLER}\nThe plan is {RLO}dlob{PDF} and final.\n")
    found = find(cfg, source, "bidi")
    assert [(f.line, f.column, f.severity, f.replacement) for f in found] == [
        (*position(source, RLO), "warning", None)]  # its closing PDF goes with it: not a second finding
    assert "readers see 'bold'" in found[0].message and "get 'dlob'" in found[0].message
    # Deleting the override alone would show "dlob": no automatic fix, and --fix leaves the file alone.
    assert plan_text("post.md", source, cfg).after in (None, source)


def test_an_override_that_is_never_closed_governs_to_the_end_of_its_paragraph(cfg):
    source = post(f"{FILLER}\nThe plan is {RLO}dlob and\nfinal.\n\nNext paragraph.\n")
    message = find(cfg, source, "bidi")[0].message
    assert "readers see '.lanif dna bold'" in message


@pytest.mark.parametrize("text", [
    f"שלום {LRI}Northwind Ledger{PDI} עולם{RLM}.",  # Hebrew with an isolated English name and a mark
    f"قال {LRE}Northwind{PDF} إن الإغلاق أسرع{ALM}.",  # Arabic with an embedding and an Arabic letter mark
    f"Our partner in Tel Aviv wrote: {RLI}השותפות שלנו חזקה{PDI}{LRM} and we agree.",  # mixed RTL/LTR
    f"مرحبا{RLM} 2026 {FSI}Q3{PDI}",
])
def test_arabic_and_hebrew_keep_their_legitimate_marks(cfg, text):
    source = post(f"{FILLER}\n{text}\n")
    assert bidi(cfg, source) == []
    assert check_bidi(text) == []


def test_a_right_to_left_paragraph_does_not_excuse_the_latin_paragraph_after_it(cfg):
    source = post(f"שלום {LRI}Northwind{PDI} עולם.\n\nOur fees{RLM} 100 - 50 now.\n")
    assert [(line, column) for line, column, _, _ in bidi(cfg, source)] == [position(source, RLM)]


def test_an_override_in_right_to_left_text_is_still_reported(cfg):
    source = post(f"שלום {LRO}עולם{PDF} טוב.\n")
    found = find(cfg, source, "bidi")
    assert [(f.line, f.column, f.replacement) for f in found] == [(*position(source, LRO), None)]


def test_code_blocks_and_inline_code_are_never_touched(cfg):
    body = (f"{FILLER}\n```python\nif user != \"admin{RLO}{LRI}// check{PDI}{LRI}\":\n```\n\n"
            f"    indented {RLE}code{PDF}\n\nSee `a{RLM}b` here.\n")
    source = post(body)
    assert bidi(cfg, source) == []
    assert plan_text("post.md", source, cfg).after in (None, source)


def test_title_summary_and_social_texts_are_checked(cfg):
    source = post("Body text.\n", header=f"Title: Our {RLE}close{PDF} story\nSummary: Fees{RLM} 10 - 5.")
    fields = [(f.field, f.line) for f in find(cfg, source, "bidi")]
    assert ("title", 1) in fields and ("summary", 2) in fields
    social = core.check_social_text(f"Our close {RLO}ylno{PDF}", cfg, channel="x")
    assert [f.rule for f in social if f.rule == "bidi"] == ["bidi"]


def test_fix_deletes_the_removable_controls_and_nothing_else(cfg):
    source = post(f"{FILLER}\nWe cut fees {RLE}rise, costs fall{PDF} and{RLM} 100 - 50{LRM} stays.\n")
    plan = plan_text("post.md", source, cfg)
    assert plan.refused is None, plan.refused
    assert plan.after == source.replace(RLE, "").replace(PDF, "").replace(RLM, "")
    assert bidi(cfg, plan.after) == []


def test_hostile_text_around_the_controls(cfg):
    name = "Ü" * 500
    source = post(f"{FILLER}\n&lt;b&gt; {name} <b>x</b>{RLI} \u200b{PDI} «q» e\u0301{RLM}\n")
    found = bidi(cfg, source)
    assert [(line, column) for line, column, _, _ in found] == [
        position(source, RLI), position(source, PDI), position(source, RLM)]


def test_every_control_is_one_of_the_listed_code_points():
    assert sorted(CONTROLS) == sorted("\u200e\u200f\u061c" + "".join(map(chr, range(0x202A, 0x202F)))
                                      + "".join(map(chr, range(0x2066, 0x206A))))


# ---------------------------------------------------------------- code names behind direction controls

@pytest.mark.parametrize("disguise", [
    f"Project Blue{RLO}fin",
    f"Project {LRI}Bluefin{PDI}",
    f"Project Blue{RLM}fin",
    f"{RLE}Tide{PDF}water",
    f"Tide{ALM}water",
])
def test_a_code_name_split_or_wrapped_by_direction_controls_is_still_a_leak(cfg, disguise):
    found = find(cfg, post(f"{FILLER}\nWe mention {disguise} here.\n"), "confidential")
    assert found and all(f.severity == "error" for f in found)


@pytest.mark.parametrize("written", [f"{RLO}nifeulB tcejorP{PDF}", f"{RLO}retawediT",
                                     f"`{RLO}retawediT{PDF}`", f"{RLO}niFEULb TCEJORp{PDF}"])
def test_a_code_name_stored_backwards_after_an_override_reads_forwards_and_is_a_leak(cfg, written):
    source = post(f"{FILLER}\nOur next step: {written} launches soon.\n")
    leaks = find(cfg, source, "confidential")
    assert leaks, written
    leak = leaks[0]
    assert leak.severity == "error" and "backwards" in leak.message
    line, column = position(source, RLO)
    assert (leak.line, leak.column) == (line, column + 1)  # the first stored letter after the override
    result = core.check_source("post.md", source, cfg, audience="internal")
    assert not [f for f in result.findings if f.rule == "confidential"]  # internal posts may name it


def test_a_name_after_a_left_to_right_override_reads_in_stored_order(cfg):
    source = post(f"{FILLER}\nWe shipped {LRO}retawediT{PDF} on time.\n")
    assert find(cfg, source, "confidential") == []


def test_make_brand_reports_path_line_col_and_fix_write_deletes_only_prose_controls(tmp_path):
    write_config(tmp_path)
    (tmp_path / "content").mkdir()
    text = (f"Title: Fees\r\nDate: 2026-01-01\r\n\r\nWe cut fees {RLE}rise, costs fall{PDF} now.\r\n\r\n"
            f"```\r\nif x != \"a{RLE}b\":\r\n```\r\n\r\nשלום {LRI}Northwind{PDI} עולם{RLM}.\r\n")
    path = tmp_path / "content" / "fees.md"
    path.write_bytes(text.encode())
    run = cli("--config", "brand.yml", "content", cwd=tmp_path)
    line, column = position(text.replace("\r\n", "\n"), RLE)
    assert "content/fees.md" in run.stdout
    assert re.search(rf"^ +{line}:{column} +warning +bidi +invisible direction control U\+202B ", run.stdout,
                     re.M), run.stdout
    assert run.stdout.count(" bidi ") == 2  # the embedding and its closer; not the code, not the Hebrew
    fixed = cli("--config", "brand.yml", "--fix", "write", "content", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert path.read_bytes() == text.replace(f"{RLE}rise, costs fall{PDF}", "rise, costs fall").encode()


def test_a_social_text_with_a_code_name_stored_backwards_is_a_confidential_error(cfg):
    """Composed social texts go through check_social_text before any network call (publish.brand)."""
    found = core.check_social_text(f"Big news: {RLO}nifeulB tcejorP{PDF} is here", cfg, channel="x")
    assert [(f.rule, f.severity, f.column) for f in found if f.rule == "confidential"] == [
        ("confidential", "error", 12)]
    internal = core.check_social_text(f"{RLO}nifeulB tcejorP{PDF}", cfg, audience="internal", channel="slack")
    assert not [f for f in internal if f.rule == "confidential"]
