"""Names are not shouting: brand.yml `names:`, acronyms, tickers, legal forms, recurring capitals.

Every case runs through check_source on a real post with the shared test brand plus `names:`.
"""

from __future__ import annotations

import pytest
from test_brand_support import FILLER, ON_BRAND, TEST_BRAND, find, position, post, write_config

from plugins.brand_guard.config import BrandConfigError, parse_config
from plugins.brand_guard.core import load_config

NAMES = "names: [McKinsey, IKEA, Synergy Health, AP Moller-Maersk, Banco Santander Totta, Apple]\n"


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return load_config(write_config(tmp_path_factory.mktemp("brand"), TEST_BRAND + NAMES))


def caps(cfg, body: str, **kw) -> list[tuple[str, str | None]]:
    src = post(FILLER * 30 + body, **kw)
    return [(f.message.split("'")[1], f.suggestion) for f in find(cfg, src, "hype")
            if "capitals" in f.message]


def test_a_case_study_naming_a_company_in_capitals_has_no_shouting(cfg):
    body = ("STRABAG SE is a European construction group. STRABAG runs 400 sites; STRABAG's controllers "
            "close in four days. HOCHTIEF AG, DEUTSCHE BAHN AG and ACME Inc. were partners.\n")
    assert caps(cfg, body) == []


def test_acronyms_and_tickers_are_not_shouting_but_common_and_long_words_are(cfg):
    assert caps(cfg, "ESG and IFRS rules; NVDA and ASML rose; GAAP, CSRD, KPI.\n") == []
    assert caps(cfg, "It is FREE and the NEW plan is HUGE. Read it NOW.\n") == [
        ("FREE", "free"), ("NEW", "new"), ("HUGE", "huge"), ("NOW", "now")]
    assert caps(cfg, "A SPECTACULAR quarter.\n") == [("SPECTACULAR", "spectacular")]


def test_all_caps_sentences_and_emphasis_shout(cfg):
    assert caps(cfg, "WE ARE HIRING. Join us.\n") == [("WE ARE HIRING", "We are hiring")]
    assert caps(cfg, "This is **ZAP** time.\n") == [("ZAP", "zap")]  # emphasis: no acronym excuse
    assert caps(cfg, "Read the **GAAP** note.\n") == []  # a known acronym stays one
    assert caps(cfg, "FREE ESG REPORT for all.\n") == [("FREE ESG REPORT", "Free ESG report")]


def test_only_the_shouting_part_of_a_run_with_a_name_is_reported(cfg):
    src = post(FILLER * 30 + "STRABAG SE ANNOUNCES RECORD RESULTS today.\n")
    found = [f for f in find(cfg, src, "hype") if "capitals" in f.message]
    assert [(f.line, f.column) for f in found] == [position(src, "ANNOUNCES")]
    assert found[0].suggestion == "announces record results"


def test_capitals_that_recur_are_a_name_even_in_the_title(cfg):
    src = ("Title: How VINCI closes faster\n\n" + FILLER * 30
           + "VINCI builds roads. VINCI is French.\n")
    assert [f for f in find(cfg, src, "hype") if "capitals" in f.message] == []
    once = "Title: A post\n\n" + FILLER * 30 + "SKANSKA builds roads.\n"  # once, long: add it to names:
    assert [f.line for f in find(cfg, once, "hype") if "capitals" in f.message] == [
        position(once, "SKANSKA")[0]]
    twice = "Title: A post\n\n" + FILLER * 30 + "It is FREE. Still FREE.\n"  # common words never name
    assert len([f for f in find(cfg, twice, "hype") if "capitals" in f.message]) == 2


def test_listed_names_are_not_shouting_terms_or_avoid_findings(cfg):
    # ON_BRAND: repeated FILLER alone no longer carries a pillar (repetition adds nothing to a score)
    src = post(ON_BRAND + FILLER * 30 + "IKEA and Synergy Health met AP Moller-Maersk.\n")
    assert [f.rule for f in find(cfg, src)] == []


