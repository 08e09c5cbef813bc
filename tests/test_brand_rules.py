"""Each brand rule, positive and negative, with exact line:column for every finding."""

from __future__ import annotations

import pytest
from test_brand_support import FILLER, config, find, position, post

from plugins.brand_guard.core import check_social_text, check_source
from plugins.brand_guard.rules.encoding import check_encoding
from plugins.brand_guard.rules.readability import long_sentences


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config(tmp_path_factory.mktemp("brand"))


def where(findings):
    return [(f.line, f.column) for f in findings]


# ---------------------------------------------------------------- terms

def test_terms_flags_each_variant_on_one_line_at_its_own_column(cfg):
    src = post("Linkedin and Linkedin and LinkedIn and linked-in.\n")
    found = find(cfg, src, "terms")
    assert where(found) == [position(src, "Linkedin", 1), position(src, "Linkedin", 2),
                            position(src, "linked-in")]
    assert {f.suggestion for f in found} == {"LinkedIn"}
    assert found[0].severity == "warning" and found[0].end_column == found[0].column + 7


def test_terms_enforces_exact_case_of_names_but_accepts_line_wraps_and_possessives(cfg):
    src = post("Northwind ledger ships. Northwind Ledger's team\nsays Northwind\nLedger is fine. "
               "NORTHWIND LEDGER shouts. NorthwindLedger too.\n")
    found = find(cfg, src, "terms")
    assert where(found) == [position(src, "Northwind ledger"), position(src, "NORTHWIND LEDGER"),
                            position(src, "NorthwindLedger")]
    assert all(f.severity == "error" and f.suggestion == "Northwind Ledger" for f in found)


def test_terms_acronym_variant_is_case_sensitive_and_word_bounded(cfg):
    src = post("Ask AP first. The API, an ap, SOAP and APs.\n")
    found = find(cfg, src, "terms")
    assert where(found) == [position(src, "AP first"), position(src, "APs")]
    assert found[0].suggestion == "accounts payable" and found[0].severity == "suggestion"


def test_terms_common_noun_may_start_a_sentence(cfg):
    assert find(cfg, post("Accounts payable is a team. So is accounts payable.\n"), "terms") == []


def test_terms_skip_code_urls_and_link_targets_but_not_link_text(cfg):
    src = post("Use `Linkedin` or https://linkedin.com/Linkedin or [Linkedin](https://x.example/Linkedin).\n")
    found = find(cfg, src, "terms")
    assert where(found) == [position(src, "[Linkedin]")[:1] + (position(src, "[Linkedin]")[1] + 1,)]


def test_terms_skip_bare_host_names_but_not_a_missing_space(cfg):
    src = post("See insights.northwindledger.example/posts/x and NorthwindLedger.Then more.\n")
    found = find(cfg, src, "terms")
    assert where(found) == [position(src, "NorthwindLedger.Then")]
    social = check_social_text("Read it at insights.northwindledger.example/posts/x.", cfg)
    assert [f for f in social if f.rule == "terms"] == []


# ---------------------------------------------------------------- avoid

def test_avoid_reports_reason_severity_and_suggestion(cfg):
    src = post("We found synergy. Synergies too, then leveraging and leveraged it.\n")
    found = find(cfg, src, "avoid")
    assert where(found) == [position(src, "synergy"), position(src, "Synergies"),
                            position(src, "leveraging"), position(src, "leveraged")]
    assert "jargon that says nothing" in found[0].message and found[0].severity == "warning"
    assert found[2].severity == "error" and found[2].suggestion == '"use"'


def test_avoid_is_word_bounded(cfg):
    assert find(cfg, post("Synergistic effects and unleveraged ideas.\n"), "avoid") == []


def test_style_rules_skip_fenced_indented_and_inline_code(cfg):
    body = ("Intro paragraph.\n\n```text\nsynergy in a fence\n```\n\n    synergy indented code\n\n"
            "Inline `synergy` code and ``a `synergy` span``.\n\n~~~\nsynergy\n~~~\n")
    assert find(cfg, post(body), "avoid") == []


