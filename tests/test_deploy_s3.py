"""`make deploy` to S3 against moto's standalone S3 server on 127.0.0.1 (a real S3 HTTP API):
objects and their headers, only-what-changed, the delete cap, the dry run, the upload order,
CloudFront invalidation, dev builds refused, and credentials never printed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_content
from deployfakes import CREDENTIALS, RefusingProxy, start
from sitebuild import REPO, build_site

from publish.deploy import DeployError, deploy, files, s3
from publish.settings import load

pytest.importorskip("moto")


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server, handle = start(tmp_path_factory.mktemp("moto"))
    yield handle
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A production build of a copy of the sample content (tests edit a post and rebuild)."""
    root = tmp_path_factory.mktemp("deploysite")
    content = copy_content(root / "content")
    build = build_site(root / "b", content=content, conf="publishconf")
    assert build.returncode == 0, build.log
    return root, content, build


def settings_of(build_root: Path, **extra) -> dict:
    return {**load(build_root / "testconf.py"), **extra}


def objects(client, bucket: str, prefix: str = "", *, with_state: bool = False) -> dict[str, str]:
    """key (below prefix) → ETag, for "nothing changed on the server" comparisons (the deploy's
    own record of headers, s3.STATE_KEY, only when asked)."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", ()):
            if obj["Key"] != prefix + s3.STATE_KEY or with_state:
                found[obj["Key"][len(prefix):]] = obj["ETag"] + obj["LastModified"].isoformat()
    return found


def local_md5(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def run(output, target, settings, moto, lines=None, **kwargs):
    lines = [] if lines is None else lines
    return deploy(output, target, settings, progress=lines.append, env=moto.env(),
                  settings_file=settings.get("_file"), **kwargs)


def bucket(moto, name: str):
    client = s3.client(moto.env())
    client.create_bucket(Bucket=name)
    return client


# ------------------------------------------------------------------ the whole story

def test_first_and_second_deploy_upload_only_what_changed(site, moto, tmp_path):
    root, content, build = site
    client = bucket(moto, "story")
    settings = settings_of(root / "b")
    output = build.output
    first = run(output, "s3://story/www", settings, moto)
    local = local_md5(output)
    assert sorted(first.uploaded) == sorted(local) and not first.deleted and first.unchanged == 0
    remote = objects(client, "story", "www/")
    assert set(remote) == set(local)
    for key, md5 in local.items():
        head = client.head_object(Bucket="story", Key="www/" + key)
        assert head["Metadata"]["md5"] == md5
        assert head["ContentLength"] == (output / key).stat().st_size
    body = client.get_object(Bucket="story", Key="www/index.html")["Body"].read()
    assert body == (output / "index.html").read_bytes()

    again = run(output, "s3://story/www", settings, moto)
    assert again.uploaded == [] and again.deleted == [] and again.unchanged == len(local)
    assert objects(client, "story", "www/") == remote  # not even re-written

    # Edit one post, rebuild, deploy: exactly the files whose bytes changed are uploaded.
    before = dict(local)
    post = content / "posts" / "2026-05-20-referrals-are-the-best-signal.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more paragraph about referrals.\n",
                    encoding="utf-8")
    rebuilt = build_site(root / "b", content=content, conf="publishconf")
    assert rebuilt.returncode == 0, rebuilt.log
    after = local_md5(output)
    expected = sorted(k for k in after if before.get(k) != after[k])
    assert expected and any(k.startswith("posts/") for k in expected)
    third = run(output, "s3://story/www", settings, moto)
    assert sorted(third.uploaded) == expected
    assert third.unchanged == len(after) - len(expected)
    assert third.uploaded_bytes == sum((output / k).stat().st_size for k in expected)
    changed_remote = objects(client, "story", "www/")
    assert {k for k in changed_remote if changed_remote[k] != remote.get(k)} == set(expected)


def test_headers_per_file(site, moto):
    root, _, build = site
    client = bucket(moto, "headers")
    run(build.output, "s3://headers", settings_of(root / "b"), moto)

    def head(key):
        answer = client.head_object(Bucket="headers", Key=key)
        return answer["ContentType"], answer["CacheControl"]

    assert head("index.html") == ("text/html; charset=utf-8", "public, max-age=300")
    article = next(p for p in objects(client, "headers")
                   if p.startswith("posts/") and p.endswith("index.html"))
    assert head(article) == ("text/html; charset=utf-8", "public, max-age=300")
    assert head("feeds/all.atom.xml") == ("application/atom+xml; charset=utf-8", "public, max-age=300")
    assert head("feeds/all.rss.xml") == ("application/rss+xml; charset=utf-8", "public, max-age=300")
    assert head("sitemap.xml") == ("application/xml; charset=utf-8", "public, max-age=300")
    assert head("robots.txt") == ("text/plain; charset=utf-8", "public, max-age=300")
    assert head("theme/css/main.css") == ("text/css; charset=utf-8", "public, max-age=86400")
    assert head("theme/img/favicon.svg") == ("image/svg+xml", "public, max-age=86400")
    assert head("images/close-calendar.png") == ("image/png", "public, max-age=86400")


def test_cache_control_setting_comes_first(site, moto):
    root, _, build = site
    client = bucket(moto, "rules")
    rules = [("theme/*", "public, max-age=31536000, immutable")]
    settings = settings_of(root / "b", DEPLOY_CACHE_CONTROL=rules)
    run(build.output, "s3://rules", settings, moto)
    assert client.head_object(Bucket="rules", Key="theme/css/main.css")["CacheControl"] == \
        "public, max-age=31536000, immutable"
    assert client.head_object(Bucket="rules", Key="index.html")["CacheControl"] == "public, max-age=300"


# ------------------------------------------------------------------ deletes and the cap

def test_delete_cap_refuses_everything_then_force_deletes(site, moto, tmp_path):
    root, _, build = site
    client = bucket(moto, "cap")
    settings = settings_of(root / "b", DEPLOY_MAX_DELETES=3)
    run(build.output, "s3://cap/site", settings, moto)
    for n in range(5):
        client.put_object(Bucket="cap", Key=f"site/old/gone-{n}.html", Body=b"old")
    client.put_object(Bucket="cap", Key="elsewhere/keep.html", Body=b"not ours")  # outside the prefix
    client.put_object(Bucket="cap", Key="site2/keep.html", Body=b"a sibling prefix")
    # A changed local file must not be uploaded either: the refusal comes before any change.
    copy = tmp_path / "output"
    shutil.copytree(build.output, copy)
    (copy / "about" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    before = objects(client, "cap")
    with pytest.raises(DeployError) as refused:
        run(copy, "s3://cap/site", settings, moto)
    message = str(refused.value)
    assert "would delete 5 files" in message and "DEPLOY_MAX_DELETES (3)" in message
    assert "FORCE=1" in message and "nothing was changed" in message
    assert objects(client, "cap") == before

    done = run(copy, "s3://cap/site", settings, moto, force=True)
    assert sorted(done.deleted) == [f"old/gone-{n}.html" for n in range(5)]
    assert done.uploaded == ["about/index.html"]
    after = objects(client, "cap")
    assert not any(k.startswith("site/old/") for k in after)
    assert "elsewhere/keep.html" in after and "site2/keep.html" in after


def test_dry_run_changes_nothing_on_the_server(site, moto, tmp_path):
    root, _, build = site
    client = bucket(moto, "dry")
    settings = settings_of(root / "b", DEPLOY_CLOUDFRONT_ID="EDFDVBD6EXAMPLE")
    empty = run(build.output, "s3://dry", settings, moto, dry_run=True)
    assert empty.dry_run and len(empty.uploaded) == len(local_md5(build.output))
    assert objects(client, "dry") == {}
    run(build.output, "s3://dry", settings_of(root / "b"), moto)
    client.put_object(Bucket="dry", Key="stale.html", Body=b"x")
    copy = tmp_path / "output"
    shutil.copytree(build.output, copy)
    (copy / "index.html").write_text("<p>new home</p>", encoding="utf-8")
    before = objects(client, "dry")
    moto.start_recording()
    lines = []
    plan = run(copy, "s3://dry", settings, moto, lines=lines, dry_run=True)
    recorded = moto.stop_recording()
    assert plan.uploaded == ["index.html"] and plan.deleted == ["stale.html"]
    assert "would invalidate" in plan.invalidation
    assert {r["method"] for r in recorded} <= {"GET", "HEAD"}, recorded
    assert objects(client, "dry") == before
    texts = [line.text for line in lines]
    assert any(t.startswith("would upload index.html (changed") for t in texts)
    assert "would delete stale.html" in texts
    assert "dry run, nothing changed" in plan.text() and "would upload 1" in plan.text()


# ------------------------------------------------------------------ order

def test_upload_order_keeps_readers_safe(site, moto):
    """Server-side request order: pages and assets, then listings, then feeds, then the sitemap;
    deletes after every upload."""
    root, _, build = site
    client = bucket(moto, "order")
    client.put_object(Bucket="order", Key="gone/index.html", Body=b"x")
    moto.start_recording()
    run(build.output, "s3://order", settings_of(root / "b"), moto)
    recorded = moto.stop_recording()
    writes = [(r["method"], r["url"].split("/order", 1)[1].split("?")[0].lstrip("/"), r["url"])
              for r in recorded if r["method"] in ("PUT", "POST", "DELETE")]
    # The deploy's record of headers is written last, once every upload and delete is done.
    assert writes[-1][:2] == ("PUT", s3.STATE_KEY)
    writes = writes[:-1]
    puts = [key for method, key, _ in writes if method == "PUT"]
    assert len(puts) == len(local_md5(build.output))
    tiers = [files.tier(key) for key in puts]
    assert tiers == sorted(tiers), "a later tier started before an earlier one finished"
    names = files.TIER_NAMES
    seen = {names[t] for t in tiers}
    assert seen == set(names)
    first_listing = tiers.index(1)
    assert any(k.startswith("posts/") for k in puts[:first_listing])
    assert "index.html" in puts[first_listing:tiers.index(2)]
    sitemap = puts.index("sitemap.xml")
    assert sitemap >= tiers.index(3) and all(t == 3 for t in tiers[sitemap:])
    assert all(files.tier(k) == 2 for k in puts if k.startswith("feeds/"))
    deletes = [i for i, (method, _, url) in enumerate(writes) if method == "POST" and "delete" in url]
    assert deletes and min(deletes) > max(i for i, w in enumerate(writes) if w[0] == "PUT")


# ------------------------------------------------------------------ CDN

def cloudfront_distribution(moto, reference: str):
    """(CloudFront client, id of a new distribution) on moto's server."""
    cloudfront = s3.client(moto.env(), "cloudfront")
    distribution = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": reference, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "cdn.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                                  "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
    })["Distribution"]["Id"]
    return cloudfront, distribution


