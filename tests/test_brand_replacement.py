"""The finding model's unambiguous fix: exact source offsets and `replacement` (terms rule)."""

from __future__ import annotations

import pytest
from test_brand_support import TEST_BRAND, config, find, post

from plugins.brand_guard.core import check_bytes, check_social_text


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config(tmp_path_factory.mktemp("brand"))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_findings_carry_the_exact_source_span_after_crlf_emoji_and_other_scripts(cfg, newline):
    body = newline.join(["Ünïcode 😀𝒳 first, then Linkedin.", "日本語 and NorthwindLedger.",
                         "<b>Linkedin</b> and linked-in."]) + newline
    src = post(body).replace("\n", newline)
    found = find(cfg, src, "terms")
    assert [src[f.start:f.end] for f in found] == ["Linkedin", "NorthwindLedger", "Linkedin", "linked-in"]
    for f in found:  # line:column and the offsets describe the same place
        line_start = src.rfind("\n", 0, f.start) + 1
        assert (f.line, f.column) == (src.count("\n", 0, f.start) + 1, f.start - line_start + 1)


def test_bom_is_not_counted_in_offsets(cfg):
    data = "\ufeff".encode() + post("We like Linkedin.\n").encode()
    (f,) = [f for f in check_bytes("p.md", data, cfg).findings if f.rule == "terms"]
    assert data.decode("utf-8-sig")[f.start:f.end] == "Linkedin"


def test_variant_with_one_preferred_form_and_miscased_name_get_a_replacement(cfg):
    src = post("Linkedin, NorthwindLedger, North-wind Ledger and northwind ledger.\n")
    assert [(src[f.start:f.end], f.replacement) for f in find(cfg, src, "terms")] == [
        ("Linkedin", "LinkedIn"), ("NorthwindLedger", "Northwind Ledger"),
        ("North-wind Ledger", "Northwind Ledger"), ("northwind ledger", "Northwind Ledger")]


def test_doubtful_cases_have_advice_but_no_replacement(tmp_path):
    cfg = config(tmp_path, TEST_BRAND.replace(
        "  - use: accounts payable\n",
        "  - use: email\n    instead_of: [e-mail]\n  - use: Linked In Group\n    instead_of: [linked-in]\n"
        "  - use: accounts payable\n"))
    src = post("AP is here. We pay AP. Northwind\nLedger wraps, Northwind\nledger breaks. linked-in. "
               "E-mail works. E-MAIL shouts. e-mail.\n")
    got = {(src[f.start:f.end], f.replacement) for f in find(cfg, src, "terms")}
    assert ("AP", None) in got  # "accounts payable" or "Accounts payable": depends on the sentence
    assert ("Northwind\nledger", None) in got  # would move a line break
    assert ("linked-in", None) in got  # listed under two `use` forms
    assert {("E-mail", "Email"), ("E-MAIL", None), ("e-mail", "email")} <= got
    assert all(f.suggestion for f in find(cfg, src, "terms"))


def test_social_text_offsets_are_within_the_text(cfg):
    text = "🎉 Follow us on Linkedin"
    (f,) = [f for f in check_social_text(text, cfg) if f.rule == "terms"]
    assert (text[f.start:f.end], f.replacement) == ("Linkedin", "LinkedIn")


def test_public_json_shape_is_unchanged(cfg):
    (f,) = find(cfg, post("Linkedin\n"), "terms")
    assert list(f.as_json()) == ["path", "line", "column", "rule", "severity", "message", "suggestion"]
