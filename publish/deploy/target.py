"""`DEPLOY_TARGET`: where `make deploy` puts output/, in one line.

| syntax | target module |
| --- | --- |
| `s3://bucket[/prefix]` | `s3`: any S3-compatible store (endpoint from `AWS_ENDPOINT_URL[_S3]`) |
| `ssh://[user@]host[:port]/path` | `rsync` over ssh |
| `rsync://host[:port]/module[/path]` | `rsync` to an rsync daemon |
| `file:///path` | `rsync` to a local or mounted folder |
| `gh-pages`, `github:`, `github:BRANCH[@REMOTE]` | `ghpages`: BRANCH (gh-pages) pushed to REMOTE (origin) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SYNTAX = ("s3://bucket[/prefix], ssh://[user@]host[:port]/path, rsync://host[:port]/module[/path], "
          "file:///path, gh-pages or github:BRANCH[@REMOTE]")


class DeployError(RuntimeError):
    """The deploy cannot or must not run; the message says why and what to do. Nothing was changed
    unless the message says otherwise."""


@dataclass(frozen=True)
class Target:
    kind: str  # s3 | rsync | ghpages
    raw: str
    bucket: str = ""
    prefix: str = ""  # "" or "some/folder/" (always ends with "/")
    destination: str = ""  # rsync: "user@host:/path", "rsync://host/module/", "/local/path/"
    port: int | None = None  # rsync over ssh
    branch: str = ""
    remote: str = ""
    password: str = ""  # never shown (a URL may carry one); remembered by the redactor

    @property
    def shown(self) -> str:
        """The target as messages show it (no password)."""
        return self.raw.replace(f":{self.password}@", ":***@") if self.password else self.raw


def parse(raw: str) -> Target:
    text = (raw or "").strip()
    if not text:
        raise DeployError("no deploy target: set DEPLOY_TARGET in publishconf.py or the environment, "
                          f"as one of {SYNTAX}; nothing was deployed")
    if text in ("gh-pages", "github:", "github"):
        return Target("ghpages", text, branch="gh-pages", remote="origin")
    if text.startswith("github:") and "://" not in text:
        branch, _, remote = text[len("github:"):].partition("@")
        return Target("ghpages", text, branch=branch or "gh-pages", remote=remote or "origin")
    url = urlsplit(text)
    scheme = url.scheme.lower()
    try:
        port = url.port
    except ValueError:
        raise DeployError(f"DEPLOY_TARGET {text!r}: the port is not a number — use {SYNTAX}") from None
    password = unquote(url.password or "")
    if scheme == "s3":
        if not url.hostname:
            raise DeployError(f"DEPLOY_TARGET {text!r} names no bucket — write s3://bucket[/prefix]")
        prefix = url.path.strip("/")
        return Target("s3", text, bucket=url.netloc, prefix=prefix + "/" if prefix else "")
    if scheme == "ssh":
        if not url.hostname or not url.path.strip("/"):
            raise DeployError(f"DEPLOY_TARGET {text!r} needs a host and a folder — write "
                              "ssh://[user@]host[:port]/path")
        user = f"{unquote(url.username)}@" if url.username else ""
        return Target("rsync", text, destination=f"{user}{url.hostname}:{url.path.rstrip('/')}/", port=port,
                      password=password)
    if scheme == "rsync":
        if not url.hostname or not url.path.strip("/"):
            raise DeployError(f"DEPLOY_TARGET {text!r} needs a host and a module — write "
                              "rsync://host[:port]/module[/path]")
        user = f"{unquote(url.username)}@" if url.username else ""
        netloc = f"{user}{url.hostname}" + (f":{port}" if port else "")
        return Target("rsync", text, destination=f"rsync://{netloc}{url.path.rstrip('/')}/",
                      password=password)
    if scheme == "file":
        if url.netloc not in ("", "localhost") or not url.path.startswith("/") or url.path == "/":
            raise DeployError(f"DEPLOY_TARGET {text!r}: write file:///absolute/folder")
        return Target("rsync", text, destination=unquote(url.path).rstrip("/") + "/")
    raise DeployError(f"DEPLOY_TARGET {text!r} is not a deploy target Lectern knows — use {SYNTAX}")


def _place(target: Target) -> tuple[str, str, str]:
    """(kind, where, folder) — two targets overlap when kind and where match and one folder holds
    the other. Folders end with "/" so that s3://b/site never counts as holding s3://b/site2."""
    if target.kind == "s3":
        return "s3", target.bucket.lower(), "/" + target.prefix
    if target.kind == "ghpages":
        return "ghpages", target.remote, target.branch + "/"
    dest = target.destination
    if dest.startswith("rsync://"):
        host, _, path = dest[len("rsync://"):].partition("/")
        return "rsync", "rsync://" + host.rpartition("@")[2].lower(), "/" + path
    if ":" in dest.split("/", 1)[0]:  # [user@]host:/path/
        host, _, path = dest.partition(":")
        return "rsync", "ssh://" + host.rpartition("@")[2].lower(), path
    return "rsync", "", os.path.realpath(dest) + "/"


def overlap(a: Target, b: Target) -> bool:
    """Would deploying to `a` write into, delete from, or be served by `b`'s place (or the reverse)?"""
    kind_a, where_a, folder_a = _place(a)
    kind_b, where_b, folder_b = _place(b)
    if (kind_a, where_a) != (kind_b, where_b):
        return False
    return folder_a.startswith(folder_b) or folder_b.startswith(folder_a)
