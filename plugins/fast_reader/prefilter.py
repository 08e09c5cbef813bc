"""Skip inline patterns that cannot match a text (identical HTML, a good part of Markdown's cost).

Python-Markdown's inline passes (the main one, and smarty's second pass) try every pattern's
regex on every text node, one after another. Almost every pattern needs a particular character
inside its match — a link needs `[`, emphasis `*` or `_`, smarty's quotes `'` or `"` — so when
that character is not in the text, the pattern would find nothing and the pass would move on with
the text unchanged. A substring test answers that far faster than the regex scan.

Applied only to fast_reader's own worker instances. Patterns we do not know (other extensions)
are always tried, exactly as before. It overrides a private method of InlineProcessor and reads
the inline registry's private order, so it is applied only on the Python-Markdown versions in
`PROVEN`; on any other the tripwire (plugins/tripwire.py) logs once and Markdown runs unfiltered.
"""

from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown, util
from markdown.treeprocessors import InlineProcessor

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader.py proved the filtered HTML identical
PROVEN = {"markdown": "3.11.3"}

#: pattern name → substrings of which at least one must be in the text for the pattern to match
TRIGGERS: dict[str, tuple[str, ...]] = {
    # main inline pass (Python-Markdown 3.x names; `extra` adds `footnote`)
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong_em": ("*", "_"),
    "not_strong": ("*", "_"),
    # smarty's pass
    **{f"smarty-quotes-{i}": ("'", '"') for i in range(15)},
    "smarty-em-dashes": ("---",),
    "smarty-en-dashes": ("--",),
    "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",),
    "smarty-right-angle-quotes": (">>",),
}
#: the regexes the triggers above were derived from; a different regex under a known name
#: (another Markdown version, an extension re-registering it) disables the filter for it
EXPECTED = {
    "backtick": r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)",
    "escape": r"\\(.)",
    "footnote": r"\[\^([^\]]*)\]",
    "reference": r"(?<!\!)\[",
    "link": r"(?<!\!)\[",
    "image_link": r"\!\[",
    "image_reference": r"\!\[",
    "short_reference": r"(?<!\!)\[",
    "short_image_ref": r"\!\[",
    "autolink": r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
    "automail": r"<([^<> !]+@[^@<> ]+)>",
    "linebreak": r"  \n",
    "entity": r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)",
    "em_strong": r"\*|_",
    "smarty-em-dashes": r"(?<!-)---(?!-)",
    "smarty-en-dashes": r"(?<!-)--(?!-)",
    "smarty-ellipses": r"(?<!\.)\.{3}(?!\.)",
    "smarty-left-angle-quotes": r"\<\<",
    "smarty-right-angle-quotes": r"\>\>",
}

#: a smarty substitution as FilteredInlineProcessor._substitute applies it:
#: (regex, replacement parts, its Markdown, anchor, lead, before); a part is a group number, a
#: string taken as it is (see `direct_parts`) or a 1-tuple holding a string to stash in the HTML
#: stash; anchor, lead, before: see `smarty_anchors`
Substitute = tuple[re.Pattern[str], tuple[int | str | tuple[str], ...], Markdown, str | None, int,
                   Callable[[str], bool] | None]

#: the serializer leaves an `&` alone when this follows it (markdown.serializers.RE_AMP)
AMP_KEPT = r"(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);"
#: a string of such entities only: the serializer writes it unchanged
ENTITIES = re.compile(f"(?:&{AMP_KEPT})+", re.IGNORECASE)
#: one pattern of a plan: (index in the registry, pattern, substrings to look for, Substitute or None)
Step = tuple[int, object, tuple[str, ...] | None, Substitute | None]


class _TailHolder:
    """Stands for the throwaway element `InlineProcessor.run` links a tail into: only `.tail`."""

    __slots__ = ("tail",)

    def __init__(self) -> None:
        self.tail = None


class FilteredInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor that tries, on each text, only the patterns that can match.

    Python-Markdown's `__handleInline` calls `__applyPattern` for every pattern of the pass in
    turn (about 15 in the main pass, 18 in smarty's), and that Python-level call costs more than the
    regex scan itself. Here the text's trigger characters are looked up once (one C-level substring
    test per character) and the patterns worth trying for that set are planned once per set and cached;
    the loop over them is the original one. Applying a pattern only ever replaces a span of the text
    with a placeholder (STX, letters, digits, ETX), which contains no trigger character, so a
    pattern that cannot match the text at the start cannot match it later in the loop either (a
    pattern whose characters a match removed is still tried, and finds nothing). smarty's
    substitutions are applied by `_substitute`, the same steps in one loop.
    """

    triggers: dict[int, tuple[str, ...]]
    plans: dict[tuple[str, ...], tuple[Step, ...]]
    #: `_handle_strings`' plans: (substrings to look for or None, Substitute) per trigger set
    string_plans: dict[tuple[str, ...], tuple[tuple[tuple[str, ...] | None, Substitute], ...]]
    patterns: tuple[object, ...]  # the registry's patterns in its order, snapshot at `speed_up`
    trigger_chars: tuple[str, ...]
    #: id(pattern) → (regex, replacement parts, Markdown, anchor, lead, before) of smarty's substitutions
    substitutes: dict[int, Substitute]
    strings_only: bool  # every pattern is in `substitutes` (smarty's pass): `_run_strings`
    #: a text may change in the pass only when this finds something in it (see `_run_strings`)
    worth: Callable[[str], object]

    def run(self, tree, ancestors=None):
        """`_run_elements`, or for a pass of smarty's substitutions only `_run_strings`."""
        if self.strings_only:
            return self._run_strings(tree)
        return self._run_elements(tree, ancestors)

    def _run_elements(self, tree, ancestors=None):
        """`InlineProcessor.run`, step for step, except that a text or tail in which `worth` finds
        nothing is left as it is: no pattern can match it and it holds no placeholder, so
        `__handleInline` would hand it back unchanged, `__processPlaceholders` link it back where
        it was and yield no element — nothing to insert, no ancestor to record. Four texts in
        five of the main pass are such (a list item, a sentence without markup)."""
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)  # type: ignore[attr-defined]
        handle = self._InlineProcessor__handleInline  # type: ignore[attr-defined]
        link = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        worth = self.worth
        while stack:
            current, parents = stack.pop(0)
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queue = []
            for child in current:
                text = child.text
                if text and not isinstance(text, util.AtomicString) and worth(text):
                    self.ancestors.append(child.tag.lower())
                    child.text = None
                    made = link(handle(text), child)
                    for item in made:
                        self.parent_map[item[0]] = child
                    stack += made
                    queue.append((child, made))
                    self.ancestors.pop()
                if child.tail and worth(child.tail):
                    tail = handle(child.tail)
                    holder = etree.Element("d")
                    child.tail = None
                    made = link(tail, holder, False)
                    if holder.tail:
                        child.tail = holder.tail
                    pos = list(current).index(child) + 1
                    made.reverse()
                    for item in made:
                        self.parent_map[item[0]] = current
                        current.insert(pos, item[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
            for element, made in queue:
                for i, item in enumerate(made):
                    element.insert(i, item[0])
        return tree

    def _run_strings(self, tree):
        """`InlineProcessor.run` for a pass whose every pattern is a smarty substitution.

        Those only ever stash strings, so `__processPlaceholders` never yields an element: each
        text and tail just becomes itself with its placeholders replaced, no element is inserted,
        and the ancestors and parent map (read for elements and ancestor exclusions, which these
        patterns do not have) are not needed. Same walk, in the same order (level by level, text
        before tail), so the HTML stash gets its entries in the same order too.

        A text in which `worth` finds nothing (none of the trigger characters, no STX that could
        start a placeholder) is left as it is, without the two calls: no pattern is tried on it
        and no placeholder is in it, so they would give it back unchanged. About 60% of smarty's
        texts, mostly the newlines prettify put between blocks.

        So is a text that `_handle_strings` hands back unchanged (the same object) and that has no
        STX: `__processPlaceholders` would find no placeholder in it and link it back as it was.
        """
        self.stashed_nodes = {}
        handle = self._handle_strings
        link = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        worth = self.worth
        stx = util.STX
        queue = [tree]
        for element in queue:
            for child in element:
                text = child.text
                if text and not isinstance(text, util.AtomicString) and worth(text):
                    done = handle(text)
                    if done is not text or stx in text:
                        child.text = None
                        link(done, child)
                text = child.tail
                if text and worth(text):
                    done = handle(text)
                    if done is not text or stx in text:
                        holder = _TailHolder()
                        link(done, holder, False)
                        child.tail = holder.tail or None
                if len(child):
                    queue.append(child)
        return tree

    def _handle_strings(self, data):
        """`__handleInline` for `_run_strings` (every pattern a smarty substitution, never nested):
        the same patterns in the same order, each tried where its anchor allows (`_search`), with
        the common cases inline — the anchor is not in the text (any more), or the first one
        starts a match. The anchor is itself a necessary condition, so the trigger substring
        check is only needed for a pattern without one."""
        if isinstance(data, util.AtomicString):
            return data
        present = tuple(filter(data.__contains__, self.trigger_chars))
        steps = self.string_plans.get(present)
        if steps is None:
            steps = self.string_plans[present] = tuple(
                (substrings if substitute[3] is None else None, substitute)
                for _, _, substrings, substitute in self._plan(present))
        for substrings, substitute in steps:
            regex, _, _, anchor, lead, before = substitute
            if anchor is None:
                if substrings is not None and not any(part in data for part in substrings):
                    continue
                match = regex.search(data)
            else:
                at = data.find(anchor)
                if at < 0:
                    continue
                if lead:
                    match = _search(regex, data, 0, anchor, lead, before)
                else:
                    match = regex.match(data, at)
                    if match is None:
                        match = _search(regex, data, at + 1, anchor, 0)
            if match is not None:
                data = self._substitute(data, match, substitute)
        return data

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # noqa: N802
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        # one C-level substring test per trigger character: far cheaper than a set of the
        # text's characters (which walks the whole paragraph)
        present = tuple(filter(data.__contains__, self.trigger_chars))
        plan = self.plans.get(present)
        if plan is None:
            plan = self.plans[present] = self._plan(present)
        start = 0
        for index, pattern, substrings, substitute in plan:
            if index < patternIndex:
                continue
            if substrings is not None and not any(part in data for part in substrings):
                continue  # its characters are all there, but not side by side ("." is not "...")
            if substitute is not None:  # smarty's: the first search here, the rest in _substitute
                regex, _, _, anchor, lead, before = substitute
                match = _search(regex, data, 0, anchor, lead, before)
                if match is not None:
                    data = self._substitute(data, match, substitute)
                continue
            matched = True
            while matched:  # the original loop: re-apply a pattern while it matches, then the next
                data, matched, start = apply(pattern, data, index, start)
        return data

    def _substitute(self, data: str, match: re.Match[str], substitute: Substitute) -> str:
        """`match` and every later match of one smarty substitution, as `__applyPattern` +
        `handleMatch` do them one call at a time: each match, searched from just past the previous
        placeholder in the text as it is now, becomes its replacement (groups and HTML-stashed
        entities) stashed as a string node behind a placeholder. Each search starts near the next
        `anchor` (see `smarty_anchors`) instead of scanning the text position by position."""
        regex, replace, md, anchor, lead, before = substitute
        stashed, store = self.stashed_nodes, md.htmlStash.store
        fixed = replace[0] if len(replace) == 1 and type(replace[0]) is str else None
        while match is not None:
            if fixed is not None:  # one entity, taken as it is (most of them)
                result = fixed
            else:
                result = ""
                for part in replace:
                    if type(part) is str:
                        result += part
                    else:
                        result += match.group(part) if isinstance(part, int) else store(part[0])
            number = f"{len(stashed):04d}"
            placeholder = util.INLINE_PLACEHOLDER % number
            stashed[number] = result
            start, end = match.span()
            data = f"{data[:start]}{placeholder}{data[end:]}"
            match = _search(regex, data, start + len(placeholder), anchor, lead, before)
        return data

    def _InlineProcessor__processPlaceholders(self, data, parent, isText=True):  # noqa: N802, N803
        """The original, short-cut for a text without placeholders (most of them: the patterns
        found nothing) or whose placeholders all stand for plain strings (smarty's substitutions,
        entities, escapes): the original then only appends the text, placeholders replaced by
        their strings, to `parent`'s text or tail, piece by piece, and yields no elements."""
        if not data:
            return []
        if self._InlineProcessor__placeholder_prefix in data:  # type: ignore[attr-defined]
            text = self._strings_only(data)
            if text is None:
                return InlineProcessor._InlineProcessor__processPlaceholders(  # type: ignore[attr-defined]
                    self, data, parent, isText)
            if not text:
                return []
        else:
            text = util.AtomicString(data) if isinstance(data, util.AtomicString) else data
        if not isText:
            parent.tail = parent.tail + text if parent.tail else text
        else:
            parent.text = parent.text + text if parent.text else text
        return []

    def _strings_only(self, data: str) -> str | None:
        """`data` with its placeholders replaced by their stashed strings; None when the original
        must run: a stashed element, an unknown or malformed placeholder, a str subclass."""
        if type(data) is not str:
            return None
        pieces = util.INLINE_PLACEHOLDER_RE.split(data)  # text, id, text, id, ..., text
        numbers = pieces[1::2]
        if data.count(self._InlineProcessor__placeholder_prefix) != len(numbers):  # type: ignore[attr-defined]
            return None
        stashed = self.stashed_nodes
        nodes = [stashed.get(number) for number in numbers]
        if not all(type(node) is str for node in nodes):
            return None
        pieces[1::2] = nodes
        return "".join(pieces)

    def _plan(self, present: tuple[str, ...]) -> tuple[Step, ...]:
        """(index, pattern, substrings, substitute) of every pattern that may match a text holding
        the trigger characters `present`: unknown patterns always; known ones when all characters of
        one trigger are there. `substrings`: the triggers to look for in the text itself before
        trying the pattern, when one is longer than a character (None: the characters were enough);
        `substitute`: how `_substitute` applies it (None: `__applyPattern` does)."""
        plan = []
        for index, pattern in enumerate(self.patterns):
            needed = self.triggers.get(id(pattern))
            substitute = self.substitutes.get(id(pattern))
            if needed is None:
                plan.append((index, pattern, None, substitute))
            elif any(set(present).issuperset(part) for part in needed):
                longer = needed if any(len(part) > 1 for part in needed) else None
                plan.append((index, pattern, longer, substitute))
        return tuple(plan)


def _worth(proc: FilteredInlineProcessor) -> Callable[[str], object]:
    """What finds, in a text, a trigger (a pattern is tried only when one of its triggers is in
    the text: its characters plan it, then the substring is looked for) or an STX (the first
    character of every placeholder); always true when some pattern is tried on any text (an
    unknown one). For smarty's pass, any of the triggers' characters (a weaker test)."""
    if proc._plan(()):
        return bool
    if proc.strings_only:  # smarty's triggers: one class of characters scans fastest
        return re.compile(f"[{re.escape(''.join(proc.trigger_chars) + util.STX)}]").search
    parts = {part for needed in proc.triggers.values() for part in needed} | {util.STX}
    # a part holding another is found whenever that one is: look for the other only
    minimal = tuple(sorted(part for part in parts
                           if not any(other != part and other in part for other in parts)))

    def worth(text: str) -> bool:
        return any(map(text.__contains__, minimal))

    return worth


def quote_triggers() -> dict[str, tuple[str, ...]]:
    """smarty's quote regexes → the quote(s) inside their match, finer than TRIGGERS' "either quote":
    a text with apostrophes only is not tried against the seven double-quote patterns."""
    from markdown.extensions import smarty

    single, double = ("'",), ('"',)
    return {
        smarty.singleQuoteStartRe: single, smarty.doubleQuoteStartRe: double,
        smarty.doubleQuoteSetsRe: ("\"'",), smarty.singleQuoteSetsRe: ("'\"",),
        smarty.doubleQuoteSetsRe2: ("'\"",), smarty.singleQuoteSetsRe2: ("\"'",),
        smarty.decadeAbbrRe: single, smarty.openingSingleQuotesRegex: single,
        smarty.closingSingleQuotesRegex: single, smarty.closingSingleQuotesRegex2: single,
        smarty.remainingSingleQuotesRegex: single, smarty.openingDoubleQuotesRegex: double,
        smarty.closingDoubleQuotesRegex: double, smarty.closingDoubleQuotesRegex2: double,
        smarty.remainingDoubleQuotesRegex: double,
    }


def _ends_opening(char: str) -> bool:
    """The last character of smarty's `openingQuotesBase` (`\\s`, `&nbsp;`, `--`, `–`, `—`,
    `&mdash;`, `&ndash;`, `&#8211;`, `&#8212;`): a space (str.isspace is the regex's `\\s`), `;`,
    `-`, an en or em dash."""
    return char in ";-\u2013\u2014" or char.isspace()


def smarty_anchors() -> dict[str, tuple[str, int, Callable[[str], bool] | None]]:
    """smarty's regexes → (anchor, lead, before): every match holds `anchor` at most `lead`
    characters after its start, and when `before` is given, the character just before that
    anchor passes it. The lookbehinds and lookaheads around it consume nothing; only the opening
    quotes consume what precedes the quote (`openingQuotesBase`: a space, `--`, a dash,
    `&nbsp;`, `&mdash;`, `&#8211;` — 7 characters at most, ending as `_ends_opening` says)."""
    from markdown.extensions import smarty

    return {
        smarty.singleQuoteStartRe: ("'", 0, None), smarty.doubleQuoteStartRe: ('"', 0, None),
        smarty.doubleQuoteSetsRe: ("\"'", 0, None), smarty.singleQuoteSetsRe: ("'\"", 0, None),
        smarty.doubleQuoteSetsRe2: ("'\"", 0, None), smarty.singleQuoteSetsRe2: ("\"'", 0, None),
        smarty.decadeAbbrRe: ("'", 0, None), smarty.openingSingleQuotesRegex: ("'", 7, _ends_opening),
        smarty.closingSingleQuotesRegex: ("'", 0, None), smarty.closingSingleQuotesRegex2: ("'", 0, None),
        smarty.remainingSingleQuotesRegex: ("'", 0, None),
        smarty.openingDoubleQuotesRegex: ('"', 7, _ends_opening),
        smarty.closingDoubleQuotesRegex: ('"', 0, None), smarty.closingDoubleQuotesRegex2: ('"', 0, None),
        smarty.remainingDoubleQuotesRegex: ('"', 0, None),
        r"(?<!-)---(?!-)": ("---", 0, None), r"(?<!-)--(?!-)": ("--", 0, None),
        r"(?<!\.)\.{3}(?!\.)": ("...", 0, None), r"\<\<": ("<<", 0, None), r"\>\>": (">>", 0, None),
    }


def _search(regex: re.Pattern[str], data: str, pos: int, anchor: str | None, lead: int,
            before: Callable[[str], bool] | None = None) -> re.Match[str] | None:
    """`regex.search(data, pos)`, tried only where a match can start: at most `lead` characters
    before an occurrence of `anchor` (at or after `pos`), since every match holds one there —
    and, with `before`, one that follows a character `before` accepts (others are skipped).

    `regex.match(data, start)` is exactly the attempt `search` makes at `start` (lookbehinds see
    the text before it, `^` only the real start), and the starts are tried in increasing order,
    so the first success is `search`'s leftmost match. A failed `search` would instead scan every
    later position, testing a lookbehind at each — most of smarty's cost, as its patterns mostly
    fail: an apostrophe is tried against nine quote patterns, and matches one. A skipped anchor
    leaves its starts untried, for a later anchor's window to try if they reach it.
    """
    if anchor is None:
        return regex.search(data, pos)
    match, find = regex.match, data.find
    at = find(anchor, pos)
    if not lead:  # the match starts at the anchor
        while at >= 0:
            found = match(data, at)
            if found is not None:
                return found
            at = find(anchor, at + 1)
        return None
    untried = pos  # starts before it were tried already, or cannot start a match
    while at >= 0:
        if before is None or (at and before(data[at - 1])):
            start = at - lead if at - lead > untried else untried
            while start <= at:
                found = match(data, start)
                if found is not None:
                    return found
                start += 1
            untried = at + 1
        at = find(anchor, at + 1)
    return None


def substitutes_of(registry) -> dict[int, Substitute]:
    """smarty's SubstituteTextPattern instances of an inline registry (exactly that class, with
    smarty's own handleMatch and no ancestor exclusions), for `FilteredInlineProcessor._substitute`."""
    from markdown.extensions.smarty import SubstituteTextPattern

    anchors = smarty_anchors()
    found = {}
    for pattern in registry:
        if (type(pattern) is SubstituteTextPattern and not pattern.ANCESTOR_EXCLUDES
                and pattern.getCompiledRegExp() is pattern.compiled_re):
            anchor, lead, before = anchors.get(pattern.compiled_re.pattern, (None, 0, None))
            parts = direct_parts(pattern.replace, pattern.md)
            found[id(pattern)] = (pattern.compiled_re, parts, pattern.md, anchor, lead, before)
    return found


def direct_parts(replace, md: Markdown) -> tuple[int | str | tuple[str], ...]:
    """smarty's replacement parts, its entities (`&rsquo;`, `&ldquo;&lsquo;`) put into the text
    as they are instead of through the HTML stash, when that gives the same HTML.

    smarty stashes an entity so that the serializer does not escape its `&`; the raw_html
    postprocessor then puts it back where its stash placeholder is. But the serializer escapes
    neither a `&` that starts an entity (`RE_AMP`) nor anything else of a string of entities, and
    it cannot join one to the text around it: an `&` before it sees the entity's own `&` where it
    saw the placeholder's STX, and neither continues an entity. So the serialized HTML is the
    same, one HTML stash entry and one postprocessor substitution fewer for each quote, dash and
    ellipsis (smarty's own text patterns still see the inline placeholder, as before). Only with
    Python-Markdown's own serializers and raw_html postprocessor, and none of the later tree
    processors reads stash entries differently from text (toc renders headings through the same
    serializer and postprocessors); any other part (an element, other HTML) is stashed as before.
    """
    from markdown import postprocessors, serializers
    from markdown.extensions.md_in_html import MarkdownInHTMLPostprocessor

    raw_html = md.postprocessors["raw_html"] if "raw_html" in md.postprocessors else None
    serializer = getattr(md.serializer, "__wrapped__", md.serializer)  # tocmarker's skips only its div
    same = (serializer in (serializers.to_html_string, serializers.to_xhtml_string)
            and type(raw_html) in (postprocessors.RawHtmlPostprocessor, MarkdownInHTMLPostprocessor)
            and serializers.RE_AMP.pattern == f"&(?!{AMP_KEPT})"
            and serializers.RE_AMP.flags & re.IGNORECASE)
    return tuple(part if isinstance(part, int) or (same and type(part) is str and ENTITIES.fullmatch(part))
                 else (part,) for part in replace)


def _triggers(name: str, pattern, quotes: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The trigger of a known pattern; None for a pattern that must always be tried."""
    if not _known(name, pattern):
        return None
    if name.startswith("smarty-quotes-"):
        return quotes.get(pattern.pattern, TRIGGERS[name])
    return TRIGGERS[name]


def _known(name: str, pattern) -> bool:
    if name not in TRIGGERS:
        return False
    if name.startswith("smarty-quotes-"):
        return "'" in pattern.pattern or '"' in pattern.pattern  # every quote regex has a literal quote
    if name == "html":
        return pattern.pattern.startswith("(<")
    return EXPECTED.get(name) == pattern.pattern


def _markdown_internals() -> bool:
    """The private method FilteredInlineProcessor overrides must exist with the arguments it passes."""
    method = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]
    inspect.signature(method).bind(None, "pattern", "data", 0, 0)
    handle = InlineProcessor._InlineProcessor__handleInline  # type: ignore[attr-defined]
    inspect.signature(handle).bind(None, "data", 0)
    if "self.__applyPattern(" not in inspect.getsource(handle):
        raise AttributeError("InlineProcessor.__handleInline no longer loops over __applyPattern")
    util.AtomicString  # noqa: B018
    process = InlineProcessor._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
    inspect.signature(process).bind(None, "data", "parent", True)
    source = inspect.getsource(process)
    if "self.__placeholder_prefix" not in source or "linkText(text)" not in source:
        raise AttributeError("InlineProcessor.__processPlaceholders no longer links placeholder-free text")
    probe = Markdown().treeprocessors["inline"]
    if not isinstance(probe._InlineProcessor__placeholder_prefix, str):  # type: ignore[attr-defined]
        raise AttributeError("InlineProcessor has no placeholder prefix")
    for item in Markdown().treeprocessors["inline"].inlinePatterns._priority:
        item.name  # noqa: B018 — (name, priority) items, read by `speed_up`
    util.INLINE_PLACEHOLDER_RE  # noqa: B018 — `_strings_only` splits on it
    from markdown.extensions.smarty import SubstituteTextPattern

    if "self.md.htmlStash.store(part)" not in inspect.getsource(SubstituteTextPattern.handleMatch):
        raise AttributeError("smarty's SubstituteTextPattern.handleMatch is not what _substitute repeats")
    if "self.__stashNode(node" not in inspect.getsource(method):
        raise AttributeError("InlineProcessor.__applyPattern no longer stashes the node it made")
    return True


WIRE = Tripwire("fast_reader's inline prefilter", proven=PROVEN,
                uses="Python-Markdown's private InlineProcessor.__handleInline, __applyPattern, "
                     "__processPlaceholders, Registry._priority and smarty's SubstituteTextPattern",
                public="Python-Markdown's unfiltered inline passes", tests="tests/test_fast_reader.py",
                setup=_markdown_internals)


def speed_up(md: Markdown) -> int:
    """Filter the inline passes of `md`; returns how many patterns got a trigger (0: the tripwire
    says Markdown's internals are not the proven ones, nothing is changed)."""
    if WIRE.get() is None:
        return 0
    plan = []
    try:  # plan first, change nothing until every lookup worked
        quotes = quote_triggers()
        for name in ("inline", "smarty"):
            if name not in md.treeprocessors:
                continue
            proc = md.treeprocessors[name]
            if type(proc) is not InlineProcessor:
                continue
            registry = proc.inlinePatterns
            triggers = {}
            for item in list(registry._priority):  # (name, priority) pairs, the registry's own order
                pattern = registry[item.name]
                needed = _triggers(item.name, pattern, quotes)
                if needed is not None:
                    triggers[id(pattern)] = needed
            plan.append((proc, triggers, substitutes_of(registry)))
    except (AttributeError, KeyError, TypeError, ImportError) as exc:
        WIRE.trip(exc)
        return 0
    for proc, triggers, substitutes in plan:
        proc.__class__ = FilteredInlineProcessor
        proc.substitutes = substitutes
        proc.strings_only = bool(substitutes) and len(substitutes) == len(proc.inlinePatterns)
        proc.triggers = triggers
        proc.patterns = tuple(proc.inlinePatterns)  # the order `inlinePatterns[index]` gives
        proc.plans = {}
        proc.string_plans = {}
        chars = {char for parts in triggers.values() for part in parts for char in part}
        proc.trigger_chars = tuple(sorted(chars))
        proc.worth = _worth(proc)
    return sum(len(triggers) for _, triggers, _ in plan)