# ---------------------------------------------------------------- hype

def test_hype_in_a_long_body_is_a_suggestion_and_past_density_a_warning(cfg):
    calm = post(FILLER * 40 + "One revolutionary idea.\n")
    found = find(cfg, calm, "hype")
    assert where(found) == [position(calm, "revolutionary")] and found[0].severity == "suggestion"
    dense = post("A revolutionary, best-in-class close. Revolutionary!\n")
    found = find(cfg, dense, "hype")
    assert [f.severity for f in found] == ["warning"] * 3
    assert where(found) == [position(dense, "revolutionary"), position(dense, "best-in-class"),
                            position(dense, "Revolutionary")]


def test_hype_in_title_and_social_is_always_a_warning(cfg):
    src = "Title: A revolutionary close\nSocial_x: Best in class close, BUY NOW!!\n\n" + FILLER * 40
    found = find(cfg, src, "hype")
    assert [(f.line, f.column, f.severity, f.field) for f in found] == [
        (1, 10, "warning", "title"), (2, 11, "warning", "social_x"), (2, 32, "warning", "social_x"),
        (2, 39, "warning", "social_x")]


def test_hype_patterns_caps_calls_to_action_and_exclamation_runs(cfg):
    src = post("FREE trial. Our CFO and GAAP team. Click here! Really?! Why?? Great!\n")
    found = find(cfg, src, "hype")
    assert where(found) == [position(src, "FREE"), position(src, "Click here"), position(src, "?!")]
    assert found[0].suggestion == "Free"


def test_hype_inside_quotes_or_blockquotes_is_downgraded(cfg):
    src = post('She said "a revolutionary close" and we wrote revolutionary.\n\n'
               "> A best-in-class quote.\n")
    found = find(cfg, src, "hype")
    assert [(f.line, f.column, f.severity) for f in found] == [
        (*position(src, "revolutionary", 1), "suggestion"),
        (*position(src, "revolutionary", 2), "warning"),
        (*position(src, "best-in-class"), "suggestion")]
    assert "(quoted)" in found[0].message
    title = "Title: Why \u201cbest-in-class\u201d means nothing\n\n" + FILLER * 5
    assert [f.severity for f in find(cfg, title, "hype")] == ["suggestion"]


# ---------------------------------------------------------------- confidential

LEAKS = {
    "fenced code": "```python\nrelease = 'project_bluefin'\n```\n",
    "inline code": "Run `deploy --target Project-Bluefin` now.\n",
    "link target": "See [the plan](https://wiki.example/Project%20Bluefin).\n",
    "image alt": "![ProjectBluefin roadmap](img.png)\n",
    "html comment": "<!-- TODO PROJECT BLUEFIN -->\n",
    "cjk neighbour": "日本のTidewaterについて。\n",
}


@pytest.mark.parametrize("body", LEAKS.values(), ids=LEAKS.keys())
def test_confidential_is_found_in_raw_source_everywhere(cfg, body):
    src = post("Intro.\n\n" + body)
    found = find(cfg, src, "confidential")
    assert len(found) == 1 and found[0].severity == "error"
    line, column = found[0].line, found[0].column
    text = src.splitlines()[line - 1][column - 1:]
    assert text.lower().replace("%20", " ").replace("_", " ").replace("-", " ").startswith(
        ("project", "tidewater"))


def test_confidential_in_metadata_slug_and_file_name(cfg):
    src = "Title: Roadmap\nTags: plans, project bluefin\nSlug: tidewater-update\n\nBody.\n"
    found = find(cfg, src, "confidential")
    assert where(found) == [position(src, "project bluefin"), position(src, "tidewater")]
    named = check_source("posts/project-bluefin-notes.md", "Title: Notes\n\nBody.\n", cfg).findings
    assert [(f.rule, f.line, f.column, f.field) for f in named] == [("confidential", 1, 1, "file")]
    slugged = check_source("a.md", "Title: Notes\n\nBody.\n", cfg, slug="tidewater-notes").findings
    assert [(f.rule, f.field) for f in slugged] == [("confidential", "slug")]


