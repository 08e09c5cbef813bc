"""Write preview/plan.json and preview/index.html: each outgoing post as its network will show it.

The page is read at a glance before anything is sent, so it is grouped by what will happen:
*goes out now*, *later* (per-run cap, rate limit, not live yet, in flight), *held* (with the
reason: a brand finding, placeholder text, a ledger problem…) and *already shared* (collapsed, a
count only). Each text is drawn in its network's card style (X, LinkedIn, Mastodon, Bluesky,
Slack, Teams), with the brand guard's warnings beside it and, when a text was cut to fit, the
original length, the limit and the words that were cut.

The folder is git-ignored and never deployed (it can hold internal posts). The HTML is
self-contained: inline CSS, no scripts, no external requests. Card images are *copied* from the
local build (or content/) into preview/images/ — the production URL is not deployed yet — and a
card whose image is not on disk says so instead of loading anything. Every text is escaped and
the whole page is redacted (`publish.redact`) before it is written.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import states
from .channels.registry import CHANNELS, label
from .model import Item
from .redact import scrub

#: (group id, heading, statuses) from publish.states; every status not listed is shown as held.
GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = tuple(
    (name, heading, states.statuses_in_group(name))
    for name, heading in (("now", "Goes out now"), ("later", "Later"), ("held", "Held"),
                          ("shared", "Already shared"))
)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})

CSS = """
:root{color-scheme:light}
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem;color:#1d2433;
background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-top:2px solid #ccd;padding-top:1rem}
h3{font-size:1.05rem;margin:1.5rem 0 .25rem}
.counts{display:flex;gap:1rem;flex-wrap:wrap;padding:0;list-style:none}
.counts li{border:1px solid #ccd;border-radius:6px;padding:.3rem .7rem}
.meta{font-size:.85rem;color:#4a5263}.reason{font-size:.9rem;color:#5c2c00;background:#fff4e5;
padding:.4rem .6rem;border-radius:4px;margin:.3rem 0;overflow-wrap:anywhere}
.row{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start;margin:1rem 0}
.post{flex:1 1 26rem;min-width:0;border:1px solid #cfd4dc;border-radius:12px;padding:.8rem;background:#fff}
.side{flex:0 1 18rem;font-size:.88rem}
.side ul{margin:.2rem 0;padding-left:1.1rem}.warn{color:#6b3d00}.cutinfo{color:#2d3a52}
.who{display:flex;gap:.5rem;align-items:center}.avatar{width:2.2rem;height:2.2rem;border-radius:50%;
background:#41506b;flex:none}.name{font-weight:700}.handle{color:#4a5263;font-size:.85rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0}
.over{color:#9b0000;font-weight:700}
.card{border:1px solid #cfd4dc;border-radius:12px;overflow:hidden;margin-top:.5rem;background:#fff}
.card img{display:block;width:100%;max-height:16rem;object-fit:cover}
.card .body{padding:.5rem .7rem;overflow-wrap:anywhere}.card .title{font-weight:700}
.card .domain{color:#4a5263;font-size:.85rem}
.noimg{padding:.5rem .7rem;background:#f3f4f6;color:#4a5263;font-size:.85rem}
.net-x .avatar{background:#0f1419}.net-x .card{border-radius:16px}
.net-linkedin{border-radius:8px}.net-linkedin .avatar{border-radius:4px;background:#0a4a8a}
.net-linkedin .card{border-radius:0;background:#eef3f8}
.net-mastodon{background:#f7f5ff}.net-mastodon .avatar{border-radius:8px;background:#4c3fb5}
.net-bluesky .avatar{background:#0b5cc7}.net-bluesky .card{border-radius:8px}
.net-slack{border-radius:6px}.net-slack .avatar{border-radius:6px;background:#4a154b}
.net-slack .card{border:0;border-left:4px solid #b0b7c3;border-radius:0}
.net-teams{border-top:4px solid #4b53bc;border-radius:4px}
.net-teams .avatar{background:#4b53bc;border-radius:4px}
details{margin-top:1rem}summary{cursor:pointer;font-weight:700}
.shared li{overflow-wrap:anywhere}
"""


@dataclass(frozen=True)
class Cut:
    """How a text was shortened to fit: its length uncut, the limit, and the words left out."""

    original: int
    limit: int
    removed: str


def names_code_name(item: Item) -> bool:
    """Held for naming a code name: the preview shows neither its title, texts, card nor findings
    (the names would sit in preview/, which a CI run may keep as an artifact)."""
    reason = item.reason or ""
    return item.status == "held" and ("code name" in reason or "confidential term" in reason)


def group_of(item: Item) -> str:
    for name, _, statuses in GROUPS:
        if item.status in statuses:
            return name
    return "held"


def rows(items: Iterable[Item], cuts: dict[int, Cut] | None = None) -> list[dict]:
    cuts = cuts or {}
    out = []
    for item in items:
        cut = cuts.get(id(item))
        out.append({
            "post": item.post.slug, "channel": item.channel, "url": item.link or item.post.url,
            "text": "" if names_code_name(item) else item.text, "length": item.length,
            "limit": item.limit, "status": item.status,
            "reason": item.reason, "audience": item.post.audience, "group": group_of(item),
            "kind": item.kind,
            "warnings": [] if names_code_name(item) else list(item.warnings),
            "cut": {"original": cut.original, "limit": cut.limit, "removed": cut.removed} if cut else None,
        })
    return out


def shortening(item: Item, settings: dict | None) -> Cut | None:
    """Why the X text is shorter than what the writer wrote (None: nothing was cut)."""
    if item.channel != "x" or not item.text or settings is None:
        return None
    from plugins.settings import value_of

    from .compose import ELLIPSIS, ComposeError, render, shorten, source_text
    from .lengths import x_length

    try:
        templates = value_of(settings, "SYNDICATION_TEMPLATES")
        template = templates.get("x", CHANNELS["x"].template)
        source = source_text(item.post, "x")
        link = item.link or item.post.url
        original = x_length(render(template, source, link, item.post))
        limit = item.limit or CHANNELS["x"].limit
        if original <= limit:
            return None
        body = shorten(source, lambda b: x_length(render(template, b, link, item.post)) <= limit)
    except ComposeError:
        return None
    kept = body[: -len(ELLIPSIS)] if body.endswith(ELLIPSIS) else body
    removed = source[len(kept):].strip() if source.startswith(kept) else source
    return Cut(original, limit, removed)


def local_image(image: str | None, roots: Sequence[Path], dest: Path, cache: dict[str, str]) -> str | None:
    """Copy the card image from the local build (or content/) into `dest`/images and return its
    relative src; None when it is not on disk. Never a URL: the site is not deployed yet."""
    if not image:
        return None
    if image in cache:
        return cache[image] or None
    parts = [unquote(p) for p in urlsplit(image).path.split("/") if p not in ("", ".", "..")]
    found = None
    for root in roots:
        root = root.resolve()
        for start in range(len(parts)):
            candidate = root.joinpath(*parts[start:])
            try:
                resolved = candidate.resolve()
                resolved.relative_to(root)  # a symlink out of the folder is not followed
            except (OSError, ValueError):
                continue
            if resolved.suffix.lower() in IMAGE_SUFFIXES and resolved.is_file():
                found = resolved
                break
        if found:
            break
    if found is None:
        cache[image] = ""
        return None
    folder = dest / "images"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{len([v for v in cache.values() if v]) + 1}{found.suffix.lower()}"
    shutil.copyfile(found, folder / name)
    cache[image] = f"images/{name}"
    return cache[image]


def write(directory: str | Path, items: list[Item], redact=lambda s: s, *, settings: dict | None = None,
          site: str | os.PathLike | None = None, content: str | os.PathLike | None = None,
          notices: Sequence[str] = (), shares: Sequence[Item] = ()) -> Path:
    """Write plan.json and index.html; returns the HTML path. `site` and `content` are where card
    images are looked up (the local build first); `notices` are the channels' warnings (an API
    tier that cannot reconcile, an old LinkedIn-Version…), shown first. `shares` are the amplify
    messages (share kit, publish/amplify/): listed in amplify.json and in their own section."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(directory / "images", ignore_errors=True)
    settings = settings or {}
    roots = [Path(p) for p in (site or settings.get("OUTPUT_PATH"), content or settings.get("PATH")) if p]
    cache: dict[str, str] = {}
    images = {id(i): local_image(i.post.image, roots, directory, cache) for i in items
              if group_of(i) != "shared" and not names_code_name(i)}
    cuts = {id(i): c for i in items if not names_code_name(i) and (c := shortening(i, settings))}
    data = json.dumps(scrub(rows(items, cuts), redact), ensure_ascii=False, indent=2)
    (directory / "plan.json").write_text(data + "\n", encoding="utf-8")
    data = json.dumps(scrub(rows(shares), redact), ensure_ascii=False, indent=2)
    (directory / "amplify.json").write_text(data + "\n", encoding="utf-8")
    page = directory / "index.html"
    page.write_text(redact(render(items, images, cuts, notices, shares)), encoding="utf-8")
    return page


def render(items: list[Item], images: dict[int, str | None] | None = None,
           cuts: dict[int, Cut] | None = None, notices: Sequence[str] = (),
           shares: Sequence[Item] = ()) -> str:
    e = html.escape
    images, cuts = images or {}, cuts or {}
    grouped: dict[str, list[Item]] = {name: [] for name, _, _ in GROUPS}
    for item in items:
        grouped[group_of(item)].append(item)
    parts = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta name="robots" content="noindex"><title>Syndication preview</title>',
             f"<style>{CSS}</style></head><body><main><h1>Syndication preview</h1>",
             '<ul class="counts" aria-label="Summary">']
    for name, heading, _ in GROUPS:
        parts.append(f'<li><a href="#{name}">{e(heading)}</a>: <strong>{len(grouped[name])}</strong></li>')
    parts.append("</ul>")
    if notices:
        parts.append('<section aria-labelledby="notices"><h2 id="notices">Before posting</h2><ul>')
        parts += [f'<li class="reason">{e(notice)}</li>' for notice in notices]
        parts.append("</ul></section>")
    if not items:
        parts.append("<p>Nothing to share: every published post is already syndicated.</p>")
    for name, heading, _ in GROUPS[:3]:
        parts.append(f'<section aria-labelledby="{name}"><h2 id="{name}">{e(heading)} '
                     f"({len(grouped[name])})</h2>")
        if not grouped[name]:
            parts.append('<p class="meta">None.</p>')
        slug = None
        for item in grouped[name]:
            if item.post.slug != slug:
                slug = item.post.slug
                title = item.post.slug if names_code_name(item) else item.post.title
                parts.append(f'<h3>{e(title)}</h3><p class="meta">{e(item.post.url)} · '
                             f"{e(item.post.audience)}</p>")
            parts.append(entry(item, images.get(id(item)), cuts.get(id(item))))
        parts.append("</section>")
    shared = grouped["shared"]
    parts.append(f'<section aria-labelledby="shared"><h2 id="shared">Already shared ({len(shared)})</h2>')
    if shared:
        parts.append(f"<details><summary>{len(shared)} already shared — show the list</summary>"
                     '<ul class="shared">')
        parts += [f"<li>{e(i.post.slug if names_code_name(i) else i.post.title)} → {e(label(i.channel))}"
                  f"{' (' + e(i.remote_url) + ')' if i.remote_url else ''}"
                  f"{' — accepted, delivery not confirmed' if i.status == 'already-accepted' else ''}</li>"
                  for i in shared]
        parts.append("</ul></details>")
    parts.append("</section>")
    if shares:
        parts.append(amplify_section(shares))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def amplify_section(shares: Sequence[Item]) -> str:
    """The amplify messages (one per new public post and internal channel) with their status."""
    e = html.escape
    parts = ['<section aria-labelledby="amplify"><h2 id="amplify">Amplify messages to colleagues '
             f"({len(shares)})</h2>"]
    for item in shares:
        if group_of(item) == "shared":
            continue
        parts.append(f'<h3>{e(item.post.slug if names_code_name(item) else item.post.title)}</h3>')
        parts.append(entry(item, None, None))
    done = sum(1 for item in shares if group_of(item) == "shared")
    if done:
        parts.append(f'<p class="meta">{done} already sent.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def entry(item: Item, image: str | None, cut: Cut | None) -> str:
    e = html.escape
    over = bool(item.limit and item.length > item.limit)
    what = label(item.channel) + (" · amplify message (share kit for colleagues)" if item.kind else "")
    side = [f'<p class="meta">{e(what)} · <strong>{e(item.status)}</strong> · '
            f'<span class="{"over" if over else "ok"}">{item.length} / {item.limit}</span></p>']
    if item.reason:
        side.append(f'<p class="reason">{e(item.reason)}</p>')
    if cut:
        side.append(f'<p class="cutinfo">Shortened: {cut.original} / {cut.limit} before cutting; cut: '
                    f"“{e(cut.removed)}”</p>")
    if item.warnings and not names_code_name(item):
        side.append('<p class="warn"><strong>Brand warnings</strong></p><ul class="warn">'
                    + "".join(f"<li>{e(w)}</li>" for w in item.warnings) + "</ul>")
    if names_code_name(item):
        return f'<div class="row"><div class="side">{"".join(side)}</div></div>'
    return (f'<div class="row"><article class="post net-{e(item.channel)}" '
            f'aria-label="{e(label(item.channel))}: {e(item.post.title)}">{network(item, image)}</article>'
            f'<div class="side">{"".join(side)}</div></div>')


def network(item: Item, image: str | None) -> str:
    """The post as the network draws it: who, the text, and the link card."""
    e = html.escape
    who, handle = "Your account", label(item.channel)
    head = (f'<div class="who"><span class="avatar" aria-hidden="true"></span><span><span class="name">'
            f'{e(who)}</span> <span class="handle">{e(handle)}</span></span></div>')
    text = f'<div class="text">{e(item.text)}</div>' if item.text else \
        '<div class="text meta">(no text composed)</div>'
    return head + text + card(item, image)


def card(item: Item, image: str | None) -> str:
    e = html.escape
    post = item.post
    if image:
        picture = f'<img src="{e(image)}" alt="Card image for {e(post.title)}">'
    elif post.image:
        picture = f'<div class="noimg">Card image not found in the local build: {e(post.image)}</div>'
    else:
        picture = ""
    domain = urlsplit(item.link or post.url).netloc
    return (f'<div class="card">{picture}<div class="body"><div class="title">{e(post.title)}</div>'
            f"<div>{e(post.summary)}</div>"
            f'<div class="domain">{e(domain)}</div></div></div>')
