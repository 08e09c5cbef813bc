"""`Image:` must be a real image file under content/images/ (issue 9 point 4).

Each hostile value gets an exact `path:line` message, the post is built without a card image in
dev and production stops; no OpenGraph tag, enclosure or manifest entry points elsewhere, and no
output byte carries the size of a file outside content/.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import feedparser
import pytest
from bs4 import BeautifulSoup
from sitebuild import REPO, all_output_bytes, build_site

from plugins.post_contract.images import card_image

SITE = "http://localhost:8000"
PNG = (REPO / "content" / "images" / "close-calendar.png").read_bytes()
HOST_SIZE = 48_271  # a size that appears nowhere else: the host file outside content/
REFUSED = {
    # slug: (Image value, message after `Image "<value>" `)
    "passwd": ("../../../../etc/passwd", "points outside content/images/ — put the image in "
               'content/images/ and write e.g. "Image: images/close-calendar.png"'),
    "escape": ("images/../../host-card.png", "points outside content/images/"),
    "backslash": ("images\\..\\..\\host-card.png", "points outside content/images/"),
    "absolute": ("/etc/passwd", "is an absolute path — images come only from content/images/; "
                 'write the path from content/, e.g. "Image: images/close-calendar.png"'),
    "host-absolute": ("{HOST}", "is an absolute path"),
    "drive": ("C:\\Users\\dana\\card.png", "is an absolute path"),
    "external": ("https://cdn.example.com/card.png", "is on another site, and the theme makes no "
                 "external requests — copy the image into content/images/ and write e.g. "
                 '"Image: images/close-calendar.png" (or set LECTERN_ALLOW_EXTERNAL_IMAGES = True)'),
    "protocol-relative": ("//cdn.example.com/card.png", "is on another site"),
    "file-url": ("file:///etc/passwd", "is not a file under content/images/"),
    "data-url": ("data:image/png;base64,iVBORw0KGgo=", "is not a file under content/images/"),
    "missing": ("images/missing.png", "does not exist: there is no file content/images/missing.png — "
                "put the image there or correct the name (names are case-sensitive)"),
    "folder": ("images/", "points outside content/images/"),
    "text": ("images/notes.txt", "is not a PNG, JPEG, GIF or WebP image — convert it"),
    "disguised": ("images/fake.png", "is not an image, not the PNG its name says"),
    "wrong-ext": ("images/photo.gif", "holds a PNG image, not the GIF its name says"),
    "symlink": ("images/link.png", "is a link to a file outside content/images/ — copy the image "
                "itself into content/images/"),
}
ACCEPTED = {
    "plain": "images/close-calendar.png",
    "rooted": "/images/close-calendar.png",
    "static": "{static}/images/close-calendar.png",
    "spaced": "images/Q3 card.png",
}


def post(slug: str, image: str) -> str:
    return (f"Title: Card {slug}\nDate: 2026-02-03 10:00\nAuthor: Dana Whitfield\n"
            f"Summary: Trust and transparency for {slug}.\nImage: {image}\n\nBody of {slug}.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    host = root / "host-card.png"  # outside content/, PNG bytes so only the location is wrong
    host.write_bytes(PNG[:64] + b"\0" * (HOST_SIZE - 64))
    content = root / "content"
    (content / "posts").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "images", content / "images")
    (content / "images" / "notes.txt").write_text("not an image\n")
    (content / "images" / "fake.png").write_text("<svg/>")
    (content / "images" / "photo.gif").write_bytes(PNG)
    (content / "images" / "Q3 card.png").write_bytes(PNG)
    os.symlink(host, content / "images" / "link.png")
    for slug, (image, _) in REFUSED.items():
        (content / "posts" / f"{slug}.md").write_text(post(slug, image.replace("{HOST}", str(host))))
    for slug, image in ACCEPTED.items():
        (content / "posts" / f"{slug}.md").write_text(post(slug, image))
    return root, content


@pytest.fixture(scope="module")
def dev(tmp_path_factory, site):
    return build_site(tmp_path_factory.mktemp("dev"), content=site[1])


@pytest.mark.parametrize("slug", REFUSED)
def test_each_refused_image_has_its_exact_message(dev, slug, site):
    image, message = REFUSED[slug]
    image = image.replace("{HOST}", str(site[0] / "host-card.png"))
    log = re.sub(r"\s+", " ", dev.log)
    assert f"posts/{slug}.md:5: Image \"{image}\" {message}" in log, dev.log


@pytest.mark.parametrize("slug", REFUSED)
def test_dev_builds_the_post_without_any_card_image(dev, slug):
    page = dev.output / "posts" / "2026" / f"card-{slug}" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    og = soup.find("meta", property="og:image")["content"]
    assert og == f"{SITE}/theme/img/default-card.png"
    assert soup.find("meta", attrs={"name": "twitter:image"})["content"] == og
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert ld["image"] == [og]
    assert soup.select("img.u-photo") == []


def test_no_output_points_outside_or_carries_a_host_file_size(dev, site):
    assert dev.returncode == 0, dev.log
    assert "built, but not ready for production" in dev.log
    feed = feedparser.parse(dev.read("feeds/all.rss.xml"))
    enclosures = {e.link.rsplit("/", 2)[-2]: e.enclosures for e in feed.entries if e.get("enclosures")}
    assert set(enclosures) == {f"card-{slug}" for slug in ACCEPTED}
    assert {int(e[0].length) for e in enclosures.values()} == {len(PNG)}
    assert enclosures["card-spaced"][0].href == f"{SITE}/images/Q3%20card.png"
    passwd = str(os.path.getsize("/etc/passwd")).encode()
    for path, data in all_output_bytes(dev.output).items():
        assert str(HOST_SIZE).encode() not in data, path
        assert b"cdn.example.com" not in data and b"/etc/passwd" not in data, path
        if path.suffix == ".xml":
            assert not re.search(rb'length="' + passwd + rb'"', data), path
    manifest = json.loads((dev.build_dir / "manifest.json").read_text(encoding="utf-8"))
    images = {p["slug"]: p["image"] for p in manifest["posts"]}
    assert {s for s, i in images.items() if i} == {f"card-{slug}" for slug in ACCEPTED}
    assert all(i.startswith(f"{SITE}/images/") for i in images.values() if i)


def test_production_stops_on_a_refused_image(tmp_path, site):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    shutil.copytree(site[1] / "images", content / "images", symlinks=True)
    (content / "posts" / "external.md").write_text(post("external", REFUSED["external"][0]))
    build = build_site(tmp_path / "site", content=content, conf="publishconf")
    assert build.returncode != 0
    assert "posts/external.md:5: Image \"https://cdn.example.com/card.png\" is on another site" in build.log
    assert "Production build stopped" in build.log


def test_external_images_only_with_the_setting(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "external.md").write_text(post("external", "https://cdn.example.com/card.png"))
    build = build_site(tmp_path / "site", content=content, settings={"LECTERN_ALLOW_EXTERNAL_IMAGES": True})
    assert build.returncode == 0 and "Image" not in build.log, build.log
    page = build.read("posts/2026/card-external/index.html")
    assert 'property="og:image" content="https://cdn.example.com/card.png"' in page


@pytest.mark.parametrize("value", ["images/../images/close-calendar.png", "images/./../posts/a.md",
                                   "javascript:alert(1)", "IMAGES/close-calendar.png"])
def test_more_hostile_values_are_refused_without_reading_outside(value):
    checked = card_image(value, content_root=str(REPO / "content"), siteurl=SITE)
    assert checked.url is None and checked.problem.startswith(f'Image "{value}" ')
