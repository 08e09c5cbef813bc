"""`python -m publish`: plan, preview and (with credentials) post new posts to social channels.

Exit status: 0 when nothing failed (including "no credentials: preview only"), 1 when a post
failed, the ledger is locked by another publish, or the manifest/brand guard cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from . import brand, channels, internal, preview, states
from .amplify import send as amplify
from .channels.registry import label
from .ledger import LedgerLocked, Writer
from .ledger import read as read_ledger
from .model import ManifestError, load_manifest
from .plan import plan, prepare, refill
from .redact import Redactor, error_text, redacting
from .run import mark_existing, now_utc, post_items, reconcile_open
from .settings import REPO, SettingsError, load, require_live


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m publish", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=str(REPO / "publishconf.py"),
                        help="Pelican settings file (default: publishconf.py)")
    parser.add_argument("--preview-only", action="store_true", help="write preview/ and post nothing")
    parser.add_argument("--mark-existing", action="store_true",
                        help="record every current post as already shared, without posting (first adoption)")
    parser.add_argument("--reshare", action="append", default=[], metavar="SLUG",
                        help="share this post again although it was shared before (repeatable)")
    parser.add_argument("--retry-attention", action="store_true",
                        help="re-post pairs marked 'needs attention' (after checking the channel by hand)")
    parser.add_argument("--manifest", help="manifest to read (default: the settings' SYNDICATION_MANIFEST)")
    parser.add_argument("--preview-build", action="store_true",
                        help="the manifest is `make preview`'s non-strict build: preview only, and every "
                             "post with a brand error is shown held with the finding")
    parser.add_argument("--content", help="content folder the build read (for --preview-build)")
    parser.add_argument("--site", help="built site folder, where card images are read (default: OUTPUT_PATH)")
    args = parser.parse_args(argv)
    if args.preview_build:
        args.preview_only = True
    return args


def main(argv: list[str] | None = None, env: dict | None = None) -> int:
    args = parse_args(argv)
    env = dict(os.environ if env is None else env)
    redact = Redactor(env)
    with redacting(redact):  # stdout, stderr and every log record, until we return
        out, err = Console(), Console(stderr=True)
        try:
            return _main(args, env, redact, out, err)
        except Exception:  # noqa: BLE001 - a traceback may quote a secret: show it redacted, exit 1
            say(err, "publish: unexpected error (secrets shown as ***):\n" + traceback.format_exc())
            return 1


def _main(args, env: dict, redact: Redactor, out: Console, err: Console) -> int:
    try:
        settings = load(args.settings)
    except SettingsError as exc:
        say(err, f"publish: settings: {exc}")
        return 2
    settings["SYNDICATION_REQUIRE_LIVE"] = require_live(settings, env)
    built_with = settings
    if args.preview_build:  # made by publish.previewbuild: production URLs, brand and contract lenient
        built_with = {**settings, "LECTERN_STRICT": False, "BRAND_STRICT": False}
    try:
        site_url, posts = load_manifest(args.manifest or settings["SYNDICATION_MANIFEST"], built_with,
                                        args.settings)
    except ManifestError as exc:
        say(err, f"publish: {exc}")
        return 1
    posts = internal.localise(posts, settings, env, site_url)  # Slack/Teams link to the internal edition

    writer = None
    enabled = settings["SYNDICATION_CHANNELS"]  # checked and completed by load()
    live = [name for name in enabled if channels.module(name).configured(env, settings)]
    if not args.preview_only and (live or args.mark_existing):
        try:
            writer = Writer(settings["SYNDICATION_LEDGER"], redact)
        except LedgerLocked as exc:
            say(err, f"publish: {exc}")
            return 1
    try:
        return _run(args, env, settings, posts, writer, redact, out, err, enabled, live)
    finally:
        if writer is not None:
            writer.close()


def _run(args, env, settings, posts, writer, redact, out, err, enabled, live) -> int:
    failed = False
    ledger = writer.read() if writer else read_ledger(settings["SYNDICATION_LEDGER"])
    for problem in ledger.problems:
        say(err, f"publish: {problem.where(settings['SYNDICATION_LEDGER'])}: {problem.message}")
    if writer:
        ledger = writer.repair(ledger)

    try:
        check = brand.load_check(settings)
    except brand.BrandUnavailable as exc:
        say(err, f"publish: {exc} — nothing will be sent")
        check, failed = brand.unavailable(str(exc)), True

    connections: dict = {}
    broken: dict[str, str] = {}  # channel → why it could not connect
    notices = channels.warnings(enabled, settings, env)  # every run, credentials or not
    if writer and not args.mark_existing:
        for name in live:
            module = channels.module(name)
            try:
                connections[name] = module.connect(settings, env)
                notices += channels.notes(connections[name])
            except Exception as exc:  # noqa: BLE001 - any connect failure must stop only this channel
                broken[name] = error_text(redact, exc)
                say(err, f"publish: {label(name)}: {broken[name]}")
    for notice in notices:
        say(err, f"publish: warning: {redact(notice)}")
    if writer and not args.mark_existing:
        by_slug = {p.slug: p for p in posts}
        for note in reconcile_open(writer, ledger, connections, by_slug, settings, redact):
            say(err, f"publish: reconcile: {note}")
        for note in amplify.reconcile(writer, writer.read(), connections, settings, now_utc()):
            say(err, f"publish: reconcile: {note}")
        ledger = writer.read()

    items = plan(posts, ledger, settings, now=now_utc(), reshare=args.reshare,
                 retry_attention=args.retry_attention, cap=0 if args.mark_existing else None)
    prepare(items, settings, check)
    if args.preview_build:
        brand.hold_source_errors(items, settings, args.content)
    brand.hold_leaks(items, settings)  # last gate: before the preview and before any network call
    _hold_confidential(items)
    refill(items, 0 if args.mark_existing else settings["SYNDICATION_MAX_PER_RUN"])
    brand.add_warnings(items, settings)
    shares = _amplify(args, posts, items, ledger, settings, check, err, redact,
                      internal.internal_siteurl(settings, env))
    show = {"settings": settings, "site": args.site, "content": args.content, "notices": notices}
    page = preview.write(settings["SYNDICATION_PREVIEW_DIR"], items, redact, shares=shares, **show)

    if args.preview_only:
        say(err, f"publish: preview written to {page} (nothing posted)")
        _table(out, items, connections, enabled, preview_only=True)
        _findings(err, items, redact, holds=True)
        return 1 if failed else 0
    for item in items:
        if item.channel in broken and item.status == "planned":
            item.status, item.reason = "failed", broken[item.channel]
    if args.mark_existing:
        mark_existing(writer, items)
        amplify.mark_existing(writer, shares)
    else:
        todo = sum(1 for i in items if i.status == "planned" and i.channel in connections)
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("Syndicating", total=todo)
            post_items(writer, items, connections, settings, redact,
                       progress=lambda item: bar.update(task, advance=1,
                                                        description=f"{item.channel}: {item.post.slug}"))
        amplify.post(writer, shares, connections, redact)
    preview.write(settings["SYNDICATION_PREVIEW_DIR"], items, redact, shares=shares, **show)
    _table(out, items, connections, enabled, preview_only=False)
    _findings(err, items, redact, holds=False)  # the loop below reports every hold
    for item in items + shares:
        if item.status in states.REPORTED:
            what = f"{item.channel} (amplify)" if item.kind else item.channel
            say(err, redact(f"publish: {item.post.slug} → {what}: {item.status}: {item.reason}"))
        elif item.kind and item.status == "posted":
            say(err, redact(f"publish: {item.post.slug} → {item.channel} (amplify): sent"))
    if not connections and not args.mark_existing:
        say(err, f"publish: no channel credentials in the environment — preview only ({page})")
    return 1 if failed or broken or any(i.status == "failed" for i in items + shares) else 0


def _amplify(args, posts, items, ledger, settings, check, err: Console, redact, edition: str) -> list:
    """The share kits and their amplify messages (publish/amplify/): planned, composed, passed
    through the same last gate as every outgoing text, and the kit pages written."""
    shares, kits = amplify.plan(posts, items, ledger, settings, check, now_utc(),
                                retry_attention=args.retry_attention)
    amplify.compose(shares, kits, settings, edition)
    brand.hold_leaks(shares, settings)
    for item in shares:
        if item.status == "held":
            kits.pop(item.post.slug, None)
    for item in shares:  # a kit dropped by the gate on one channel is held on the others too
        if item.status in brand.OUTGOING and item.post.slug not in kits:
            item.status, item.reason = "held", "share kit: held on another channel by the brand guard"
    for path in amplify.write_pages(kits, settings, redact):
        say(err, f"publish: share kit written to {path}")
    return shares


def say(console: Console, message: str) -> None:
    """One message per line, never wrapped or coloured, so logs stay greppable (and redacted: the
    console writes through `redacting()`)."""
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def _hold_confidential(items) -> None:
    """A post whose text for any channel names a confidential term is sent nowhere."""
    tainted = {i.post.slug for i in items if i.status == "held" and "confidential" in i.reason}
    for item in items:
        if item.post.slug in tainted and item.status in ("planned", "capped", "deferred"):
            item.status = "held"
            item.reason = "brand guard: another channel's text for this post names a confidential term"


#: Terminal table columns (publish.states): "skipped" is split into its causes; "accepted" counts
#: what a webhook took for later delivery (Teams 202), which is not "posted".
TABLE = tuple((column, tuple(s for s in states.STATUSES if states.summary_column(s) == column))
              for column in states.COLUMNS)


def _table(out: Console, items, connections, enabled, *, preview_only: bool) -> None:
    table = Table(title="Syndication" + (" preview" if preview_only else ""))
    headings = [("would send" if preview_only else "posted") if h == "now" else h for h, _ in TABLE]
    table.add_column("channel", no_wrap=True)
    for heading in headings:
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("brand warnings", justify="right", no_wrap=True)
    table.add_column("mode", no_wrap=True)
    for name in enabled:
        mine = [i for i in items if i.channel == name]
        counts = [sum(1 for i in mine if states.summary_column(i.status) == column) for column, _ in TABLE]
        warnings = sum(len(i.warnings) for i in mine)
        mode = "preview only" if preview_only or name not in connections else "live"
        table.add_row(label(name), *(str(c) for c in counts), str(warnings), mode)
    wide = Console(width=max(out.width, 140), file=out.file)  # eleven columns: never wrap a heading
    wide.print(table)


def _findings(err: Console, items, redact, *, holds: bool) -> None:
    """Every brand warning on a social text (and every brand hold), one greppable line each."""
    for item in items:
        for warning in item.warnings:
            say(err, redact(f"publish: {item.post.slug} → {item.channel}: brand warning: {warning}"))
        if holds and item.status == "held" and "brand guard" in item.reason:
            say(err, redact(f"publish: {item.post.slug} → {item.channel}: held: {item.reason}"))


def entry() -> None:
    sys.exit(main())


def _repo_on_path() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)


_repo_on_path()
