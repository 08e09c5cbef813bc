"""The brand guard's rules in one table: id -> how to compile it, how to check, where it applies.

`core` (checking), `config` (compiling matchers, validating spec rule ids) and `findings`
(the rule ids, which ones may be suppressed) all loop over `REGISTRY` instead of naming rules,
so a new rule is one module under `rules/` plus one entry here (Vale's rule table; Pelican's
reader registry).

Where a rule applies:

- `title`, `summary`, `social`, `body`: the *prose view* of that part (code, URLs and markup
  masked, same offsets); `check(view, ctx)` gets the part in `ctx.place`;
- `source`: the raw text — the whole post file, a social text as composed, a spec's text;
- `name`: the file name and the URL slug Pelican derived (they become the public address);
- `post`: the whole post at once (a score; computed by `core`, reported at the title).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .findings import Hit
from .patterns import Found
from .rules.alignment import compile_alignment
from .rules.avoid import check_avoid, compile_avoid
from .rules.bidi import check_bidi, hidden_leaks
from .rules.confidential import compile_confidential, find_leaks
from .rules.encoding import check_encoding
from .rules.hype import check_hype, compile_hype
from .rules.names import compile_names, name_terms, outside_names
from .rules.readability import long_sentences
from .rules.terms import check_terms, compile_terms

PROSE = frozenset({"title", "summary", "social", "body"})


@dataclass
class Context:
    """What a check may need besides its text: the config, and per-text facts computed once."""

    cfg: object  # BrandConfig (not imported: config imports this module)
    place: str = "body"
    words: int = 0
    quotes: list[tuple[int, int]] | tuple = ()
    low: str | None = None  # the text lower-cased, when already made
    found: Found | None = None  # where the word-list anchors are in the text, when located
    absent: frozenset[str] = field(default_factory=frozenset)  # word-list families not in the file
    source: str | None = None  # the whole post (names recurring in it are not shouting)

    def matcher(self, rule: str):
        return self.cfg.matchers[rule]


@dataclass(frozen=True)
class Rule:
    id: str
    applies_to: frozenset[str]
    severity: str  # the default; brand.yml entries may set their own
    check: Callable[[str, Context], list[Hit]] | None
    compile: Callable[[object], object] | None = None  # BrandConfig -> matcher (cfg.matchers[id])
    family: bool = False  # a word list with anchors: skipped in a file none of its anchors is in
    suppressible: bool = True  # Brand_ignore and <!-- brand: off --> may switch it off
    public_only: bool = False  # internal posts (and texts for internal channels) may break it


# A name in brand.yml `names:` is never a terms, avoid or hype problem (rules/names.py).

def _terms(view: str, ctx: Context) -> list[Hit]:
    if "terms" in ctx.absent:
        return []
    hits = check_terms(view, ctx.matcher("terms"), ctx.low, ctx.found)
    return outside_names(hits, view, ctx.cfg.names_matcher)


def _avoid(view: str, ctx: Context) -> list[Hit]:
    if "avoid" in ctx.absent:
        return []
    hits = check_avoid(view, ctx.matcher("avoid"), ctx.low, ctx.found)
    return outside_names(hits, view, ctx.cfg.names_matcher)


def _hype(view: str, ctx: Context) -> list[Hit]:
    hits = check_hype(view, ctx.matcher("hype"), place=ctx.place, words=ctx.words, quotes=ctx.quotes,
                      low=ctx.low, vocabulary="hype" not in ctx.absent, found=ctx.found, source=ctx.source)
    return outside_names(hits, view, ctx.cfg.names_matcher)


def _confidential(text: str, ctx: Context) -> list[Hit]:
    matcher = ctx.matcher("confidential")
    hits = find_leaks(text, matcher, ctx.low, ctx.found)
    if "\u202e" in text:  # a name stored backwards after a right-to-left override reads forwards
        hits += hidden_leaks(text, lambda shown: find_leaks(shown, matcher))
    return hits


def _readability(view: str, ctx: Context) -> list[Hit]:
    return long_sentences(view, ctx.cfg.max_sentence_words, ctx.cfg.readability_severity,
                          names=ctx.cfg.names_matcher)


def _encoding(view: str, ctx: Context) -> list[Hit]:
    return check_encoding(view)


def _bidi(view: str, ctx: Context) -> list[Hit]:
    return check_bidi(view)


REGISTRY: tuple[Rule, ...] = (
    Rule("terms", PROSE, "warning", _terms, lambda c: compile_terms(c.terms + name_terms(c.names, c.terms)),
         family=True),
    Rule("avoid", PROSE, "warning", _avoid, lambda c: compile_avoid(c.avoid), family=True),
    Rule("hype", PROSE, "warning", _hype,
         lambda c: compile_hype(c.hype, c.acronyms, c.hype_per_1000_words, compile_names(c.names).caps),
         family=True),
    Rule("confidential", frozenset({"source", "name"}), "error", _confidential,
         lambda c: compile_confidential(c.confidential), family=True, suppressible=False,
         public_only=True),
    Rule("readability", PROSE, "warning", _readability),
    Rule("alignment", frozenset({"post"}), "warning", None,
         lambda c: compile_alignment(c.statement, c.pillars, c.min_score, c.min_words, c.green, c.amber)),
    Rule("encoding", PROSE, "warning", _encoding),
    Rule("bidi", PROSE, "warning", _bidi),
)

BY_ID = {rule.id: rule for rule in REGISTRY}
RULES = tuple(BY_ID)
#: Rules a writer may switch off (metadata, inline comments). A leak is never a matter of taste.
SUPPRESSIBLE = tuple(rule.id for rule in REGISTRY if rule.suppressible)
#: Rules run on prose views, and the word-list families among them (anchors decide whether to run).
PROSE_RULES = tuple(rule for rule in REGISTRY if rule.applies_to & PROSE)
PROSE_FAMILIES = tuple(rule.id for rule in PROSE_RULES if rule.family)


def applying_to(place: str) -> tuple[Rule, ...]:
    """The rules that check `place` (see the module docstring), in table order."""
    return tuple(rule for rule in REGISTRY if place in rule.applies_to)