def test_cloudfront_invalidation_of_changed_paths(site, moto, tmp_path):
    root, _, build = site
    bucket(moto, "cdn")
    cloudfront, distribution = cloudfront_distribution(moto, "lectern-test")
    settings = settings_of(root / "b", DEPLOY_CLOUDFRONT_ID=distribution)
    first = run(build.output, "s3://cdn", settings, moto)
    assert "invalidation" in first.invalidation and "1 paths" in first.invalidation  # many files: "/*"
    copy = tmp_path / "output"
    shutil.copytree(build.output, copy)
    (copy / "about" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    second = run(copy, "s3://cdn", settings, moto)
    assert second.uploaded == ["about/index.html"]
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    assert len(listed) == 2
    newest = cloudfront.get_invalidation(DistributionId=distribution, Id=second.invalidation.split()[1])
    paths = newest["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    assert sorted(paths) == ["/about/", "/about/index.html"]
    quiet = run(copy, "s3://cdn", settings, moto)
    assert quiet.invalidation == "" and len(
        cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]) == 2


def test_a_record_that_cannot_be_written_never_skips_the_cdn_invalidation(site, moto, tmp_path):
    """The record is bookkeeping: when the store refuses it (throttled past boto3's retries), the
    site is still deployed, CloudFront is still invalidated, the run warns, and the next deploy
    settles the headers with HEADs."""
    root, _, build = site
    bucket(moto, "cdn-record")
    cloudfront, distribution = cloudfront_distribution(moto, "lectern-record")
    settings = settings_of(root / "b", DEPLOY_CLOUDFRONT_ID=distribution)
    proxy = RefusingProxy(moto.endpoint, (s3.STATE_KEY,))
    try:
        lines: list = []
        env = {**moto.env(), "AWS_ENDPOINT_URL_S3": proxy.url}
        done = deploy(build.output, "s3://cdn-record", settings, progress=lines.append, env=env)
    finally:
        proxy.close()
    assert proxy.refused >= 1 and done.uploaded and "invalidation" in done.invalidation
    assert any(f"warning: could not write {s3.STATE_KEY}" in str(line) for line in lines)
    client = s3.client(moto.env())
    assert s3.STATE_KEY not in objects(client, "cdn-record", with_state=True)
    assert head_headers(client, "cdn-record", "index.html")[1] == "public, max-age=300"
    again = run(build.output, "s3://cdn-record", settings, moto)  # no record: HEADs, nothing to upload
    assert again.uploaded == [] and s3.STATE_KEY in objects(client, "cdn-record", with_state=True)


def test_force_reads_every_files_headers_again(site, moto):
    """A header changed by hand in the console is not in the record: FORCE=1 trusts no record."""
    root, _, build = site
    client = bucket(moto, "by-hand")
    settings = settings_of(root / "b")
    run(build.output, "s3://by-hand", settings, moto)
    md5 = local_md5(build.output)["index.html"]
    client.copy_object(Bucket="by-hand", Key="index.html",
                       CopySource={"Bucket": "by-hand", "Key": "index.html"},
                       MetadataDirective="REPLACE", ContentType="application/octet-stream",
                       CacheControl="public, max-age=300", Metadata={"md5": md5})
    assert run(build.output, "s3://by-hand", settings, moto).uploaded == []  # the record is trusted
    forced = run(build.output, "s3://by-hand", settings, moto, force=True)
    assert forced.uploaded == ["index.html"]
    assert head_headers(client, "by-hand", "index.html")[0] == "text/html; charset=utf-8"


# ------------------------------------------------------------------ refusals

def test_dev_build_is_refused(tmp_path, moto):
    client = bucket(moto, "devbuild")
    dev = build_site(tmp_path / "dev", conf="pelicanconf")
    assert dev.returncode == 0, dev.log
    prod_settings = settings_of(tmp_path / "dev", LECTERN_STRICT=True, BRAND_STRICT=True,
                                SITEURL="https://insights.northwindledger.example")
    with pytest.raises(DeployError) as refused:
        run(dev.output, "s3://devbuild", prod_settings, moto)
    assert "dev build" in str(refused.value) and "nothing was deployed" in str(refused.value)
    with pytest.raises(DeployError) as dev_conf:
        run(dev.output, "s3://devbuild", settings_of(tmp_path / "dev"), moto)
    assert "dev configuration" in str(dev_conf.value)
    assert objects(client, "devbuild") == {}


def test_other_siteurl_is_refused(site, moto):
    root, _, build = site
    client = bucket(moto, "otherurl")
    with pytest.raises(DeployError) as refused:
        run(build.output, "s3://otherurl", settings_of(root / "b", SITEURL="https://other.example"), moto)
    assert "SITEURL" in str(refused.value)
    assert objects(client, "otherurl") == {}


@pytest.mark.parametrize("folder", ["build", "preview"])
def test_build_and_preview_folders_are_never_deployed(site, moto, tmp_path, folder):
    root, _, build = site
    bucket(moto, f"never-{folder}")
    settings = settings_of(root / "b")
    target = Path(settings["LECTERN_BUILD_DIR"] if folder == "build" else settings["SYNDICATION_PREVIEW_DIR"])
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text("<p>report</p>", encoding="utf-8")
    with pytest.raises(DeployError) as refused:
        run(target, f"s3://never-{folder}", settings, moto)
    assert "never deployed" in str(refused.value)
    # Inside the output folder they are skipped.
    copy = tmp_path / "output"
    shutil.copytree(build.output, copy)
    inner = copy / folder
    inner.mkdir(exist_ok=True)
    (inner / "manifest.json").write_text("{}", encoding="utf-8")
    key = "LECTERN_BUILD_DIR" if folder == "build" else "SYNDICATION_PREVIEW_DIR"
    settings = {**settings, key: str(inner)}
    if folder == "build":
        settings["SYNDICATION_MANIFEST"] = str(Path(settings_of(root / "b")["SYNDICATION_MANIFEST"]))
    done = run(copy, f"s3://never-{folder}", settings, moto)
    assert not any(k.startswith(folder + "/") for k in done.uploaded)


def test_missing_target_and_unreachable_store(site, moto):
    root, _, build = site
    settings = settings_of(root / "b")
    with pytest.raises(DeployError) as none:
        deploy(build.output, None, settings, progress=lambda _: None, env=moto.env())
    assert "no deploy target" in str(none.value)
    with pytest.raises(DeployError) as missing:
        run(build.output, "s3://no-such-bucket", settings, moto)
    assert "NoSuchBucket" in str(missing.value)


# ------------------------------------------------------------------ the command, secrets

def cli(args, env, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "publish.deploy", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO), "CI": "true", **env},
                          timeout=300)


