"""fast_reader's render fast paths give what the plain paths give: templates compiled once and
shared between environments, the remembered relative source paths, the flush's globals copy."""

from __future__ import annotations

import functools
import os
import sys
from datetime import datetime

import pytest
from sitebuild import REPO

sys.path.insert(0, str(REPO))

#: Templates with what a compile may trip on: unicode, markup characters, invisible characters,
#: whitespace control, constant folding, macros, inheritance, an empty and a huge template.
HOSTILE = {
    "base.html": "{% import 'm.html' as m with context %}<title>{% block t %}Ünïcode — {{ site }}"
                 "{% endblock %}</title>\n  {% block b %}{% endblock %}|{{ m.hi('<x>') }}",
    "m.html": "{% macro hi(who) -%}\n  {{ who }}\u200b/{{ site|shout }}&amp;{%- endmacro %}",
    "page.html": "{% extends 'base.html' %}{% block b %}\n    {{ '<b>'|shout }} {{ 'x'|stamp }}\u2028"
                 "{{ items|join(', ') }} {% if 3 is odd %}odd{% endif %}{{ {'b': 1, 'a': '<'}|tojson }}"
                 "{% endblock %}",
    "empty.html": "",
    "huge.html": "".join(f"{{% if v > {i} %}}<p a=\"{i}\">é&lt;{{{{ v }}}}</p>{{% endif %}}\n"
                         for i in range(400)),
}
VARIABLES = {"site": "S <&> \u00a0\u2066", "items": ["<i>", "ü", ""], "v": 250}


def _shout(value):
    return str(value).upper()


def _whisper(value):
    return str(value).lower()


def _enabled(name, plugins):
    return name in plugins


class _Stamp:
    """A filter object with state, as Pelican's per-generator DateFormatter."""

    def __init__(self, mark: str) -> None:
        self.mark = mark

    def __call__(self, value):
        return f"{value}{self.mark}"


def _env(**options):
    from jinja2 import DictLoader, Environment

    shout = options.pop("shout", _shout)
    stamp = options.pop("stamp", "!")
    policies = options.pop("policies", {})
    env = Environment(loader=DictLoader(HOSTILE), **{"autoescape": True, "trim_blocks": True,
                                                   "lstrip_blocks": True, **options})
    env.filters.update(shout=shout, stamp=_Stamp(stamp))
    env.policies.update(policies)
    env.tests["enabled"] = functools.partial(_enabled, plugins=["a", "b"])  # as Pelican's plugin_enabled
    return env


def _counting_compiles(monkeypatch) -> list[str]:
    from jinja2 import Environment

    compiled: list[str] = []
    original = Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", compile)
    return compiled


def test_environments_alike_share_compiled_templates_and_render_the_same(monkeypatch):
    from plugins.fast_reader.compiled import SharedCode

    shared = SharedCode()
    compiled = _counting_compiles(monkeypatch)
    first, second = _env(), _env()  # alike, with distinct (equal) filter and test objects
    first.bytecode_cache = second.bytecode_cache = shared
    for name in ("page.html", "empty.html", "huge.html"):
        plain = _env().get_template(name).render(VARIABLES)
        assert first.get_template(name).render(VARIABLES) == plain
        assert second.get_template(name).render(VARIABLES) == plain
    # each template compiled once for the two shared environments (and once per plain one)
    shared_compiles = [n for n in compiled if n in HOSTILE]
    assert sorted(shared_compiles) == sorted(["page.html", "base.html", "m.html", "empty.html",
                                              "huge.html"] * 2)
    assert len(shared.codes) == 5
    # the second environment's templates are its own (its own filters, bound at run time)
    second.filters["shout"] = _whisper  # changed after loading: a run-time lookup, no refolding
    assert second.get_template("page.html").render(VARIABLES) != first.get_template("page.html").render(
        VARIABLES)


@pytest.mark.parametrize("difference", [
    {"trim_blocks": False}, {"lstrip_blocks": False}, {"autoescape": False},
    {"keep_trailing_newline": True}, {"variable_start_string": "{{", "line_statement_prefix": "#"},
    {"shout": _whisper},  # same name, another function: constant folding differs
    {"stamp": "?"},  # same filter class, other state
    {"extensions": ["jinja2.ext.loopcontrols"]},
    {"policies": {"json.dumps_kwargs": {"sort_keys": False}}},  # read by a folded `|tojson`
])
def test_environments_that_compile_differently_never_share(monkeypatch, difference):
    from plugins.fast_reader.compiled import SharedCode

    shared = SharedCode()
    compiled = _counting_compiles(monkeypatch)
    first, other = _env(), _env(**difference)
    first.bytecode_cache = other.bytecode_cache = shared
    for name in ("page.html", "huge.html"):
        first.get_template(name).render(VARIABLES)
        expected = _env(**difference).get_template(name).render(VARIABLES)
        assert other.get_template(name).render(VARIABLES) == expected
    # the other environment compiled everything itself
    assert compiled.count("page.html") == 3 and compiled.count("base.html") == 3


