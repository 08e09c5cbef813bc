"""Read and validate brand.yml; every mistake is reported as `path:line: what is wrong`.

The file is walked as a YAML node tree (not plain dicts) so each error can name the line the
writer has to fix: unknown keys (with the closest valid one), wrong types, empty lists, bad
severities and regexes that do not compile. The rule matchers are compiled here, once per load.
Self-tests (`specs`) are run by `core.load_config`, which needs the checker.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from . import userregex
from .findings import SEVERITIES
from .model import AvoidEntry, Pillar, Spec, Term
from .patterns import Anchors
from .registry import REGISTRY, RULES
from .rules.alignment import AlignmentModel
from .rules.avoid import AvoidMatcher
from .rules.confidential import LeakMatcher
from .rules.hype import HypeMatcher
from .rules.names import NamesMatcher, compile_names
from .rules.terms import TermsMatcher


class BrandConfigError(ValueError):
    """brand.yml is unreadable or invalid; str(error) is `path:line: message`."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class BrandConfig:
    path: str
    statement: str
    pillars: tuple[Pillar, ...]
    terms: tuple[Term, ...] = ()
    avoid: tuple[AvoidEntry, ...] = ()
    hype: tuple[str, ...] = ()
    hype_per_1000_words: float = 3.0
    acronyms: tuple[str, ...] = ()
    confidential: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # accepted spellings of names (rules/names.py)
    max_sentence_words: int = 35
    readability_severity: str = "warning"
    min_score: int = 40
    min_words: int = 150
    green: int = 80  # alignment bands: green from here, amber from `amber`, red below
    amber: int = 60
    specs: tuple[Spec, ...] = ()
    name: str = ""
    #: rule id -> its compiled matcher (registry.Rule.compile), one per load
    matchers: dict = field(default_factory=dict, repr=False, compare=False)
    #: every word-list family's anchors together: one pass per file locates them all
    anchors: Anchors = field(default=None, repr=False, compare=False)
    #: `names` compiled: where listed names are in a text (no rule finds anything inside them)
    names_matcher: NamesMatcher = field(default=None, repr=False, compare=False)

    # The matchers by their older names (the syndication plugin, the publish step, fast_reader).
    @property
    def terms_matcher(self) -> TermsMatcher:
        return self.matchers["terms"]

    @property
    def avoid_matcher(self) -> AvoidMatcher:
        return self.matchers["avoid"]

    @property
    def hype_matcher(self) -> HypeMatcher:
        return self.matchers["hype"]

    @property
    def leak_matcher(self) -> LeakMatcher:
        return self.matchers["confidential"]

    @property
    def alignment_model(self) -> AlignmentModel:
        return self.matchers["alignment"]


TOP_KEYS = ("name", "statement", "pillars", "terms", "avoid", "hype", "confidential", "names",
            "readability", "alignment", "specs")


