"""`python -m devserver` — `make devserver` (serve + rebuild) and `make regenerate` (`--no-serve`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devserver", description=__doc__)
    parser.add_argument("--settings", type=Path, default=REPO / "pelicanconf.py")
    parser.add_argument("--content", type=Path, default=REPO / "content")
    parser.add_argument("--output", type=Path, default=REPO / "output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="rebuild on every change, no server")
    parser.add_argument("--cache", type=Path, help="content cache (default: <build dir>/devserver-cache)")
    parser.add_argument("-D", "--debug", action="store_true", help="debug logging")
    parser.add_argument("--relative-urls", action="store_true", help="as pelican --relative-urls")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors, and the devserver lines")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting (a Python literal), like pelican --extra-settings")
    return parser.parse_args(argv)


def _overrides(args: argparse.Namespace) -> dict:
    import ast

    overrides: dict = {}
    if args.relative_urls:
        overrides["RELATIVE_URLS"] = True
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from pelican.log import init as init_logging

    level = logging.DEBUG if args.debug else logging.CRITICAL if args.quiet else None
    init_logging(level=level, name="pelican")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    from plugins.settings import value_of

    from . import serve
    from .loop import Loop
    from .site import Site

    overrides = _overrides(args)
    site = Site(args.settings, args.content, args.output, overrides=overrides)
    probe = site.read_settings(site.output)
    build_dir = Path(value_of(probe, "LECTERN_BUILD_DIR"))
    site.cache = (args.cache or build_dir / "devserver-cache").resolve()
    brand = value_of(probe, "BRAND_CONFIG")
    config_files = [site.settings_file] + ([Path(brand)] if brand else [])
    theme = Path(probe["THEME"])

    hub = serve.Hub()

    def say(line: str) -> None:
        print(line, flush=True)

    loop = Loop(site, notify=hub.publish, config_files=config_files, say=say)
    server = None
    if not args.no_serve:
        try:
            server, _thread = serve.start(site.output, args.bind, args.port, hub)
        except OSError as exc:
            print(f"devserver: cannot listen on {args.bind}:{args.port}: {exc.strerror} — stop the other "
                  f"server or choose another port: make devserver PORT=8001", file=sys.stderr)
            return 2
    watched = [site.content] + ([theme] if theme.is_dir() else [])
    loop.watch(watched)
    say(f"devserver: watching {', '.join(os.path.relpath(p) for p in watched + config_files)}")
    worker = threading.Thread(target=loop.run, daemon=True, name="devserver-worker")
    worker.start()

    def ready() -> None:
        loop.settled.wait()
        if server is not None:
            say(f"devserver: ready — {serve.url_of(server)}/ (the page reloads itself after each edit; "
                "Ctrl-C stops)")
        else:
            say("devserver: ready — output/ is rebuilt after each edit (Ctrl-C stops)")

    threading.Thread(target=ready, daemon=True).start()
    try:
        while worker.is_alive():
            worker.join(0.5)
    except KeyboardInterrupt:
        say("devserver: stopped")
    finally:
        loop.stop.set()
        site.close()
        if server is not None:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
