"""Deploy to any S3-compatible store (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Ceph) with boto3.

Like `hugo deploy`: list the bucket, compare each file by size and MD5, upload only what changed,
in tier order (pages and assets, then listings, then feeds, then the sitemap), delete what is gone
last, then optionally invalidate the changed paths in CloudFront.

Why our own `x-amz-meta-md5`: a single-part upload's ETag is the MD5 on AWS, but a multipart
upload's is `md5-of-md5s-N`, and some stores (SSE-KMS buckets, other vendors) never return an MD5.
When the ETag does not settle it and the sizes agree, one HEAD reads the MD5 we stored.

Headers count as much as bytes: a file whose Content-Type or Cache-Control would change (a new
DEPLOY_CACHE_CONTROL rule, say) is uploaded again, where `hugo deploy` needs `--force`. The listing
cannot say what headers an object has, so each deploy keeps a record beside the site,
`<prefix>/.lectern-deploy.json` (every file's headers as uploaded; public like the site, and
nothing in it is secret). It is written intent-first: before uploading, the files about to change
are dropped from it, so a deploy that dies half-way leaves them "unknown", and an unknown file
(no record yet, an older deploy, another tool) is asked with one HEAD; `FORCE=1` asks every file
(headers changed by hand in the console are repaired).

Endpoint and credentials are boto3's own: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3` for S3
only), `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, profiles
and instance roles. Checksums are sent only when S3 requires them (`when_required`): several
S3-compatible stores refuse the CRC headers newer boto3 sends by default.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Generator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import files
from .plan import Config, Line, Plan, Summary, check_deletes, diff, summary_for
from .target import DeployError, Target

#: The deploy's own record of every file's headers, below the target's prefix (see above).
STATE_KEY = ".lectern-deploy.json"
STATE_FORMAT = 1

#: More changed paths than this are invalidated as "/*" (one path, as CloudFront bills it).
MAX_INVALIDATION_PATHS = 100


@dataclass(frozen=True)
class Remote:
    size: int
    etag: str


def session(env: Mapping[str, str]):
    import boto3

    return boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=env.get("AWS_SESSION_TOKEN") or None,
        region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
    )


def client(env: Mapping[str, str], service: str = "s3"):
    from botocore.config import Config as BotoConfig

    specific = env.get(f"AWS_ENDPOINT_URL_{service.upper()}")
    endpoint = specific or env.get("AWS_ENDPOINT_URL") or None
    config = BotoConfig(request_checksum_calculation="when_required",
                        response_checksum_validation="when_required",
                        retries={"max_attempts": 5, "mode": "standard"},
                        max_pool_connections=16)
    return session(env).client(service, endpoint_url=endpoint, config=config)


def listing(s3, target: Target) -> dict[str, Remote]:
    """Every object below the target's prefix: relative path → size and ETag."""
    found = {}
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix)
    for page in pages:
        for obj in page.get("Contents", ()):
            rel = obj["Key"][len(target.prefix):]
            if rel and not rel.endswith("/"):
                found[rel] = Remote(obj["Size"], obj.get("ETag", "").strip('"'))
    return found


def run(output: Path, target: Target, config: Config, local: list[files.LocalFile], *, dry_run: bool,
        force: bool, env: Mapping[str, str], skip: tuple[Path, ...] = ()) -> Generator[Line, None, Summary]:
    from botocore.exceptions import BotoCoreError, ClientError

    started = time.monotonic()
    s3 = client(env)
    try:
        yield Line(f"reading s3://{target.bucket}/{target.prefix}")
        if any(item.path == STATE_KEY for item in local):
            raise DeployError(f"{output / STATE_KEY}: this name is kept for the deploy's own record of "
                              "headers — rename the file; nothing was changed")
        remote = listing(s3, target)
        state = read_state(s3, target) if remote.pop(STATE_KEY, None) else None
        plan = compare(s3, target, local, remote, config.workers)
        # FORCE=1 trusts no record: every unchanged file's headers are read again (one HEAD each),
        # which repairs headers changed outside Lectern.
        plan.restyle(restyled(s3, target, plan.unchanged, None if force else state, config.workers))
        check_deletes(plan, config, target.shown, force=force)
        summary = summary_for(plan, target.shown, dry_run=dry_run)
        if dry_run:
            yield from plan.lines()
            if config.cloudfront_id and summary.changed:
                summary.invalidation = f"would invalidate {len(invalidation_paths(summary.changed))} paths"
        else:
            # Intent first: what is about to be uploaded is "unknown" until the deploy is complete.
            if plan.uploads and state is not None:
                write_state(s3, target, plan.unchanged)
            yield from apply(s3, output, target, plan, config)
            if config.cloudfront_id and summary.changed:
                paths = invalidation_paths(summary.changed)
                summary.invalidation = invalidate(client(env, "cloudfront"), config.cloudfront_id, paths)
                yield Line(f"CloudFront {config.cloudfront_id}: {summary.invalidation}")
            if plan.steps or state != {f.path: headers_of(f) for f in local}:
                try:
                    write_state(s3, target, local)
                except (ClientError, BotoCoreError) as exc:  # the site is complete: only the record lags
                    yield Line(f"warning: could not write {STATE_KEY} ({exc}); the site is deployed — "
                               "the next deploy checks each file's headers with a HEAD")
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DeployError(f"{target.shown}: the store answered {error.get('Code', '?')}: "
                          f"{error.get('Message', exc)} — check the bucket, AWS_ENDPOINT_URL and the "
                          "credentials") from None
    except BotoCoreError as exc:
        raise DeployError(f"{target.shown}: {exc} — check AWS_ENDPOINT_URL and the AWS_* "
                          "credentials") from None
    summary.seconds = time.monotonic() - started
    return summary


