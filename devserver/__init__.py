"""The writer's loop: `make devserver` / `make regenerate` (`python -m devserver`).

One resident process keeps the last Pelican build in memory and watches content/, the theme, the
settings file and brand.yml:

- `site`: full builds run in-process into a fresh staging folder and are synced into output/ file
  by file (only bytes that differ are replaced; what a clean build would not write is removed), so
  output/ always equals a clean build once the site has settled. For a body-only edit of one post
  the post is read again and its own page is rendered first, from the last build's generators,
  templates and context (`render_first`); the full build that follows brings listings, feeds and
  tag pages up to date. Any other change (a header field, a new or deleted file, the theme,
  settings or brand.yml) goes straight to the full build.
- `loop`: the watcher and the one worker thread that applies changes in order; an edit that
  arrives while a full build runs stops that build at its next step (a new one follows).
- `serve`: the HTTP server on 127.0.0.1 (clean URLs, the site's 404 page) that adds the live-reload
  script to the HTML it serves and tells the open pages, over Server-Sent Events, which files
  changed. The script is never written into output/: the files on disk are exactly the build's.
"""