def test_cli_dry_run_then_deploy_and_secrets_never_printed(site, moto):
    root, _, build = site
    bucket(moto, "cli")
    conf = str(root / "b" / "testconf.py")
    env = moto.env(DEPLOY_TARGET="s3://cli/blog")
    dry = cli(["--settings", conf, "--output", str(build.output), "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert "would upload" in dry.stderr and "dry run, nothing changed" in dry.stdout
    # --verbose logs every request botocore makes: the access key id (in Authorization) and the
    # session token (X-Amz-Security-Token) are in those records and must come out as ***.
    done = cli(["--settings", conf, "--output", str(build.output), "--verbose"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    everything = done.stdout + done.stderr + dry.stdout + dry.stderr
    assert "uploaded" in done.stdout and "***" in done.stderr
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert CREDENTIALS[name] not in everything, name
    assert CREDENTIALS["AWS_SESSION_TOKEN"][:16] not in everything
    refused = cli(["--settings", conf, "--output", str(build.output), "--target", "s3://missing-bucket"], env)
    assert refused.returncode == 1 and "deploy: " in refused.stderr
    assert CREDENTIALS["AWS_ACCESS_KEY_ID"] not in refused.stdout + refused.stderr


def test_make_deploy_passes_dry_run_and_force():
    shown = subprocess.run(["make", "-n", "deploy", "DRY_RUN=1", "FORCE=1"], cwd=REPO, capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    line = next(ln for ln in shown.stdout.splitlines() if "publish.deploy" in ln)
    assert "--dry-run" in line and "--force" in line
    plain = subprocess.run(["make", "-n", "deploy"], cwd=REPO, capture_output=True, text=True, timeout=60)
    line = next(ln for ln in plain.stdout.splitlines() if "publish.deploy" in ln)
    assert "--dry-run" not in line and "--force" not in line


def test_multipart_etag_is_settled_by_our_stored_md5(site, moto, tmp_path):
    """A multipart upload's ETag is not an MD5: the object is unchanged when our x-amz-meta-md5 says
    so, and re-uploaded when the size matches but the stored MD5 differs or is missing."""
    root, _, build = site
    client = bucket(moto, "multipart")
    settings = settings_of(root / "b")
    run(build.output, "s3://multipart", settings, moto)
    local = local_md5(build.output)

    def multipart(key: str, body: bytes, md5: str | None) -> None:
        meta = {"md5": md5} if md5 else {}
        upload = client.create_multipart_upload(Bucket="multipart", Key=key, ContentType="text/html",
                                                Metadata=meta)
        part = client.upload_part(Bucket="multipart", Key=key, PartNumber=1, UploadId=upload["UploadId"],
                                  Body=body)
        client.complete_multipart_upload(Bucket="multipart", Key=key, UploadId=upload["UploadId"],
                                         MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
        assert "-" in client.head_object(Bucket="multipart", Key=key)["ETag"]

    about = (build.output / "about" / "index.html").read_bytes()
    contact = (build.output / "contact" / "index.html").read_bytes()
    missing = (build.output / "404.html").read_bytes()
    multipart("about/index.html", about, local["about/index.html"])  # same bytes, ETag "…-1"
    multipart("contact/index.html", b"x" * len(contact), "0" * 32)  # same size, other bytes and MD5
    multipart("404.html", b"y" * len(missing), None)  # same size, other bytes, no stored MD5
    done = run(build.output, "s3://multipart", settings, moto)
    assert sorted(done.uploaded) == ["404.html", "contact/index.html"]
    assert client.get_object(Bucket="multipart", Key="contact/index.html")["Body"].read() == contact


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    from publish.deploy import __main__ as command

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert command.fancy({}) is True
    assert command.fancy({"CI": "true"}) is False
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert command.fancy({}) is False


def test_keys_with_spaces_plus_and_other_scripts(site, moto, tmp_path):
    root, _, build = site
    client = bucket(moto, "names")
    copy = tmp_path / "output"
    shutil.copytree(build.output, copy)
    odd = ["tag/café 東京/index.html", "files/a+b c%20d.txt", "files/Проект.pdf"]
    for rel in odd:
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_bytes(rel.encode("utf-8"))
    settings = settings_of(root / "b")
    first = run(copy, "s3://names/pre fix", settings, moto)
    assert set(odd) <= set(first.uploaded)
    for rel in odd:
        assert client.get_object(Bucket="names", Key="pre fix/" + rel)["Body"].read() == rel.encode("utf-8")
    again = run(copy, "s3://names/pre fix", settings, moto)
    assert again.uploaded == [] and again.deleted == []
    (copy / odd[1]).unlink()
    third = run(copy, "s3://names/pre fix", settings, moto)
    assert third.deleted == [odd[1]] and third.uploaded == []


# ------------------------------------------------------------------ headers count as much as bytes

def head_headers(client, bucket_name: str, key: str) -> tuple[str, str]:
    answer = client.head_object(Bucket=bucket_name, Key=key)
    return answer["ContentType"], answer["CacheControl"]


def state_of(client, bucket_name: str) -> dict:
    body = client.get_object(Bucket=bucket_name, Key=s3.STATE_KEY)["Body"].read()
    return json.loads(body)["files"]


def test_a_cache_control_change_uploads_exactly_the_files_it_changes(site, moto):
    """hugo deploy compares bytes only (a new header needs --force); here a file whose headers
    would change is uploaded again, with the reason, and the next deploy is quiet again."""
    root, _, build = site
    client = bucket(moto, "restyle")
    run(build.output, "s3://restyle", settings_of(root / "b"), moto)
    local = local_md5(build.output)
    assert set(state_of(client, "restyle")) == set(local)
    before = objects(client, "restyle", with_state=True)

    immutable = "public, max-age=31536000, immutable"
    rules = [("theme/*", immutable), ("feeds/*.atom.xml", "public, max-age=60")]
    settings = settings_of(root / "b", DEPLOY_CACHE_CONTROL=rules)
    dry = run(build.output, "s3://restyle", settings, moto, lines := [], dry_run=True)
    expected = sorted(k for k in local if k.startswith("theme/") or
                      (k.startswith("feeds/") and k.endswith(".atom.xml")))
    assert sorted(dry.uploaded) == expected and not dry.deleted
    assert any(f"would upload {expected[0]} (headers changed" in str(line) for line in lines)
    assert objects(client, "restyle", with_state=True) == before  # a dry run writes nothing

    done = run(build.output, "s3://restyle", settings, moto, lines := [])
    assert sorted(done.uploaded) == expected and done.unchanged == len(local) - len(expected)
    assert any("(headers changed, " in str(line) for line in lines)
    css = next(k for k in expected if k.endswith(".css"))
    assert head_headers(client, "restyle", css) == ("text/css; charset=utf-8", immutable)
    assert head_headers(client, "restyle", "feeds/all.atom.xml")[1] == "public, max-age=60"
    assert head_headers(client, "restyle", "feeds/all.rss.xml")[1] == "public, max-age=300"
    assert state_of(client, "restyle")[css] == ["text/css; charset=utf-8", immutable]

    quiet = objects(client, "restyle", with_state=True)
    again = run(build.output, "s3://restyle", settings, moto)
    assert again.uploaded == [] and objects(client, "restyle", with_state=True) == quiet
    back = run(build.output, "s3://restyle", settings_of(root / "b"), moto)  # rules removed again
    assert sorted(back.uploaded) == expected


@pytest.mark.parametrize("record", ["missing", "garbage", "other-format", "partial"])
def test_without_a_trustworthy_record_each_file_is_asked_with_a_head(site, moto, record):
    """No record (a bucket deployed by an older version or another tool), an unreadable one, or
    one that lacks a file: those files' headers are read with HEAD, never assumed."""
    root, _, build = site
    name = f"unknown-{record}"
    client = bucket(moto, name)
    settings = settings_of(root / "b")
    run(build.output, f"s3://{name}", settings, moto)
    # Another tool re-uploads two files with other headers (same bytes, same ETag).
    for key in ("theme/css/main.css", "about/index.html"):
        client.copy_object(Bucket=name, Key=key, CopySource={"Bucket": name, "Key": key},
                           MetadataDirective="REPLACE", ContentType="text/plain", CacheControl="no-store",
                           Metadata={"md5": local_md5(build.output)[key]})
    if record == "missing":
        client.delete_object(Bucket=name, Key=s3.STATE_KEY)
    elif record == "garbage":
        client.put_object(Bucket=name, Key=s3.STATE_KEY, Body=b"{not json")
    elif record == "other-format":
        client.put_object(Bucket=name, Key=s3.STATE_KEY, Body=b'{"format": 99, "files": {}}')
    else:
        files_now = state_of(client, name)
        del files_now["theme/css/main.css"], files_now["about/index.html"]
        client.put_object(Bucket=name, Key=s3.STATE_KEY,
                          Body=json.dumps({"format": s3.STATE_FORMAT, "files": files_now}).encode())
    done = run(build.output, f"s3://{name}", settings, moto)
    assert sorted(done.uploaded) == ["about/index.html", "theme/css/main.css"] and not done.deleted
    assert head_headers(client, name, "theme/css/main.css") == ("text/css; charset=utf-8",
                                                                 "public, max-age=86400")
    assert set(state_of(client, name)) == set(local_md5(build.output))  # the record is whole again
    assert run(build.output, f"s3://{name}", settings, moto).uploaded == []


def test_the_record_is_written_intent_first_and_never_deleted(site, moto):
    """Before uploading, the files about to change leave the record (a deploy that dies half-way
    leaves them unknown, so the next one asks); the record itself is never deleted or listed."""
    root, _, build = site
    client = bucket(moto, "intent")
    run(build.output, "s3://intent", settings_of(root / "b"), moto)
    settings = settings_of(root / "b", DEPLOY_CACHE_CONTROL=[("theme/*", "no-cache")])
    moto.start_recording()
    done = run(build.output, "s3://intent", settings, moto)
    recorded = moto.stop_recording()
    puts = [r for r in recorded if r["method"] == "PUT"]
    keys = [r["url"].split("/intent/", 1)[1].split("?")[0] for r in puts]
    assert keys[0] == keys[-1] == s3.STATE_KEY and keys.count(s3.STATE_KEY) == 2
    assert sorted(keys[1:-1]) == sorted(done.uploaded)
    body = puts[0]["body"]
    intent = json.loads(base64.b64decode(body) if puts[0].get("body_encoded") in (True, "True")
                        else body)["files"]
    assert not set(intent) & set(done.uploaded) and len(intent) == done.unchanged
    assert s3.STATE_KEY not in done.deleted and s3.STATE_KEY not in done.uploaded
    assert s3.STATE_KEY in objects(client, "intent", with_state=True)
    (build.output / s3.STATE_KEY).write_text("{}", encoding="utf-8")
    try:
        with pytest.raises(DeployError, match="kept for the deploy's own record"):
            run(build.output, "s3://intent", settings, moto)
    finally:
        (build.output / s3.STATE_KEY).unlink()