def parse_config(text: str, path: str) -> BrandConfig:
    """Validate brand.yml `text` (read from `path`, used in messages) and compile its matchers."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml if built
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise BrandConfigError(path, line, f"not valid YAML: {problem}") from None
    v = _Validator(path)
    if root is None:
        raise BrandConfigError(path, 1, "the file is empty: it needs at least `statement` and `pillars`")
    top = v.mapping(root, TOP_KEYS, required=("statement", "pillars"), what="brand.yml")
    values: dict = {
        "statement": v.text(top["statement"]),
        "pillars": tuple(v.pillar(n) for n in v.items(top["pillars"])),
    }
    names = [p.name for p in values["pillars"]]
    for node, name in zip(v.items(top["pillars"]), names, strict=True):
        if names.count(name) > 1:
            raise BrandConfigError(path, _line(node), f"pillar '{name}' is defined twice")
    if "name" in top:
        values["name"] = v.text(top["name"])
    if "terms" in top:
        values["terms"] = tuple(v.term(n) for n in v.items(top["terms"]))
    if "avoid" in top:
        values["avoid"] = tuple(v.avoid(n) for n in v.items(top["avoid"]))
    if "hype" in top:
        values.update(v.hype(top["hype"]))
    if "confidential" in top:
        values["confidential"] = v.texts(top["confidential"])
    if "names" in top:
        values["names"] = v.names(top["names"], values)
    if "readability" in top:
        r = v.mapping(top["readability"], ("max_sentence_words", "severity"), what="readability")
        if "max_sentence_words" in r:
            values["max_sentence_words"] = v.integer(r["max_sentence_words"], 5, 1000)
        if "severity" in r:
            values["readability_severity"] = v.severity(r["severity"])
    if "alignment" in top:
        a = v.mapping(top["alignment"], ("min_score", "min_words", "green", "amber"), what="alignment")
        if "min_score" in a:
            values["min_score"] = v.integer(a["min_score"], 0, 100)
        if "min_words" in a:
            values["min_words"] = v.integer(a["min_words"], 0, 1_000_000)
        for band in ("green", "amber"):
            if band in a:
                values[band] = v.integer(a[band], 1, 100)
        if values.get("amber", 60) >= values.get("green", 80):
            v.fail(a.get("amber") or a["green"], f"amber ({values.get('amber', 60)}) must be under "
                   f"green ({values.get('green', 80)}): scores from amber to green are amber")
    if "specs" in top:
        values["specs"] = tuple(v.spec(n) for n in v.items(top["specs"]))
    config = BrandConfig(path=path, **values)
    return compile_config(config)


def compile_config(config: BrandConfig) -> BrandConfig:
    """Attach each rule's compiled matcher (registry.REGISTRY), and the union of the anchors."""
    matchers = {rule.id: rule.compile(config) for rule in REGISTRY if rule.compile is not None}
    anchors = Anchors()
    for rule in REGISTRY:
        if rule.family:
            anchors |= matchers[rule.id].anchors
    object.__setattr__(config, "matchers", matchers)
    object.__setattr__(config, "anchors", anchors)
    object.__setattr__(config, "names_matcher", compile_names(config.names))
    return config


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false", "tag:yaml.org,2002:null": "nothing",
    "tag:yaml.org,2002:timestamp": "a date",
}


_CONSTRUCT = yaml.constructor.SafeConstructor()


