"""`make deploy`: put the production build where readers are — S3-compatible stores, rsync/ssh, GitHub Pages.

One module per target, like Lektor's publishers: `s3`, `rsync`, `ghpages`, each a generator that
yields progress `Line`s and returns a `Summary`. Not a channel: nothing here touches the ledger;
a deploy can be repeated at any time and uploads only what changed.

    deploy(output_dir, target, settings, dry_run=False, force=False, progress=print) -> Summary

is the entry point for `python -m publish.deploy` and for `make publish`'s own steps. Before
anything is read from the remote, the output folder is checked (`guard`: production build for
these settings, never build/ or preview/); before anything is changed, the whole plan is known
(`plan`: uploads in tier order, deletes capped by DEPLOY_MAX_DELETES unless `force`). Every line
and every error passes through the publish step's redaction (`publish.redact`).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from ..channels.registry import secret_env_names
from ..redact import Redactor, remember
from . import files, guard
from .plan import Config, Line, Summary
from .target import DeployError, Target, overlap, parse

__all__ = ["TARGETS", "Config", "DeployError", "Line", "Summary", "Target", "deploy", "parse", "redactor"]

#: Target kind → module; each has `run(output, target, config, local, *, dry_run, force, env, skip)`,
#: a generator of progress `Line`s that returns the `Summary`.
TARGETS = {"s3": "publish.deploy.s3", "rsync": "publish.deploy.rsync", "ghpages": "publish.deploy.ghpages"}
#: Secret whatever their names say (an access key id appears in signed requests and error texts).
SECRET_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "RSYNC_PASSWORD",
                    "GITHUB_TOKEN", "GH_TOKEN")


def redactor(env: Mapping[str, str]) -> Redactor:
    return Redactor(env, [*secret_env_names(), *SECRET_VARIABLES])


def deploy(output_dir: str | os.PathLike, target: str | Target | None, settings: Mapping,
           dry_run: bool = False, force: bool = False,
           progress: Callable[[Line], object] = print, *,
           env: Mapping[str, str] | None = None, settings_file: str | os.PathLike | None = None) -> Summary:
    """Deploy `output_dir` to `target` (None: DEPLOY_TARGET from the environment or the settings).

    Raises DeployError — with nothing changed, unless its message says otherwise — for a missing
    or unknown target, a dev build, a delete count above DEPLOY_MAX_DELETES without `force`, or
    an error from the remote. `progress` receives each redacted `Line`.
    """
    env = dict(os.environ if env is None else env)
    redact = redactor(env)
    try:
        config = Config.read(settings, env)
        chosen = target if isinstance(target, Target) else _parse(target or config.target, config)
        remember(chosen.password)
        apart(chosen, config)
        output = guard.check(output_dir, settings, settings_file)
        skip = [p for p in guard.never_deployed(settings) if output in p.parents]
        local = files.walk(output, skip=skip, cache_control=config.cache_control,
                           content_types=config.content_types, order=config.order)
        module = importlib.import_module(TARGETS[chosen.kind])
        steps = module.run(output, chosen, config, local, dry_run=dry_run, force=force, env=env,
                           skip=tuple(skip))
        while True:
            try:
                line = next(steps)
            except StopIteration as stop:
                return stop.value
            progress(Line(redact(line.text), line.done, line.total))
    except DeployError as exc:
        raise DeployError(redact(str(exc))) from None


def _parse(raw: str, config: Config) -> Target:
    """`parse`, with the internal edition's setting named in its messages."""
    if not config.internal:
        return parse(raw)
    if not (raw or "").strip():
        raise DeployError("no deploy target for the internal edition: set INTERNAL_DEPLOY_TARGET in "
                          "publishconf.py or the environment (its own bucket or folder, never the public "
                          "site's); nothing was deployed")
    try:
        return parse(raw)
    except DeployError as exc:
        raise DeployError(str(exc).replace("DEPLOY_TARGET", "INTERNAL_DEPLOY_TARGET")) from None


def apart(chosen: Target, config: Config) -> None:
    """The internal edition is never put where the public site is, nor inside or around it: a
    public deploy would serve it (or its deletes would remove it), and the reverse. Checked for
    both editions, so `make deploy` stops before the first upload when the two targets meet."""
    other_raw = config.public_target if config.internal else config.internal_target
    if not other_raw.strip():
        return
    try:
        other = parse(other_raw)
    except DeployError:
        return  # the other edition's deploy reports its own bad target
    if overlap(chosen, other):
        internal, public = (chosen, other) if config.internal else (other, chosen)
        same = "is" if internal.raw.strip().rstrip("/") == public.raw.strip().rstrip("/") else "overlaps"
        raise DeployError(f"INTERNAL_DEPLOY_TARGET {internal.shown} {same} the public DEPLOY_TARGET "
                          f"{public.shown}: the internal edition must never be put on the public site — "
                          "give it its own bucket, prefix or folder; nothing was deployed")


def output_of(settings: Mapping, given: str | None = None) -> Path:
    return Path(given or settings.get("OUTPUT_PATH") or "output")
