"""Alignment scores people can trust: substance wins over keyword stuffing and hype, repetition adds
nothing, hype and avoid findings pull a score down, bands and required pillars, evidence quoted as
sentences. The paired posts (tests/data/brand_scores/) are realistic texts on three topics, scored
with the shipped brand.yml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_brand_support import ON_BRAND, TEST_BRAND, config, post, write_config

from plugins.brand_guard.config import BrandConfigError
from plugins.brand_guard.core import check_file, check_source, load_config

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "brand_scores"
TOPICS = ("close", "referrals", "automation")
MAIN_PILLAR = {"close": "finance operations expertise", "referrals": "trusted relationships",
               "automation": "practical automation"}


@pytest.fixture(scope="module")
def brand():
    return load_config(REPO / "brand.yml")


@pytest.fixture(scope="module")
def scored(brand):
    return {p.stem: check_file(p, brand) for p in sorted(DATA.glob("*.md"))}


def body_of(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    return header, body


# ---------------------------------------------------------------- substance beats stuffing and hype

@pytest.mark.parametrize("topic", TOPICS)
def test_substantive_post_scores_green_and_above_its_stuffed_and_hyped_versions(scored, topic):
    good = scored[f"{topic}-substantive"].alignment
    stuffed = scored[f"{topic}-stuffed"].alignment
    hyped = scored[f"{topic}-hype"].alignment
    pillar = MAIN_PILLAR[topic]
    assert good.score >= 80 and good.pillars[pillar] >= 80, good
    # Keyword stuffing carries many keywords in sentences with nothing else in them: red.
    assert stuffed.score < 60 and stuffed.pillars[pillar] < 60, stuffed
    assert good.score - stuffed.score >= 30
    # Hype on the same topic: the issues take most of the score away.
    assert hyped.score < 30 and hyped.factor < 0.5 and hyped.issues >= 10, hyped
    assert good.pillars[pillar] > hyped.pillars[pillar]


def test_the_stuffed_post_that_scored_97_scores_below_a_substantive_sample_post(brand, scored):
    """The complaint in the issue: stuffing scored 97, a real sample post 78."""
    sample = check_file(REPO / "content/posts/2026-05-20-referrals-are-the-best-signal.md", brand)
    for topic in TOPICS:
        for kind in ("stuffed", "hype"):
            assert scored[f"{topic}-{kind}"].alignment.score < sample.alignment.score - 20, (topic, kind)


def test_keywords_added_to_a_substantive_post_do_not_raise_it_much(brand):
    """Padding every paragraph with a list of pillar keywords gains at most a few points."""
    header, body = body_of(DATA / "close-substantive.md")
    before = check_source("a.md", f"{header}\n\n{body}", brand).alignment
    padded = "\n\n".join(p + " Close, reconciliation, audit, forecast, ledger and controller."
                         for p in body.split("\n\n"))
    after = check_source("a.md", f"{header}\n\n{padded}", brand).alignment
    pillar = MAIN_PILLAR["close"]
    assert after.pillars[pillar] <= before.pillars[pillar] + 2


# ---------------------------------------------------------------- repetition adds nothing

@pytest.mark.parametrize("topic", TOPICS)
@pytest.mark.parametrize("kind", ("substantive", "stuffed"))
def test_repeating_the_text_does_not_raise_any_score(brand, topic, kind):
    header, body = body_of(DATA / f"{topic}-{kind}.md")
    once = check_source("a.md", f"{header}\n\n{body}", brand).alignment
    for variant in (
        body * 3,  # the whole body three times
        body + "\n\n" + "\n\n".join(body.split("\n\n")[:1] * 8),  # the first paragraph eight more times
        "\n\n".join(p + "\n\n" + p for p in body.split("\n\n")),  # each paragraph twice in a row
    ):
        again = check_source("a.md", f"{header}\n\n{variant}", brand).alignment
        assert again.score <= once.score, (kind, once.score, again.score)
        assert all(again.pillars[name] <= once.pillars[name] for name in once.pillars)


def test_one_keyword_repeated_in_new_sentences_saturates(brand):
    """'trust' in ever more sentences: each adds less, and the score never passes 100."""
    sentence = "In week {n} the partner team checked {n} supplier statements and kept our trust."
    scores = [check_source("a.md", post(" ".join(sentence.format(n=n) for n in range(1, k + 1))),
                           brand).alignment.pillars["trusted relationships"] for k in (1, 2, 4, 8, 16, 32)]
    assert scores == sorted(scores) and scores[-1] <= 100
    gains = [b - a for a, b in zip(scores, scores[1:], strict=False)]
    assert gains[-1] <= gains[0] and gains[-1] <= 3, scores


def test_keywords_repeated_inside_one_sentence_count_once(brand):
    plain = post("Our partner team earned the trust of forty controllers in Linz last year.\n" * 1)
    stuffed = post("Our partner partner partner team earned the trust trust trust of forty controllers "
                   "in Linz last year.\n")
    a = check_source("a.md", plain, brand).alignment.pillars["trusted relationships"]
    b = check_source("b.md", stuffed, brand).alignment.pillars["trusted relationships"]
    assert b <= a


# ---------------------------------------------------------------- hype and avoid pull the score down

def test_each_hype_word_lowers_the_score_acrolinx_style(brand):
    header, body = body_of(DATA / "referrals-substantive.md")
    paragraphs = body.split("\n\n")
    scores, factors, issues = [], [], []
    for hype in range(0, 6):
        marked = [p + " It was revolutionary." if i < hype else p for i, p in enumerate(paragraphs)]
        result = check_source("a.md", f"{header}\n\n" + "\n\n".join(marked), brand)
        found = [f for f in result.findings if f.rule == "hype"]
        assert len(found) == hype
        issues.append(sum(1 if f.severity == "warning" else 0.5 for f in found))
        scores.append(result.alignment.score)
        factors.append(result.alignment.factor)
    assert scores == sorted(scores, reverse=True) and scores[0] - scores[-1] >= 20, scores
    assert factors[0] == 1.0 and issues[-1] == 5
    words = len(" ".join(body_of(DATA / "referrals-substantive.md")).split())
    # Acrolinx: (words/75) / ((words/75) + issues), a suggestion counting half
    for factor, count in zip(factors, issues, strict=True):
        assert factor == pytest.approx((words / 75) / (words / 75 + count), rel=0.05)


def test_avoid_findings_lower_the_score_and_suppressed_ones_do_not(brand):
    header, body = body_of(DATA / "automation-substantive.md")
    base = check_source("a.md", f"{header}\n\n{body}", brand).alignment
    jargon = body.replace("We rebuilt", "To leverage our synergy we rebuilt", 1)
    worse = check_source("a.md", f"{header}\n\n{jargon}", brand)
    assert {f.rule for f in worse.findings} >= {"avoid"}
    assert worse.alignment.score < base.score
    ignored = check_source("a.md", f"{header}\nBrand_ignore: avoid\n\n{jargon}", brand).alignment
    assert ignored.score == base.score


# ---------------------------------------------------------------- evidence is sentences

def test_evidence_quotes_the_sentences_that_carry_each_pillar(scored):
    result = scored["referrals-substantive"]
    source = (DATA / "referrals-substantive.md").read_text(encoding="utf-8")
    flat = " ".join(source.split())
    quotes = result.evidence["trusted relationships"]
    assert 1 <= len(quotes) <= 3
    for quote in quotes:
        words = quote.excerpt.rstrip("…").lstrip("…")
        assert words in flat, quote.excerpt  # a real excerpt of the post, line breaks joined
        assert len(quote.excerpt) <= 201
        # whole sentences (a title has no full stop)
        assert re.search(r"[.!?…]$", quote.excerpt) or quote.line == 1
        line = source.split("\n")[quote.line - 1]
        keyword = line[quote.column - 1:].lower()
        assert any(keyword.startswith(k[:5].lower()) for k in quote.keywords), (quote, keyword[:20])
    assert any(q.excerpt.startswith("People lend it to a partner they expect") for q in quotes)
    assert not [q for q in quotes if re.fullmatch(r"[a-z, ]+", q.excerpt)]  # no stem lists


def test_evidence_excerpts_drop_markup_and_code_and_are_cut_around_the_keyword(brand):
    src = post("We keep the `trust_score()` call and a [partner](https://example.com/partner) "
               "**relationship** page. " + "Each month the finance lead walks through every line of it "
               "with the supplier, the bank and the auditor of record, " * 4 + "and we trust the result.\n")
    quotes = check_source("a.md", src, brand).evidence["trusted relationships"]
    assert quotes[0].excerpt == "We keep the call and a partner relationship page."
    assert "`" not in quotes[0].excerpt and "https" not in quotes[0].excerpt and "**" not in quotes[0].excerpt
    long = [q for q in quotes if "trust the result" in q.excerpt]
    assert long and long[0].excerpt.startswith("…") and len(long[0].excerpt) <= 201


# ---------------------------------------------------------------- bands, required and recommended pillars

REQUIRED = TEST_BRAND.replace(
    "    keywords: [trust, relationship, partner, referral]\n",
    "    keywords: [trust, relationship, partner, referral]\n    required: green\n").replace(
    "    keywords: [close, reconciliation, cash flow, controller]\n",
    "    keywords: [close, reconciliation, cash flow, controller]\n    recommended: amber\n")


def test_required_and_recommended_pillars_under_their_band_are_findings(tmp_path):
    cfg = config(tmp_path, REQUIRED)
    assert [(p.goal, p.band) for p in cfg.pillars] == [("required", "green"), ("recommended", "amber")]
    off = post("We baked bread in the office kitchen on Friday and everybody had a slice. " * 1
               + "The oven was hot and the loaves came out golden and crisp on top. "
               "Nobody talked about work for an hour, which was the point of the afternoon.\n")
    found = [f for f in check_source("a.md", off, cfg).findings if f.rule == "alignment"]
    required = [f for f in found if "required pillar 'trusted relationships'" in f.message]
    recommended = [f for f in found if "recommended pillar 'finance operations'" in f.message]
    assert [f.severity for f in required] == ["warning"] and "(red), under green (80)" in required[0].message
    assert [f.severity for f in recommended] == ["suggestion"]
    assert (required[0].line, required[0].column) == (1, 8)  # at the title, like the score warning


def test_a_post_that_meets_its_required_bands_has_no_pillar_findings(tmp_path):
    cfg = config(tmp_path, REQUIRED)
    good = post(ON_BRAND)
    result = check_source("a.md", good, cfg)
    assert result.alignment.pillars["trusted relationships"] >= 80
    assert [f for f in result.findings if f.rule == "alignment"] == []


def test_bands_are_configurable(tmp_path):
    bands = "  min_words: 30\n  green: 90\n  amber: 70\n"
    cfg = config(tmp_path, TEST_BRAND.replace("  min_words: 30\n", bands))
    model = cfg.alignment_model
    assert [model.band(v) for v in (95, 90, 89, 70, 69)] == ["green", "green", "amber", "amber", "red"]
    default = load_config(write_config(tmp_path, TEST_BRAND, name="default.yml")).alignment_model
    assert [default.band(v) for v in (80, 79, 60, 59)] == ["green", "amber", "amber", "red"]


@pytest.mark.parametrize(("edit", "needle", "message"), [
    (("    keywords: [trust, relationship, partner, referral]\n",
      "    keywords: [trust, relationship, partner, referral]\n    required: yes\n"),
     "required: yes", "required must be green (score ≥ 80) or amber (≥ 60), not 'yes'"),
    (("    keywords: [trust, relationship, partner, referral]\n",
      "    keywords: [trust, relationship, partner, referral]\n"
      "    required: green\n    recommended: amber\n"),
     "recommended: amber", "either required or recommended, not both"),
    (("    keywords: [trust, relationship, partner, referral]\n",
      "    keywords: [trust, relationship, partner, referral]\n    requird: green\n"),
     "requird: green", "did you mean 'required'?"),
    (("  min_words: 30\n", "  min_words: 30\n  green: 60\n  amber: 70\n"),
     "amber: 70", "amber (70) must be under green (60)"),
])
def test_pillar_goals_and_bands_are_validated_with_the_line(tmp_path, edit, needle, message):
    text = TEST_BRAND.replace(*edit)
    path = write_config(tmp_path, text)
    with pytest.raises(BrandConfigError) as info:
        load_config(path)
    line = text.split("\n").index(next(ln for ln in text.split("\n") if needle in ln)) + 1
    assert str(info.value).startswith(f"{path}:{line}: ") and message in str(info.value), str(info.value)


def test_min_score_still_warns_under_the_floor(tmp_path):
    cfg = config(tmp_path)
    off = post("Preheat the oven to two hundred degrees and butter a deep tin. "
               "Peel six apples, slice them thin and toss them with sugar and lemon. "
               "Bake the pie for forty minutes until golden and serve it warm with cream.\n")
    result = check_source("off.md", off, cfg)
    warn = [f for f in result.findings if f.rule == "alignment"]
    assert result.alignment.score < cfg.min_score
    assert [f.message.split(":")[0] for f in warn] == [f"alignment {result.alignment.score}/100 is under 40"]


# ---------------------------------------------------------------- status labels

@pytest.mark.parametrize(("header", "label"), [
    ("Title: A\nDate: 2020-01-01", "published"),
    ("Title: A\nDate: 2020-01-01\nStatus: draft", "draft"),
    ("Title: A\nDate: 2999-01-01", "scheduled"),
    ("Title: A\nDate: 2020-01-01\nAudience: internal", "internal"),
    ("Title: A\nDate: 2999-01-01\nAudience: internal", "scheduled · internal"),
    ("Title: A\nDate: 2020-01-01\nStatus: hidden", "hidden"),
])
def test_status_labels_tell_scheduled_from_draft_and_internal(tmp_path, header, label):
    cfg = config(tmp_path)
    result = check_source("a.md", post("Our partner helps.\n", header=header), cfg)
    assert result.label == label


def test_text_output_shows_the_score_with_its_band(tmp_path):
    import io

    from plugins.brand_guard import output
    from plugins.brand_guard.core import Report

    cfg = config(tmp_path)
    result = check_source("a.md", post(ON_BRAND + "We love synergy.\n"), cfg)
    out = io.StringIO()
    output.write_text(Report([result]), result.findings, out, color=False, band=cfg.alignment_model.band)
    score = result.alignment.score
    assert f"a.md  alignment {score}/100 {cfg.alignment_model.band(score)}" in out.getvalue()