def compare(s3, target: Target, local: list[files.LocalFile], remote: dict[str, Remote],
            workers: int) -> Plan:
    """Same size and MD5 = unchanged. The ETag answers for plain uploads; otherwise (multipart,
    SSE-KMS, another vendor's ETag) a HEAD reads our `x-amz-meta-md5` — only for same-size files."""
    by_path = {f.path: f for f in local}
    doubtful = [p for p, r in remote.items() if p in by_path and r.size == by_path[p].size
                and r.etag != by_path[p].md5]
    stored: dict[str, str] = {}
    if doubtful:
        def head(path: str) -> tuple[str, str]:
            meta = s3.head_object(Bucket=target.bucket, Key=target.prefix + path).get("Metadata", {})
            return path, meta.get("md5", "")

        with ThreadPoolExecutor(workers) as pool:
            stored = dict(pool.map(head, doubtful))

    def same(item: files.LocalFile, entry: Remote) -> bool:
        return entry.size == item.size and (entry.etag == item.md5 or stored.get(item.path) == item.md5)

    return diff(local, remote, same)


def headers_of(item: files.LocalFile) -> list[str]:
    return [item.content_type, item.cache_control]


def read_state(s3, target: Target) -> dict[str, list[str]] | None:
    """The record of the last deploy (path → [Content-Type, Cache-Control]); None when missing or
    unreadable (every file is then asked with a HEAD: slower, never wrong)."""
    from botocore.exceptions import ClientError

    try:
        body = s3.get_object(Bucket=target.bucket, Key=target.prefix + STATE_KEY)["Body"].read()
        data = json.loads(body)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    except ValueError:
        return None
    entries = (data.get("files") if isinstance(data, dict) and type(data.get("format")) is int
               and data["format"] == STATE_FORMAT else None)
    if not isinstance(entries, dict):
        return None
    return {path: value for path, value in entries.items()
            if isinstance(path, str) and isinstance(value, list) and len(value) == 2
            and all(isinstance(v, str) for v in value)}


def write_state(s3, target: Target, known: list[files.LocalFile]) -> None:
    body = json.dumps({"format": STATE_FORMAT, "files": {f.path: headers_of(f) for f in known}},
                      sort_keys=True, separators=(",", ":")).encode("utf-8")
    s3.put_object(Bucket=target.bucket, Key=target.prefix + STATE_KEY, Body=body,
                  ContentType="application/json; charset=utf-8", CacheControl="no-cache")


def restyled(s3, target: Target, unchanged: list[files.LocalFile], state: dict[str, list[str]] | None,
             workers: int) -> list[str]:
    """Files with the same bytes whose headers would change: by the record, else by one HEAD each."""
    state = state or {}
    changed = [f.path for f in unchanged if f.path in state and state[f.path] != headers_of(f)]
    unknown = [f for f in unchanged if f.path not in state]
    if unknown:
        def differs(item: files.LocalFile) -> bool:
            answer = s3.head_object(Bucket=target.bucket, Key=target.prefix + item.path)
            return [answer.get("ContentType", ""), answer.get("CacheControl", "")] != headers_of(item)

        with ThreadPoolExecutor(workers) as pool:
            changed += [f.path for f, bad in zip(unknown, pool.map(differs, unknown), strict=True) if bad]
    return changed


def apply(s3, output: Path, target: Target, plan: Plan, config: Config) -> Generator[Line, None, None]:
    """Upload tier by tier (a tier starts only when the one before it is complete), then delete."""
    done, total = 0, plan.steps

    def put(item: files.LocalFile) -> files.LocalFile:
        with open(output / item.path, "rb") as body:
            s3.put_object(Bucket=target.bucket, Key=target.prefix + item.path, Body=body,
                          ContentType=item.content_type, CacheControl=item.cache_control,
                          ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode("ascii"),
                          Metadata={"md5": item.md5})
        return item

    with ThreadPoolExecutor(config.workers) as pool:
        for group in plan.tiers():
            for item in pool.map(put, group):
                done += 1
                yield Line(f"uploaded {item.path} ({plan.why(item.path)}, {files.TIER_NAMES[item.tier]})",
                           done, total)
    for start in range(0, len(plan.deletes), 1000):
        batch = plan.deletes[start:start + 1000]
        answer = s3.delete_objects(Bucket=target.bucket, Delete={
            "Objects": [{"Key": target.prefix + p} for p in batch], "Quiet": True})
        errors = answer.get("Errors") or []
        if errors:
            first = errors[0]
            raise DeployError(f"{target.shown}: could not delete {len(errors)} files (first: "
                              f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}); every "
                              "upload is done — run "
                              "`make deploy` again")
        for path in batch:
            done += 1
            yield Line(f"deleted {path}", done, total)


def invalidation_paths(changed: list[str]) -> list[str]:
    """The viewer paths to invalidate: each file, and the folder URL of each index.html."""
    paths: list[str] = []
    for path in changed:
        paths.append("/" + path)
        if path == "index.html" or path.endswith("/index.html"):
            paths.append("/" + path[: -len("index.html")])
    return ["/*"] if len(paths) > MAX_INVALIDATION_PATHS else paths


def invalidate(cloudfront, distribution: str, paths: list[str]) -> str:
    answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
        "Paths": {"Quantity": len(paths), "Items": paths},
        "CallerReference": f"lectern-{time.time_ns()}",
    })
    return f"invalidation {answer['Invalidation']['Id']} of {len(paths)} paths"