class _Validator:
    """Typed accessors over YAML nodes that raise BrandConfigError at the offending line."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, node: yaml.Node, message: str):
        raise BrandConfigError(self.path, _line(node), message)

    def kind(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping (key: value)"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        return _TYPE_NAMES.get(node.tag, "text")

    def mapping(self, node, allowed, *, required=(), what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping (key: value), not {self.kind(node)}")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                hint = f" — did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"
                self.fail(key_node, f"unknown key '{name}' in {what}{hint}")
            if name in out:
                self.fail(key_node, f"'{name}' appears twice in {what}")
            out[name] = value_node
        for name in required:
            if name not in out:
                self.fail(node, f"{what} needs '{name}'")
        return out

    def text(self, node) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            self.fail(node, f"expected text, got {self.kind(node)} (put it in quotes if it is text)")
        if not node.value.strip():
            self.fail(node, "expected text, got an empty string")
        return node.value.strip()

    def items(self, node) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"expected a list, got {self.kind(node)}")
        if not node.value:
            self.fail(node, "this list is empty: add entries or remove the key")
        return node.value

    def texts(self, node) -> tuple[str, ...]:
        return tuple(self.text(n) for n in self.items(node))

    def integer(self, node, low: int, high: int) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            self.fail(node, f"expected a whole number, got {self.kind(node)}")
        value = _CONSTRUCT.construct_object(node)
        if not low <= value <= high:
            self.fail(node, f"{value} is out of range ({low}-{high})")
        return value

    def number(self, node, low: float) -> float:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
                "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            self.fail(node, f"expected a number, got {self.kind(node)}")
        value = float(_CONSTRUCT.construct_object(node))
        if value <= low:
            self.fail(node, f"{value:g} must be more than {low:g}")
        return value

    def severity(self, node) -> str:
        value = self.text(node)
        if value not in SEVERITIES:
            self.fail(node, f"severity '{value}' must be one of {', '.join(SEVERITIES)}")
        return value

    def pillar(self, node) -> Pillar:
        m = self.mapping(node, ("name", "keywords", "description", "required", "recommended"),
                         required=("name", "keywords"), what="a pillar")
        if "description" in m:
            self.text(m["description"])
        if "required" in m and "recommended" in m:
            self.fail(m["recommended"], "a pillar is either required or recommended, not both")
        goal, band = "", "amber"
        for key in ("required", "recommended"):
            if key in m:
                goal, band = key, self.band(m[key], key)
        return Pillar(self.text(m["name"]), self.texts(m["keywords"]), goal, band)

    def band(self, node, key: str) -> str:
        """`required: amber` / `recommended: green`: the lowest band a post may reach."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"
                and node.value.strip().lower() in ("green", "amber")):
            shown = f"'{node.value}'" if isinstance(node, yaml.ScalarNode) else self.kind(node)
            self.fail(node, f"{key} must be green (score ≥ 80) or amber (≥ 60), not {shown} — "
                      f"e.g. `{key}: amber` warns on posts that score red for this pillar")
        return node.value.strip().lower()

    def term(self, node) -> Term:
        m = self.mapping(node, ("use", "instead_of", "severity", "reason"), required=("use",),
                         what="a term")
        return Term(
            use=self.text(m["use"]),
            instead_of=self.texts(m["instead_of"]) if "instead_of" in m else (),
            severity=self.severity(m["severity"]) if "severity" in m else "warning",
            reason=self.text(m["reason"]) if "reason" in m else "",
        )

    def avoid(self, node) -> AvoidEntry:
        m = self.mapping(node, ("phrase", "pattern", "reason", "severity", "suggest"),
                         required=("reason",), what="an avoid entry")
        if ("phrase" in m) == ("pattern" in m):
            self.fail(node, "an avoid entry needs exactly one of 'phrase' or 'pattern'")
        pattern = None
        if "pattern" in m:
            pattern = self.text(m["pattern"])
            self.regex(m["pattern"], pattern)
        return AvoidEntry(
            reason=self.text(m["reason"]),
            severity=self.severity(m["severity"]) if "severity" in m else "warning",
            phrase=self.text(m["phrase"]) if "phrase" in m else None,
            pattern=pattern,
            suggest=self.text(m["suggest"]) if "suggest" in m else None,
            line=_line(node),
        )

    def regex(self, node, pattern: str) -> None:
        """A user regex must run in RE2 (linear time): no backreferences, no lookaround."""
        trouble = userregex.problem(pattern)
        if trouble:
            self.fail(node, trouble)

    def hype(self, node) -> dict:
        if isinstance(node, yaml.SequenceNode):
            return {"hype": self.texts(node)}
        m = self.mapping(node, ("words", "max_per_1000_words", "acronyms"), what="hype")
        out: dict = {}
        if "words" in m:
            out["hype"] = self.texts(m["words"])
        if "max_per_1000_words" in m:
            out["hype_per_1000_words"] = self.number(m["max_per_1000_words"], 0)
        if "acronyms" in m:
            out["acronyms"] = self.texts(m["acronyms"])
        return out

    def names(self, node, values: dict) -> tuple[str, ...]:
        """Accepted spellings: one line of text each, no duplicates, no code names, no variant a
        term rejects (a name cannot be both accepted and wrong)."""
        out: list[str] = []
        rejected = {v.casefold(): t.use for t in values.get("terms", ()) for v in t.instead_of}
        secret = {c.casefold() for c in values.get("confidential", ())}
        for item in self.items(node):
            name = self.text(item)
            if "\n" in name or len(name) > 200:
                self.fail(item, "a name is one line of at most 200 characters")
            if name in out:
                self.fail(item, f"name '{name}' is listed twice")
            if name.casefold() in secret:
                self.fail(item, f"'{name}' is a confidential code name: it cannot be an accepted name")
            if name.casefold() in rejected:
                self.fail(item, f"'{name}' is a variant the term '{rejected[name.casefold()]}' rejects: "
                                "remove it from one of the two lists")
            out.append(name)
        return tuple(out)

    def spec(self, node) -> Spec:
        m = self.mapping(node, ("text", "expect", "audience"), required=("text", "expect"),
                         what="a spec")
        expect_node = m["expect"]
        if not isinstance(expect_node, yaml.SequenceNode):
            self.fail(expect_node, f"expect must be a list of rule ids, got {self.kind(expect_node)}")
        expect = tuple(self.text(n) for n in expect_node.value)
        for rule_node, rule in zip(expect_node.value, expect, strict=True):
            if rule not in RULES:
                self.fail(rule_node, f"unknown rule '{rule}' (rules: {', '.join(RULES)})")
        audience = self.text(m["audience"]) if "audience" in m else "public"
        if audience not in ("public", "internal"):
            self.fail(m["audience"], f"audience '{audience}' must be public or internal")
        return Spec(self.text(m["text"]), expect, audience, _line(node))