def test_confidential_repeated_on_one_line_and_word_bounded(cfg):
    src = post("Tidewater, tidewater and TIDEWATER; not Tidewatering or Bluefin tuna.\n")
    found = find(cfg, src, "confidential")
    assert where(found) == [position(src, "Tidewater"), position(src, "tidewater"),
                            position(src, "TIDEWATER")]


def test_confidential_is_allowed_in_internal_posts_only(cfg):
    src = "Title: Notes\nAudience: internal\n\nProject Bluefin ships in January.\n"
    assert find(cfg, src, "confidential") == []
    assert len(find(cfg, src.replace("internal", "public"), "confidential")) == 1


def test_confidential_cannot_be_suppressed(cfg):
    src = ("Title: Notes\nBrand_ignore: confidential, avoid\n\n<!-- brand: off -->\n"
           "Project Bluefin and synergy.\n<!-- brand: on -->\n")
    result = check_source("post.md", src, cfg)
    assert [f.rule for f in result.findings] == ["confidential"]
    assert any("cannot be suppressed" in note for note in result.notes)


def test_confidential_in_a_draft_is_reported_but_does_not_block(cfg):
    src = "Title: Notes\nStatus: draft\n\nProject Bluefin.\n"
    result = check_source("post.md", src, cfg)
    assert result.draft and len(result.findings) == 1 and result.blocking == []
    scheduled = check_source("post.md", "Title: Later\nDate: 2999-01-01 08:00\n\nTidewater.\n", cfg)
    assert scheduled.draft and scheduled.blocking == []
    public = check_source("post.md", "Title: Now\nDate: 2020-01-01\n\nTidewater.\n", cfg)
    assert not public.draft and len(public.blocking) == 1


# ---------------------------------------------------------------- readability

def test_readability_flags_long_sentences_at_their_first_word(cfg):
    long = "Every controller we met in the spring said the close took far too many days."
    src = post(f"Short one. {long} Short again.\n")
    found = find(cfg, src, "readability")
    assert where(found) == [position(src, "Every")] and "15 words (limit 12)" in found[0].message


def test_readability_treats_list_items_headings_and_code_as_separate_blocks():
    view = "- one two three four five\n- six seven eight nine ten\n"
    assert long_sentences(view.replace("- ", "\x00 "), 6) == []
    assert len(long_sentences("one two three four five six seven", 6)) == 1


# ---------------------------------------------------------------- encoding

def test_encoding_flags_mojibake_with_the_intended_character(cfg):
    src = post("Itâ€™s a cafÃ© with â€œquotesâ€\x9d and a lost \ufffd mark. Real café stays.\n")
    found = find(cfg, src, "encoding")
    assert [(f.line, f.column, f.suggestion) for f in found] == [
        (*position(src, "â€™"), "’"), (*position(src, "Ã©"), "é"), (*position(src, "â€œ"), "“"),
        (*position(src, "â€\x9d"), "”"), (*position(src, "\ufffd"), None)]


def test_encoding_leaves_real_accents_cjk_and_emoji_alone():
    assert check_encoding("Café, naïve, São Paulo, Ångström, 日本語, 🎉 « à » ü") == []


# ---------------------------------------------------------------- alignment

