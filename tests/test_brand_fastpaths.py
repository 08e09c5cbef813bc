"""The brand guard's shortcuts give exactly what the plain code they replace gives.

Each test runs a fast path next to a reference written the plain way (the code it replaced) on
real posts, crafted edge cases and random text: a regex rewritten to start with a character class,
sentence word counts without splitting, hits grouped in C, readability's tests for all sentences
at once, anchor words looked up with `in`, the report's links escaped once per file, and
fast_reader's background check decoding each file once.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from itertools import accumulate
from pathlib import Path

import pytest
from test_brand_support import TEST_BRAND, write_config

from plugins.brand_guard import html_report, patterns, source
from plugins.brand_guard.core import FileResult, check_source, load_config, read_post, tokenize
from plugins.brand_guard.findings import Finding
from plugins.brand_guard.rules import alignment, readability, terms
from plugins.brand_guard.rules.alignment import Quote

REPO = Path(__file__).resolve().parents[1]
POSTS = sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "tests" / "data").rglob("*.md"))

TRICKY = [
    "",
    "x",
    "It's 'quoted.' Next one!' x. 'Tis the season... rock'n'roll?! a.''b c''. Done.",
    "| a | b |\n|---|---|\n| c | d e f |\n\nAfter the table.",
    "Dr. Smith's team — and the CFO/CTO & the AP team + A/P.\tTabbed\ttext here.",
    "\x00\x00 masked\n\x00 list item one.\n\n\x00\x00\x00\n\nLast line without a stop",
    "Kestrel KESTREL kestrel İkea ıkea IKEA ſap SAP sap 10x 10X x X ko Ko KO e-mail E‑MAIL email",
    "north-wind ledger, NorthwindLedger's, Northwind ledgers, linked-in Linkedin LinkedIn's NWLs",
    "AP, A/P, A/R, ap, Ap. The accounts-payable and ACCOUNTS\nPAYABLE teams; payables dept",
    "month end close, month-end closes, monthend close. 信頼 month-end close 月末 NWL。AP",
    "a_AP _AP AP_ 1AP AP1 éAP APé —AP— «AP» “NWL” ‘Kestrel’ (Kestrel) [LinkedIn](x) **AP**",
]


def corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in POSTS] + TRICKY


def fuzz(seed: int, count: int, alphabet: str, longest: int = 40) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


# ---------------------------------------------------------------- regexes that start with a class

def test_folded_extra_lists_every_character_re_matches_to_an_ascii_letter():
    """`first_char_words` adds these to a letter's two cases; Python's `re` decides what matches."""
    ascii_letters = re.compile("(?i)[a-z]")
    found: dict[str, set[str]] = {}
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        if ascii_letters.match(char):
            for letter in "abcdefghijklmnopqrstuvwxyz":
                if re.fullmatch(f"(?i:{letter})", char):
                    found.setdefault(letter, set()).add(char)
    assert found == {k: set(v) for k, v in patterns._FOLDED_EXTRA.items()}


PHRASE_SETS = [
    (["Northwind Ledger", "NorthwindLedger", "North-wind Ledger", "LinkedIn", "linked-in", "accounts payable",
      "month-end close", "month end close", "payables dept", "e-mail"], ["AP", "A/P", "NWL"]),
    (["Kestrel", "iKEA", "sap", "s3 bucket", "10x", "x", "ko", "synergy", "İstanbul office"],
     ["IT", "SKU", "K"]),
    (["Kestrel", "kite", "ship", "Ion"], []),
    ([], ["AP", "AR", "KPI"]),
    (["a/p", "-dash", "_under"], ["AP"]),  # first characters that are not letters: the plain pattern
]


@pytest.mark.parametrize("folded, exact", PHRASE_SETS)
def test_first_char_words_matches_the_plain_pattern(folded, exact):
    parts = []
    if folded:
        parts.append(f"(?i:{patterns.trie_regex(folded, sep=patterns.PHRASE_SEP, fold=True)})")
    if exact:
        parts.append(patterns.trie_regex(exact, sep=patterns.PHRASE_SEP, fold=False))
    plain = re.compile(patterns.word_pattern(f"(?P<core>{'|'.join(parts)})", patterns.SUFFIX))
    fast_source = patterns.first_char_words(
        [(patterns.trie_alternatives(folded, sep=patterns.PHRASE_SEP, fold=True), True),
         (patterns.trie_alternatives(exact, sep=patterns.PHRASE_SEP, fold=False), False)],
        patterns.SUFFIX, "core")
    firsts = [p.lower()[0] for p in folded] + [p[0] for p in exact]
    if any(not (c.isascii() and c.isalnum()) for c in firsts):
        assert fast_source is None  # the plain pattern is used
        return
    fast = re.compile(fast_source)
    assert fast.pattern.startswith("(?P<core>[")
    letters = "".join(sorted(set("".join(folded + exact)))) + "İıſK 信\u00a0-_'’s.\n"
    texts = corpus_texts() + fuzz(7, 3000, letters, 30) + [" ".join(folded + exact)] * 2
    for text in texts:
        assert [(m.span(), m["core"]) for m in fast.finditer(text)] == \
            [(m.span(), m["core"]) for m in plain.finditer(text)], text[:200]
        mid = len(text) // 3
        assert [m.span() for m in fast.finditer(text, mid, 2 * mid + 5)] == \
            [m.span() for m in plain.finditer(text, mid, 2 * mid + 5)]


def test_shipped_terms_regex_starts_with_a_class():
    cfg = load_config(REPO / "brand.yml")
    assert cfg.matchers["terms"].regex.pattern.startswith("(?P<core>[")


def test_markers_regex_matches_the_plain_alternation():
    plain = re.compile(r"\x00+|\*\*|__|(?<![\w*])[*_](?=\w)|(?<=\w)[*_](?![\w*])|[\[\]]")
    for text in corpus_texts() + fuzz(3, 20000, "ab _*[]\x00\n é1", 30):
        want = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in alignment._MARKERS.finditer(text)] == want


# ---------------------------------------------------------------- alignment

def reference_first_word(parts) -> list[int]:
    """The first word of each sentence, counted by splitting each sentence's bytes (the old way)."""
    out, words = [], 0
    for part in parts:
        pieces = readability.sentence_pieces(part.text)
        ends = list(accumulate(map(len, pieces), initial=part.base))
        begin = ends[0::2][: len(pieces[0::2])]
        if part.starts is not None:
            import bisect
            out += [bisect.bisect_left(part.starts, b) + words for b in begin]
        else:
            rel = [b - part.base + 1 for b in begin]
            sizes = [len(part.spaced[a:b].split()) for a, b in zip(rel, [*rel[1:], None], strict=True)]
            out += list(accumulate(sizes, initial=words))[:-1]
        words += len(part.stems)
    return out + [words]