def test_a_miscased_name_is_a_terms_finding_with_the_listed_spelling_as_fix(cfg):
    src = post(FILLER * 30 + "Mckinsey met Ikea. An apple a day; Apple ships.\n")
    found = find(cfg, src, "terms")
    assert [(f.line, f.column, f.suggestion) for f in found] == [
        (*position(src, "Mckinsey"), "McKinsey"), (*position(src, "Ikea"), "IKEA")]


def test_a_name_counts_as_one_word_for_readability(cfg):
    # limit 12: 13 words, three of them one name
    src = post("We met Banco Santander Totta in Lisbon on Monday to plan the close.\n")
    assert find(cfg, src, "readability") == []
    assert len(find(cfg, src.replace("Banco Santander Totta", "three bank people"), "readability")) == 1


@pytest.mark.parametrize("entry, message", [
    ("names: STRABAG", "expected a list"),
    ("names: []", "this list is empty"),
    ("names: [IKEA, IKEA]", "name 'IKEA' is listed twice"),
    ("names: [Tidewater]", "'Tidewater' is a confidential code name"),
    ("names: [Linkedin]", "'Linkedin' is a variant the term 'LinkedIn' rejects"),
    ("names: [12]", "expected text, got a number"),
    ("namess: [IKEA]", "unknown key 'namess' in brand.yml — did you mean 'names'?"),
])
def test_names_are_validated_with_the_line_to_fix(entry, message):
    text = TEST_BRAND + entry + "\n"
    line = text.count("\n", 0, text.index(entry.splitlines()[-1])) + 1
    with pytest.raises(BrandConfigError) as info:
        parse_config(text, "brand.yml")
    assert str(info.value).startswith(f"brand.yml:{line}: ") and message in str(info.value)


def test_a_denied_hype_word_is_a_writer_rejecting_hype(cfg):
    denied = ("There is no revolutionary step. None of this is best-in-class, and nothing revolutionary "
              "happened, without best-in-class claims.\n")
    assert find(cfg, post(FILLER * 30 + denied), "hype") == []
    meant = "Not only revolutionary but best-in-class. It was, no doubt. A revolutionary close.\n"
    src = post(FILLER * 30 + meant)
    assert [(f.line, f.column) for f in find(cfg, src, "hype")] == [
        position(src, "revolutionary"), position(src, "best-in-class"), position(src, "revolutionary", 2)]
    title = "Title: No revolutionary close\n\n" + FILLER * 30
    assert find(cfg, title, "hype") == []


@pytest.mark.parametrize("name", [
    "FINANCIÈRE MOSELLE S.à r.l.", "CONSTRUTORA SÃO JOSÉ Ltda.", "CONSTRUCCIONES ARAGONESAS S.L.",
    "CEMENTIFICIO BERGAMASCO S.p.A.", "BUDOWNICTWO KRAKOWSKIE Sp. z o.o.", "NORDHAVN ENTREPRENØR A/S",
    "KONEPAJA HÄMEENLINNA Oy", "BYGGSTÅLNORRLAND AB", "TAKAHASHI SEISAKUSHO K.K.",
    "SOUTHERN CROSS CIVIL Pty Ltd", "GRUPO CONSTRUCTORES MEXICANOS S.A. de C.V.",
    "SINGAPORE MARINA Pte. Ltd.",
    "KUALA LUMPUR BUILDERS Sdn. Bhd.", "BUDAPESTI ÉPÍTŐ Zrt.", "VILNIAUS STATYBA UAB", "RĪGAS BŪVNIEKS SIA",
    "TALLINNA EHITUS OÜ", "ANATOLIAN YAPI A.Ş.", "MUMBAI INFRASTRUCTURE Pvt. Ltd.",
    "DEUTSCHE WOHNBAU GmbH & Co. KG",
])
def test_a_name_before_a_legal_form_of_any_country_is_not_shouting(cfg, name):
    """Once each, the words before the form are a company's name (Luxembourg, Brazil, Spain, Mexico,
    Singapore, Malaysia, Hungary, the Baltics, Turkey, India...), not raised voice."""
    assert caps(cfg, f"We signed with {name} last spring.\n") == []