def test_alignment_scores_on_and_off_brand_posts_with_evidence(cfg):
    on = post("Trust is earned at the close, not in the sales deck.\n"
              "Last spring a partner firm sent us three controllers from one referral.\n"
              "Each of them had lost a week to manual reconciliation before.\n"
              "We kept the relationship honest by showing every rule we changed.\n"
              "Their cash flow forecast now arrives on the second working day.\n"
              "One controller told her board the numbers were finally boring.\n"
              "That referral came because she could trust what she signed.\n"
              "Our partner team still reviews her close calendar every quarter.\n")
    off = post("Preheat the oven. Peel the apples and slice them thin, then bake the pie "
               "until golden and serve it warm with cream. " * 3)
    good = check_source("on.md", on, cfg)
    bad = check_source("off.md", off, cfg)
    assert good.alignment.score >= 80 and good.alignment.pillars["trusted relationships"] >= 80
    assert not [f for f in good.findings if f.rule == "alignment"]
    assert bad.alignment.score < 40
    warn = [f for f in bad.findings if f.rule == "alignment"]
    assert [(f.line, f.column, f.severity) for f in warn] == [(1, 8, "warning")]
    quotes = good.evidence["trusted relationships"]
    # Evidence is the sentence that carries the pillar, located at its keyword.
    assert ("Trust is earned at the close, not in the sales deck.", *position(on, "Trust")) in [
        (q.excerpt, q.line, q.column) for q in quotes]
    assert all(on[_offset(on, q.line, q.column):].lower().startswith(q.keywords[0][:5]) for q in quotes)


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(x) + 1 for x in text.split("\n")[: line - 1]) + column - 1


def test_alignment_is_not_warned_for_short_texts(cfg):
    result = check_source("short.md", post("Apples and pears.\n"), cfg)
    assert result.alignment.score < 40 and not [f for f in result.findings if f.rule == "alignment"]


def test_alignment_is_deterministic(cfg):
    src = post(FILLER * 5)
    assert check_source("a.md", src, cfg).alignment == check_source("a.md", src, cfg).alignment


# ---------------------------------------------------------------- positions: unicode and CRLF

def test_columns_count_characters_after_accents_emoji_and_cjk(cfg):
    line = "Café 🎉🎉 日本語テキスト — naïve synergy, 👩‍💻 synergy"
    src = post(line + "\n")
    found = find(cfg, src, "avoid")
    first = line.index("synergy") + 1
    second = line.index("synergy", first) + 1
    assert where(found) == [(3, first), (3, second)]


def test_crlf_files_report_the_same_positions_as_lf(cfg):
    body = ("Intro with synergy.\n\n```\nTidewater = 1\n```\n\nLinkedin twice: Linkedin.\n"
            "<!-- brand: ignore avoid -->\nsynergy hidden.\n")
    lf = post(body, header="Title: A post\nSummary: Revolutionary news")
    crlf = lf.replace("\n", "\r\n")
    a = check_source("p.md", lf, cfg)
    b = check_source("p.md", crlf, cfg)
    assert [(f.line, f.column, f.rule, f.end_column) for f in a.findings] == [
        (f.line, f.column, f.rule, f.end_column) for f in b.findings]
    assert {f.rule for f in a.findings} >= {"avoid", "confidential", "terms", "hype"}
    assert a.suppressed == b.suppressed == 1


# ---------------------------------------------------------------- suppression

def test_brand_ignore_metadata_skips_rules_and_counts_them(cfg):
    src = "Title: A post\nBrand_ignore: avoid, hype\n\nSynergy and synergy. Revolutionary.\n"
    result = check_source("p.md", src, cfg)
    assert [f.rule for f in result.findings] == [] and result.suppressed == 3


def test_inline_off_on_and_ignore_next_paragraph(cfg):
    body = ("synergy one.\n\n<!-- brand: off -->\nsynergy two. Revolutionary!!\n<!-- brand: on -->\n\n"
            "<!-- brand: ignore avoid -->\nsynergy three\ncontinues here with synergy four.\n\n"
            "synergy five.\n\n<!-- brand: ignore hype -->\nsynergy six.\n")
    src = post(body)
    result = check_source("p.md", src, cfg)
    avoid = [f for f in result.findings if f.rule == "avoid"]
    assert where(avoid) == [position(src, "synergy one"), position(src, "synergy five"),
                            position(src, "synergy six")]
    assert result.suppressed == 5  # two, Revolutionary, !!, three, four


def test_off_with_rules_silences_only_those_rules_until_on(cfg):
    body = ("<!-- brand: off hype -->\nsynergy and revolutionary.\n\nMore synergy, revolutionary.\n"
            "<!-- Brand: ON -->\nLast synergy, revolutionary.\n")
    src = post(body)
    result = check_source("p.md", src, cfg)
    assert [(f.rule, f.line) for f in result.findings] == [
        ("avoid", 4), ("avoid", 6), ("avoid", 8), ("hype", 8)]
    assert result.suppressed == 2