def reference_pillar(found, located, text, keyword_words):
    """`_pillar` as it grouped hits one by one."""
    import math
    keys = text.keys
    by_key: dict[str, list] = {}
    for (kw, i, _), after in zip(found, located, strict=True):
        by_key.setdefault(keys[after - 1], []).append((kw, i, after - 1))
    seen: set[str] = set()
    units, thirds, scored = 0.0, set(), []
    for key, items in by_key.items():
        third = min(2, 3 * text.rank.get(key, 0) // text.total)
        if units >= alignment._ENOUGH:
            if len(thirds) == 3:
                break
            thirds.add(third)
            continue
        sentence = items[0][2]
        kws = {kw for kw, _, _ in items}
        novelty = 1.0 if kws - seen else 0.5
        seen |= kws
        own = text.content(sentence) - keyword_words[sentence + 1]
        weight = novelty * (1.0 if own >= 5 else own / 5 if own > 0 else 0.0)
        units += weight
        thirds.add(third)
        scored.append((weight, items))
    raw = 100 * (1 - math.exp(-units / alignment.SATURATION)) * alignment.SPREAD[len(thirds)]
    best = sorted(range(len(scored)), key=lambda j: -scored[j][0])[: alignment.QUOTES]
    quotes = []
    for j in sorted(best):
        items = scored[j][1]
        offset = text.word_offset(items[0][2], items[0][1])
        kws = tuple(dict.fromkeys(k for k, _, _ in items))
        quotes.append(Quote(text.excerpt(items[0][2], offset), offset, kws))
    return raw, quotes, len(by_key)


def post_parts(text: str):
    post = read_post(text)
    parts = [tokenize(post.text[f.start:f.end], f.start) for n, f in post.fields.items()
             if n in ("title", "summary")]
    return parts + [tokenize(post.body, post.body_start)]


REPEATS = ("Title: Trust and the close\n\nWe trust our partner. We trust our partner. The close needs a "
           "controller and a partner and trust, and a referral. Cash flow matters to the controller "
           "at close. "
           "We trust our partner.\n\n| trust | close |\n|---|---|\n| partner | referral |\n\n"
           "It's the partner's 'trust.' Then the close! Referral, referral, referral.")


@pytest.mark.parametrize("variant", ["plain", "curly", "accented"])
def test_sentence_words_and_pillars_match_the_plain_computation(tmp_path, variant):
    cfg = load_config(write_config(tmp_path, TEST_BRAND))
    model = cfg.alignment_model
    for text in corpus_texts() + [REPEATS, REPEATS * 3]:
        if variant == "curly":
            text = text.replace("'", "’")
        elif variant == "accented":
            text = text.replace("e", "é", 5)
        parts = post_parts("\n" + text if not text.startswith("Title") else text)
        stems = [s for p in parts for s in p.stems]
        sentences = alignment._Sentences(parts, stems)
        assert sentences.first_word == reference_first_word(parts)
        score = alignment.score_alignment(parts, model, 1.0)
        first = model.first
        hits = [[] for _ in model.pillars]
        skip = 0
        for i, stem in enumerate(stems):  # the keyword loop without the one-word shortcut
            if i < skip or stem not in first:
                continue
            for keyword_stems, pillar, keyword in first[stem]:
                n = len(keyword_stems)
                if tuple(stems[i:i + n]) == keyword_stems:
                    hits[pillar].append((keyword, i, n))
                    skip = i + n
                    break
        assert score.keywords == {p.name: dict(Counter(k for k, _, _ in h))
                                  for p, h in zip(model.pillars, hits, strict=True)}
        if not any(hits):
            continue
        import bisect
        located = [[bisect.bisect_right(sentences.first_word, i) for _, i, _ in h] for h in hits]
        keyword_words = Counter()
        for h, after in zip(hits, located, strict=True):
            for (_, _, n), a in zip(h, after, strict=True):
                keyword_words[a] += n
        for p, h, after in zip(model.pillars, hits, located, strict=True):
            raw, quotes, distinct = reference_pillar(h, after, sentences, keyword_words)
            assert score.evidence[p.name] == quotes
            assert score.sentences[p.name] == distinct
            assert score.pillars[p.name] == round(raw * score.factor)


# ---------------------------------------------------------------- readability, anchors, prose view

def reference_long_sentences(text, max_words, severity="warning", names=None):
    pieces = readability.sentence_pieces(text)
    offsets = list(accumulate(map(len, pieces), initial=0))
    hits = []
    for i in range(0, len(pieces), 2):
        if len(pieces[i]) > max_words * 2:
            hit = readability._check(text, offsets[i], offsets[i + 1], max_words, severity, names)
            if hit:
                hits.append(hit)
    return hits


@pytest.mark.parametrize("max_words", [0, 3, 12, 35])
def test_readability_prefilter_keeps_every_long_sentence(max_words):
    glued = ["word/" * 40 + ".", "a — b – c & d + e\tf " * 8 + ".", "one two three " * 20 + "!"]
    for text in corpus_texts() + glued + fuzz(5, 500, "ab /—–&+\t\n.!?", 200):
        view = read_post("\n" + text).body
        assert readability.long_sentences(view, max_words) == reference_long_sentences(view, max_words)


def test_present_and_scan_match_looking_at_every_entry(tmp_path):
    cfg = load_config(REPO / "brand.yml")
    families = [cfg.matchers[r].anchors for r in ("terms", "avoid", "hype", "confidential")]
    for text in corpus_texts() + fuzz(11, 300, "close month end act now mail e ledger north wind", 80):
        low = text.lower()
        found = cfg.anchors.locate(text, low)
        for anchors in families:
            keys = {w for _, w in anchors._automaton.iter(low)}
            entry_in = any(e[0] in keys and all(w in low for w in e[1:]) for e in anchors.folded)
            want = anchors.always or entry_in or patterns._any_entry(text, anchors.exact)
            assert anchors.present(text) == want
            if found is not None:
                assert anchors.present(text, low, found) == want
        m = cfg.matchers["terms"]
        assert [x.span() for x in patterns.scan(m.regex, text, low, m.anchors, m.reach, found)] == \
            [x.span() for x in patterns.scan(m.regex, text, low, m.anchors, m.reach)]



def test_found_remembers_words_like_looking_them_up():
    """`Found.seen`: a word looked up once per text, and a part of a text knows the words the whole
    lacks; the answers are those of a Found without memory, asked about the same text."""
    cfg = load_config(REPO / "brand.yml")
    families = [cfg.matchers[r].anchors for r in ("terms", "avoid", "hype", "confidential")]
    terms_matcher = cfg.matchers["terms"]
    words = "close month end act now mail e ledger north wind start your free trial today NWL AP AR"
    hostile = ["ΣΑΣ month ΣΑΣ end close", "close \x00month\x00 end", "mon\x00th end close NWL",
               "İ close month end", "Title: Close now\nSummary: month\n\nThe close. End."]
    for text in corpus_texts() + hostile + fuzz(13, 300, words + " Σσς\x00\n:", 120):
        low = text.lower()
        found = cfg.anchors.locate(text, low)
        if found is None:
            continue
        for anchors in families:  # the whole text first: its memory is what the parts inherit
            fresh = patterns.Found(found.starts)
            assert anchors.present(text, low, found) == anchors.present(text, low, fresh)
        post = read_post(text)
        parts = [(post.body_start, len(text), post.body)]
        parts += [(f.start, f.end, source.inline_view(text[f.start:f.end])) for f in post.fields.values()]
        for lo, hi, view in parts:
            part = found.part(lo, hi)
            view_low = view.lower()
            for _ in range(2):  # the second time from memory
                for anchors in families:
                    fresh = patterns.Found(part.starts)
                    assert anchors.present(view, view_low, part) == anchors.present(view, view_low, fresh)
                spans = [m.span() for m in patterns.scan(terms_matcher.regex, view, view_low,
                                                         terms_matcher.anchors, terms_matcher.reach, part)]
                assert spans == [m.span() for m in patterns.scan(
                    terms_matcher.regex, view, view_low, terms_matcher.anchors, terms_matcher.reach,
                    patterns.Found(part.starts))]
        other = "close month end " + text  # another text than the one a Found first saw: no memory
        assert found.seen(other, folded=True) == {}


def test_nth_run_regex_finds_the_nth_word_run():
    """`_Sentences.word_offset` on ASCII text: one regex call instead of counting runs one by one."""
    cases = [b" ", b"  a  bb ccc   ", b" a' b'c ' ", b"x", b"   "] + [
        " ".join(w).encode() for w in fuzz(17, 300, "ab '", 30)]
    for spaced in cases:
        for begin in range(len(spaced) + 1):
            runs = [m.start() for m in alignment._WORD_RUN.finditer(spaced, begin)]
            for nth in range(len(runs) + 2):
                match = alignment._nth_run(nth).match(spaced, begin)
                got = match.end() if match is not None and match.end() < len(spaced) else None
                assert got == (runs[nth] if nth < len(runs) else None), (spaced, begin, nth)


def test_stop_word_flags_count_like_the_stop_list(tmp_path):
    """`_Sentences.content` from the stop-word flags of `AlignmentModel.codes` equals counting the
    stems that are not in STOP."""
    cfg = load_config(write_config(tmp_path, TEST_BRAND))
    model = cfg.alignment_model
    for text in corpus_texts() + [REPEATS]:
        parts = post_parts("\n" + text if not text.startswith("Title") else text)
        stems = [s for p in parts for s in p.stems]
        codes = bytes(list(map(model.codes.get, stems, [0] * len(stems))))
        assert [i for i, c in enumerate(codes) if c & alignment.FIRST_CODE] == \
            [i for i, s in enumerate(stems) if s in model.first]
        fast = alignment._Sentences(parts, stems, codes)
        plain = alignment._Sentences(parts, stems)
        for sentence in range(len(plain.first_word) - 1):
            assert fast.content(sentence) == plain.content(sentence)


def reference_quoted_spans(view: str) -> list[tuple[int, int]]:
    """`quoted_spans` as it found each opening mark with `_OPENERS.search`."""
    import bisect
    spans = []
    blanks = [m.start() for m in source._BLANK_LINE.finditer(view)]
    hopeless: dict[str, int] = {}
    at = 0
    while (match := source._OPENERS.search(view, at)) is not None:
        start, mark = match.start(), match.group()
        at = start + 1
        if start < hopeless.get(mark, -1):
            continue
        if mark == "«":
            limit = view.find("\n", at)
            limit = len(view) if limit < 0 else limit
        else:
            index = bisect.bisect_left(blanks, at)
            limit = blanks[index] if index < len(blanks) else len(view)
        close = view.find(source._CLOSER[mark], at, limit)
        if close < 0:
            hopeless[mark] = limit
            continue
        spans.append((start, close + 1))
        at = close + 1
    return spans


def test_quoted_spans_and_line_starts_match_the_regex_way():
    from plugins.brand_guard.core import LineIndex
    quotes = ['"a" b "c\n\nd" e', "“x” «y\nz» «w» \"v“u”\"", '"""', "«", "“"]
    for text in corpus_texts() + quotes + fuzz(19, 2000, 'ab "“”«»\n ', 60):
        assert source.quoted_spans(text) == reference_quoted_spans(text)
        view = read_post("\n" + text).body
        assert source.quoted_spans(view) == reference_quoted_spans(view)
        assert LineIndex(text).starts == [0] + [m.end() for m in re.finditer("\n", text)]


def test_caps_runs_match_the_regex_scan():
    from plugins.brand_guard.rules import hype
    edge = ["AB", "A", "ABC DEF", "xAB AB", "1AB _AB AB1 AB_", "\x00AB\x00", "ÉAB ABÉ", "AB\tCD  EF x",
            "aAB", "AB  \t CD", "A B C", "ABCaD", "AB" * 50, " AA AA A AAA"]
    for text in corpus_texts() + edge + fuzz(23, 3000, "ABCab \t\n1_\x00.É", 40):
        assert [m.span() for m in hype.caps_runs(text)] == [m.span() for m in hype._CAPS.finditer(text)], text


def test_fence_spans_match_the_regex_scan():
    edge = ["```\ncode\n```", "x\n```py\na\n```\n```\nb\n```", "````\n```\n````", "~~~\n~~~~\n~~~",
            "\n```\r\na\r\n```\r\n", " ```\na\n```", "```\n```\n```\n```", "```{.py}\nx\n``` \n"]
    for text in corpus_texts() + edge + fuzz(29, 3000, "`~\n a\r{}", 40):
        assert source.fence_spans(text) == [m.span() for m in source._FENCE.finditer(text)], text


def test_inline_spans_match_the_regex_scan():
    edge = ["`a` ``b`` ```c``` `", "<b>x</b> <https://x.y> <a@b.c> [t](u \"v\") [r][l] [^1]",
            "&amp; &#38; {: .c}", "é`ü`😀<i>ß</i>[😀](x)", "``", "`\n\n`", "\\`x` \\[x](y)",
            "[a]][b](c)((d))", "{#id} {.cls} {:x}"]
    for text in corpus_texts() + edge + fuzz(31, 3000, "`<>[]()&;{}#.: ab\né😀\\/", 40):
        assert source.inline_spans(text) == [m.span() for m in source._INLINE.finditer(text)], text

def test_mask_spans_and_social_view_match_the_regex_way():
    for text in corpus_texts()[:40] + fuzz(2, 300, "ab\n\r #@x", 60):
        spans = sorted({(min(a, b), max(a, b)) for a, b in zip(range(0, len(text), 3), range(2, len(text), 5),
                                                              strict=False)})
        merged = []
        for a, b in spans:
            if merged and a < merged[-1][1]:
                continue
            merged.append((a, b))
        plain = list(text)
        for a, b in merged:
            for i in range(a, b):
                if text[i] not in "\r\n":
                    plain[i] = source.MASK
        assert source.mask_spans(text, merged) == "".join(plain)
        inline = source._mask_inline(text)
        social = source.mask_spans(inline, [m.span() for m in source._SOCIAL_TOKENS.finditer(inline)])
        assert source.inline_view(text, social=True) == social


# ---------------------------------------------------------------- terms memo, report links, fast_reader

def test_terms_are_judged_the_same_from_the_memo(tmp_path):
    cfg = load_config(write_config(tmp_path, TEST_BRAND))
    matcher = cfg.matchers["terms"]
    text = "Our Linkedin page, the linked-in post and LinkedIn; NorthwindLedger. AP and Linkedin again."
    first = terms.check_terms(text, matcher)
    assert "Linkedin" in matcher.memo and matcher.memo["LinkedIn"] is None
    assert terms.check_terms(text, matcher) == first
    matcher.memo.clear()
    assert terms.check_terms(text, matcher) == first
    wrong = re.finditer(r"Linkedin|linked-in|NorthwindLedger|AP", text)
    assert [h.start for h in first] == [m.start() for m in wrong]


def test_report_links_are_the_editor_links_escaped():
    path = "posts/a & b <c> “d”\u200b.md"
    finding = Finding(path, 3, 7, "terms", "warning", "m", "s", 9, "body", None, 40, 42)
    quote = alignment.Quote("an excerpt", 5, ("trust",))
    from plugins.brand_guard.core import Evidence
    result = FileResult(path, [finding], 100, alignment.Alignment(50, {"p": 50}, {"p": [quote]}), title="T",
                        evidence={"trust": [Evidence("an excerpt", 12, 4, ("trust",))]})

    class Pillar:
        name, goal, band = "trust", "", "amber"

    class Cfg:
        alignment_model = load_config(REPO / "brand.yml").alignment_model
        pillars = [Pillar()]

    page = html_report._details(result, Cfg())
    for line, column in ((3, 7), (12, 4)):
        link = html_report._e(html_report.editor_link(path, line, column))
        assert f'href="{link}">{html_report._text(f"{path}:{line}:{column}")}</a>' in page


def test_background_check_equals_check_bytes(tmp_path, monkeypatch):
    from plugins.brand_guard import core
    from plugins.fast_reader import brand

    cfg = load_config(write_config(tmp_path, TEST_BRAND))
    monkeypatch.setattr(brand, "_WORKER", {"core": core, "cfg": cfg, "settings": {}})
    good = tmp_path / "good.md"
    good.write_text("Title: A LinkedIn post\nAudience: public\n\nWe love synergy. Project Bluefin!\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"Title: Caf\xe9 notes\n\nThe linked-in page.\n")
    for path in (good, bad):
        stamp, audience, slug, result = brand.precheck(str(path), None)
        want = core.check_bytes(core.display_path(str(path)), path.read_bytes(), cfg, audience=audience,
                                slug=slug, draft=False)
        assert repr(result) == repr(want)
        assert result.findings


def test_check_source_with_a_parsed_header_is_the_same(tmp_path):
    from plugins.post_contract.facts import parse_header

    cfg = load_config(write_config(tmp_path, TEST_BRAND))
    for text in corpus_texts():
        want = repr(check_source("p.md", text, cfg))
        assert repr(check_source("p.md", text, cfg, header=parse_header(text))) == want


def test_report_sections_with_a_shared_memo_are_the_plain_sections():
    """`html_report._details` shares escaped pillar headings, keyword lists and scores between the
    sections of one report; each section is what the plain per-quote escaping gives."""
    import html as html_mod

    from plugins.brand_guard.core import Evidence

    class Pillar:
        def __init__(self, name, goal, band):
            self.name, self.goal, self.band = name, goal, band

    class Cfg:
        alignment_model = load_config(REPO / "brand.yml").alignment_model
        pillars = [Pillar("trust & <proof>", "", "amber"), Pillar("speed", "lead", "green\u200b"),
                   Pillar("“care”", "at least", "red")]

    def plain(r, cfg) -> str:  # the alignment list as written before the memo
        model = cfg.alignment_model
        out = []
        for p in cfg.pillars:
            value = r.alignment.pillars.get(p.name, 0)
            found = r.alignment.sentences.get(p.name, 0)
            goal = f" ({p.goal}: {p.band})" if p.goal else ""
            url, shown = html_report._e(html_report._file_url(r.path)), html_report._text(r.path)
            quotes = "".join(
                f'<blockquote>“{html_report._text(q.excerpt)}” <a class="path" '
                f'href="{url}:{q.line}:{q.column}">{shown}:{q.line}:{q.column}</a>'
                f'<span class="muted"> — {html_report._e(", ".join(q.keywords))}</span></blockquote>'
                for q in r.evidence.get(p.name, []))
            out.append(f"<li><b>{html_report._e(p.name)}</b>{html_report._e(goal)}: "
                       f"{html_report._score(value, model)} — {html_report.plural(found, 'sentence')} "
                       f"carr{'ies' if found == 1 else 'y'} it{quotes}</li>")
        return "".join(out)

    excerpts = ["plain words", "a < b & c > d \"q\" 'r'", "zero\u200bwidth", "tab\there", "",
                "\u202eevil\u202c", "x" * 5000, "no-break\u00a0space", "emoji 👍🏽 & “quotes”"]
    results = []
    for i, excerpt in enumerate(excerpts):
        names = [p.name for p in Cfg.pillars]
        evidence = {names[i % 3]: [Evidence(excerpt, i + 1, 2, ("trust", "a&b")),
                                   Evidence(excerpt[::-1], i + 2, 1, ("<kw>",))],
                    names[(i + 1) % 3]: [Evidence("second", 9, 9, ("trust", "a&b"))]}
        score = [0, 59, 60, 79, 80, 100][i % 6]
        found = {names[0]: i % 3, names[1]: 1, names[2]: 0}
        pillars = {names[0]: score, names[1]: 100 - score}
        factor = [1.0, 0.5, 0.99][i % 3]
        results.append(FileResult(f"posts/{i} <&>\u200b.md", [], 10 + i,
                                  alignment.Alignment(score, pillars, {}, sentences=found, factor=factor),
                                  title=f"T{i}", evidence=evidence))
    memo: dict = {}
    for r in results:
        shared = html_report._details(r, Cfg(), memo)
        assert shared == html_report._details(r, Cfg()), r.path
        assert plain(r, Cfg()) in shared.replace("\n", ""), r.path
    assert memo["heads"] and memo["keywords"]
    assert html_mod.escape(excerpts[1], quote=True) in html_report._details(results[1], Cfg(), memo)
    results.append(FileResult("posts/none.md", [], 3, None, title="No alignment"))
    overview = html_report._overview(results, Cfg(), memo)
    assert overview == html_report._overview(results, Cfg())
    model = Cfg.alignment_model
    for r in results:  # each row's cells as the plain per-cell formatting writes them
        cells = "".join('<td class="nw">' + (html_report._score(r.alignment.pillars.get(p.name, 0), model)
                                             if r.alignment else "—") + "</td>" for p in Cfg.pillars)
        total = html_report._score(r.alignment.score, model) if r.alignment else "—"
        assert f'<td class="nw">{total}</td>{cells}</tr>' in overview, r.path