@pytest.mark.parametrize("line", [
    ("WE ARE HIRING ENGINEERS NOW " * 4000),  # a pasted all-caps disclaimer, words
    ("A" * 100_000),  # one endless capitals word
    ("AB " * 30_000),  # an endless run of legal-form words
    ("ACME " * 20_000 + "AG"),  # an endless name before a form
])
def test_an_endless_capitals_line_is_checked_in_linear_time(tmp_path, line):
    """Looking for names before legal forms tried every start in a capitals run and scanned to its
    end: 50,000 characters took minutes (a hang in the editor). The check runs in a child process
    with a generous limit so a hang fails instead of blocking the suite; no timing is asserted."""
    code = ("import sys; from plugins.brand_guard.core import check_text, load_config; "
            "cfg = load_config(sys.argv[1]); text = sys.stdin.read(); "
            "print(sum(f.rule == 'hype' for f in check_text(text, cfg)))")
    import subprocess
    import sys

    from sitebuild import REPO
    path = write_config(tmp_path, TEST_BRAND + NAMES)
    done = subprocess.run([sys.executable, "-c", code, str(path)], input=line + "\n\nA calm sentence.\n",
                          capture_output=True, text=True, cwd=REPO, timeout=90)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ["SPEDITION GRÖßMANN GmbH & Co. KG", "STRAßENBAU MEIER GmbH",
                                  "GROßHANDEL WEIß AG"])
def test_a_german_name_in_capitals_keeps_its_sharp_s(cfg, name):
    """All-caps German keeps 'ß' (the capital ẞ is rare): the name before the legal form still
    counts as one name, so 'SPEDITION' is not shouting."""
    assert caps(cfg, f"We ship through {name} every week.\n") == []


@pytest.mark.parametrize("body", [
    "Customers listed on the NYSE such as F, GM and CAT pay in dollars.\n",
    "We compare ourselves with ITW, SFS or ALL every quarter.\n",
    "The index holds CAT, DE and GE.\n",
    "Peers: BIG/NVDA and ASML.\n",
])
def test_a_ticker_that_is_a_common_word_is_not_shouting_in_a_list_of_tickers(cfg, body):
    assert caps(cfg, body) == []


def test_common_capitals_words_listed_together_still_shout(cfg):
    assert caps(cfg, "It is FREE, FAST and NEW for all.\n") == [
        ("FREE", "free"), ("FAST", "fast"), ("NEW", "new")]
    assert caps(cfg, "The CAT sat on the mat.\n") == [("CAT", "cat")]


def cta(cfg, body: str) -> list[str]:
    return [f.message.split("'")[1] for f in find(cfg, post(FILLER * 30 + body), "hype")
            if "call to action" in f.message]


@pytest.mark.parametrize("body", [
    "None of that changes what we book today.\n", "The revenue they book today is tomorrow's cash.\n",
    "It is the order that I register today.\n", "Parts which we order today arrive on Friday.\n",
])
def test_a_verb_with_its_subject_is_a_description_not_a_call_to_action(cfg, body):
    """'what we book today' is accounting, not an advert: a call to action is an imperative,
    and an imperative has no subject before it."""
    assert cta(cfg, body) == []


def test_imperative_calls_to_action_are_still_found(cfg):
    assert cta(cfg, "Book today. And buy now, or order today!\n") == ["Book today", "buy now", "order today"]


def test_capitals_in_a_table_are_labels_and_data_not_shouting(cfg):
    """Header cells in capitals ("| TICKER | CHANGE |") and tickers in cells are a table's labels and
    data; the same words in a sentence below the table still shout."""
    table = ("| TICKER | PRICE | CHANGE |\n|---|:---:|--:|\n| NVDA | 120 | +3% |\n| CAT | 340 | FREE |\n\n"
             "TICKER | NOTE\n--- | ---\nCAT | HUGE\n\n")
    assert caps(cfg, table + "It is FREE and the news is HUGE.\n") == [("FREE", "free"), ("HUGE", "huge")]
    assert caps(cfg, "A line with a | pipe that is NOT a table.\n") == [("NOT", "not")]