def test_misspelled_directive_is_noted_not_ignored_silently(cfg):
    result = check_source("p.md", post("<!-- brand: of -->\nsynergy.\n"), cfg)
    assert [f.rule for f in result.findings] == ["avoid"]
    assert result.notes == ["p.md:3: brand directive not understood: <!--brand: of--> "
                            "(use brand: off [rules], brand: on, brand: ignore rules)"]


def test_unknown_rule_in_brand_ignore_is_noted(cfg):
    result = check_source("p.md", "Title: A\nBrand_ignore: hpye\n\nText.\n", cfg)
    assert result.notes and "unknown brand rule 'hpye'" in result.notes[0]


# ---------------------------------------------------------------- social texts (publish helper API)

def test_check_social_text_positions_and_audience(cfg):
    text = "New post 🎉 Project Bluefin is revolutionary!! #NorthwindLedger https://x.example/linkedin"
    found = check_social_text(text, cfg, audience="public", channel="x")
    assert [(f.rule, f.line, f.column, f.severity) for f in found] == [
        ("confidential", 1, text.index("Project") + 1, "error"),
        ("hype", 1, text.index("revolutionary") + 1, "warning"),
        ("hype", 1, text.index("!!") + 1, "warning")]
    assert found[0].path == "<x>" and found[0].field == "social_x"
    internal = check_social_text(text, cfg, audience="internal", channel="slack")
    assert [f.rule for f in internal] == ["hype", "hype"]
    assert check_social_text("Trusted partners close faster.", cfg) == []


TOKEN_CASES = [
    "It's the controllers' close -- 'quoted' words, a''b, rock'n'roll and '90s or 90s' ends.",
    "Trust\ttrust\n\ntrust!TRUST? trusted, (trusting) [trust] {trust} trust's",
    "  leading spaces, snake_case_words, e-mail, 3rd-party, x2y, and\r\nCRLF lines\r\n",
    "Ünïcödé café naïve — “curly” it’s trust’s 信頼 trust 📈 trust",
    "'",
    "",
]


@pytest.mark.parametrize("text", TOKEN_CASES)
def test_tokenize_gives_the_words_and_offsets_of_the_token_regex(text):
    """The ASCII fast path (bytes methods) and the Unicode path agree with TOKEN, word for word."""
    from plugins.brand_guard.rules.alignment import TOKEN, stem, tokenize

    expected = [(stem(m.group().lower().replace("’", "'")), 7 + m.start()) for m in TOKEN.finditer(text)]
    tokens = tokenize(text, 7)
    assert tokens.stems == [s for s, _ in expected]
    assert tokens.offsets(list(range(len(expected)))) == [o for _, o in expected]
    if expected:  # asking only for the occurrences of one stem (as score_alignment does)
        wanted = expected[-1][0]
        same = [i for i, (s, _) in enumerate(expected) if s == wanted]
        assert tokens.offsets(same) == [o for s, o in expected if s == wanted]


def test_typographic_apostrophes_stem_like_straight_ones(cfg):
    """Writers paste "customer’s" from word processors: it must carry the pillar like "customer's"."""
    straight = post("Our partner's trust grew slowly over the first two years of work. "
                    "Each customer's referral came after a difficult month-end close. "
                    "The controller's relationship with the auditors improved as well. "
                    "That partner's referral list now fills a whole page of the report.\n")
    curly = straight.replace("'", "’")
    a, b = check_source("a.md", straight, cfg), check_source("b.md", curly, cfg)
    assert (a.alignment.score, a.alignment.pillars) == (b.alignment.score, b.alignment.pillars)
    assert a.words == b.words
    where = {name: [(q.line, q.column, q.keywords) for q in quotes] for name, quotes in a.evidence.items()}
    assert where == {name: [(q.line, q.column, q.keywords) for q in quotes]
                     for name, quotes in b.evidence.items()}
    assert a.alignment.pillars["trusted relationships"] >= 60