def test_unknowable_filters_and_extensions_are_never_shared():
    from plugins.fast_reader.compiled import environment_key

    class Opaque:
        def __call__(self, value):
            return value

    env = _env()
    assert environment_key(env) is not None and environment_key(env) == environment_key(_env())
    env.filters["opaque"] = Opaque()
    env.filters["opaque"].state = object()  # shown by its address: nothing to compare
    assert environment_key(env) is None
    assert environment_key(_env(extensions=["jinja2.ext.loopcontrols"])) is None


def test_a_changed_source_is_compiled_again():
    from jinja2 import DictLoader, Environment

    from plugins.fast_reader.compiled import SharedCode

    shared = SharedCode()
    sources = {"t.html": "one {{ x }}"}
    env = Environment(loader=DictLoader(sources), bytecode_cache=shared, auto_reload=True)
    assert env.get_template("t.html").render(x=1) == "one 1"
    sources["t.html"] = "two {{ x }}"
    assert Environment(loader=DictLoader(sources), bytecode_cache=shared).get_template(
        "t.html").render(x=1) == "two 1"


PATHS = [
    "posts/a.md", "posts/ünï cödé/ß.md", "posts/../pages/x.md", "./posts//b.md", "posts/\u200bz.md",
    "posts/a<b>&c.md", "x" * 300 + ".md",
]


@pytest.mark.parametrize("relative_root", [False, True])
def test_remembered_relative_source_paths_are_pelicans(tmp_path, monkeypatch, relative_root):
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from plugins.fast_reader import urls

    assert urls.WIRE.get() is not None
    root = tmp_path / "content"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    settings = {**DEFAULT_CONFIG, "PATH": "content" if relative_root else str(root)}
    sources = [*PATHS, *(str(root / p) for p in PATHS), *(os.path.join("content", p) for p in PATHS)]

    def answers() -> list:
        got = []
        for source in sources:
            article = Article("x", {"title": "T", "date": datetime(2026, 3, 1)}, settings=settings,
                              source_path=source)
            got.append((article.get_relative_source_path(), article.get_relative_source_path(source),
                        article.get_relative_source_path("other/ü.md"), article.relative_source_path))
        return got

    monkeypatch.setattr(urls, "_RELATIVE", [None])
    plain = answers()
    monkeypatch.chdir(tmp_path / "elsewhere")
    plain_elsewhere = answers()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(urls.Content, "get_relative_source_path", urls._relative_source_path)
    monkeypatch.setattr(urls, "_RELATIVE", [{}])
    assert answers() == plain
    assert answers() == plain  # from the memo
    monkeypatch.chdir(tmp_path / "elsewhere")  # relative paths follow the working directory
    assert answers() == plain_elsewhere
    assert (plain != plain_elsewhere) == relative_root  # absolute sources under a relative PATH
    # no source file: None, as Pelican says
    article = Article("x", {"title": "T", "date": datetime(2026, 3, 1)}, settings=settings)
    assert article.get_relative_source_path() is None


def test_flush_globals_copy_renders_like_jinja_and_sees_new_globals_next_flush():
    from jinja2 import DictLoader, Environment

    from plugins.fast_reader import writer

    env = Environment(autoescape=True, loader=DictLoader({
        "page.html": "{{ who }} {{ site }} {{ extra|default('none') }} {{ range(2)|list }}"}))
    env.globals.update(site="global-site", who="global-who")
    template = env.get_template("page.html")
    page = {"who": "<page>"}
    writer._GLOBALS[0] = {}
    try:
        first = writer._render_template(template, page)
        assert first == template.render(page) == "&lt;page&gt; global-site none [0, 1]"
        env.globals["extra"] = "added"  # within a flush nothing adds globals; the next flush sees it
        assert writer._render_template(template, page) == first
    finally:
        writer._GLOBALS[0] = None
    writer._GLOBALS[0] = {}
    try:
        assert writer._render_template(template, page) == template.render(page)
        assert "added" in template.render(page)
    finally:
        writer._GLOBALS[0] = None


@pytest.mark.parametrize("page", [
    {"SITEURL": "https://x.example", "localsiteurl": None},
    {"SITEURL": "..", "localsiteurl": ".."},  # relative URLs: each folder depth its own base
    {}, {"SITEURL": ""}, {"localsiteurl": "ü/<"},
])
def test_fragment_keys_by_the_page_base_as_context_get(page):
    """`lectern_fragment` reads SITEURL/localsiteurl with resolve_or_missing: the same base as
    `context.get` (None when absent, a page-level `set` winning), so the same memo entries."""
    from jinja2 import Environment

    from plugins.fast_reader import fragments

    env = Environment(autoescape=True)
    env.globals["lectern_fragment"] = fragments.fragment
    template = env.from_string(
        "{% macro m(x) %}[{{ x }}|{{ SITEURL|default('-') }}]{% endmacro %}"
        "{{ lectern_fragment(m, 'a') }}{% set SITEURL = 'set-by-page' %}{{ lectern_fragment(m, 'a') }}")
    memo: dict = {}
    fragments._MEMO[0] = memo
    try:
        rendered = template.render(page)
    finally:
        fragments._MEMO[0] = None
    assert rendered == template.render(page)  # memo off: every call renders
    bases = sorted((key[3] or "", key[4] or "") for key in memo)
    assert bases == sorted([(page.get("SITEURL") or "", page.get("localsiteurl") or ""),
                            ("set-by-page", page.get("localsiteurl") or "")])