# ---------------------------------------------------------------- headings set in capitals

def shouted(cfg, body: str, **kw) -> list[tuple[int, str]]:
    """(line, words) of every capitals finding in a post whose body ends with `body`."""
    src = post(FILLER * 30 + "\n" + body, **kw)
    return [(f.line, f.message.split("'")[1]) for f in find(cfg, src, "hype") if "capitals" in f.message]


def rendered_headings(body: str) -> str:
    """The text of every heading Python-Markdown renders from `body` with the site's extensions."""
    import markdown
    from bs4 import BeautifulSoup

    from pelicanconf import MARKDOWN

    html = markdown.markdown(body, extensions=list(MARKDOWN["extension_configs"]),
                             extension_configs=MARKDOWN["extension_configs"])
    return " ".join(h.get_text() for h in BeautifulSoup(html, "html.parser").select("h1,h2,h3,h4,h5,h6"))


HEADINGS = {
    "atx h2": "## OUR RESULTS\n\nThe close is calm.\n",
    "atx h1 and h6": "# WE ARE HIRING\n\nText.\n\n###### THE NEXT STEPS\n\nText.\n",
    "atx closed": "## OUR RESULTS ##\n\nText.\n",
    "atx without a space": "##OUR RESULTS\n\nText.\n",
    "setext =": "OUR RESULTS\n===========\n\nText.\n",
    "setext -": "WHAT COMES NEXT\n---\n\nText.\n",
    "emphasis": "## **OUR RESULTS**\n\nText.\n",
    "emphasis inside": "## OUR *GREAT* RESULTS\n\nText.\n",
    "long name": "## " + "GREATNESS " * 50 + "\n\nText.\n",
    "cyrillic": "## НАШИ РЕЗУЛЬТАТЫ\n\nText.\n",
}


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_a_heading_set_in_capitals_is_not_shouting(cfg, name):
    body = HEADINGS[name]
    assert rendered_headings(body).strip()  # Pelican's Markdown does render it as a heading
    assert shouted(cfg, body) == []


@pytest.mark.parametrize("body", [
    "## Our results\nWE ARE HIRING. Join us.\n",  # right under the heading, no blank line
    "## OUR RESULTS\n\nWE ARE HIRING. Join us.\n",
    "OUR RESULTS\n===========\nWE ARE HIRING. Join us.\n",
])
def test_an_all_caps_sentence_under_a_heading_still_shouts(cfg, body):
    line = position(post(FILLER * 30 + "\n" + body), "WE ARE")[0]
    assert shouted(cfg, body) == [(line, "WE ARE HIRING")]


@pytest.mark.parametrize("body", [
    "Text before.\nOUR RESULTS\n---\n",  # a paragraph line and a rule: not a heading on the page
    "Text before.\nOUR RESULTS\n===========\n",  # not the first line of its block: a paragraph
    "   # OUR RESULTS\n",  # Python-Markdown: spaces before the marks make a paragraph
    "- OUR RESULTS ARE HERE\n",
])
def test_capitals_that_only_look_like_a_heading_still_shout(cfg, body):
    assert "OUR RESULTS" not in rendered_headings(body)
    assert [words for _, words in shouted(cfg, body)] and all("OUR" in w for _, w in shouted(cfg, body))


def test_a_heading_in_a_code_block_is_never_read_and_hype_words_in_headings_still_count(cfg):
    assert shouted(cfg, "```\n# OUR RESULTS ARE GREAT\n```\n\n    # WE ARE HIRING\n") == []
    src = post(FILLER * 30 + "\n## REVOLUTIONARY RESULTS\n\nText.\n")
    assert [f.message.split("'")[1] for f in find(cfg, src, "hype")] == ["REVOLUTIONARY"]


def test_the_title_field_in_capitals_is_still_reported(cfg):
    """The title is what readers see first (feeds, cards, social texts): not a body heading."""
    assert shouted(cfg, "Text.\n", header="Title: WE ARE HIRING") == [(1, "WE ARE HIRING")]
