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
from .target import DeployError, Target, parse

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
        chosen = target if isinstance(target, Target) else parse(target or config.target)
        remember(chosen.password)
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


def output_of(settings: Mapping, given: str | None = None) -> Path:
    return Path(given or settings.get("OUTPUT_PATH") or "output")
