# Lectern — Pelican quickstart target names, plus the publish and brand steps.
# Every target first ensures a local virtualenv built from the pinned requirements
# (re-installed only when a requirements file changes).

PY?=python3
PELICAN?=$(VENV)/bin/pelican
PELICANOPTS=

BASEDIR=$(CURDIR)
INPUTDIR=$(BASEDIR)/content
OUTPUTDIR=$(BASEDIR)/output
CONFFILE=$(BASEDIR)/pelicanconf.py
PUBLISHCONF=$(BASEDIR)/publishconf.py
INTERNALCONF=$(BASEDIR)/internalconf.py
INTERNALDIR=$(BASEDIR)/output-internal

VENV?=$(BASEDIR)/.venv
VPY=$(VENV)/bin/python
STAMP=$(VENV)/.lectern-runtime
DEVSTAMP=$(VENV)/.lectern-dev
NODESTAMP=tests/node_modules/.lectern-stamp

GITHUB_PAGES_BRANCH=gh-pages

SSH_HOST?=localhost
SSH_PORT?=22
SSH_USER?=root
SSH_TARGET_DIR?=/var/www

PORT?=8000
BIND?=127.0.0.1
N?=1000
FORMAT?=text
FILES?=
LOGS?=
DAYS?=14
DRY_RUN?=0
FORCE?=0
COMMIT?=0
DEPLOYOPTS=$(if $(filter 1,$(DRY_RUN)),--dry-run,) $(if $(filter 1,$(FORCE)),--force,)

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

SERVER ?= "0.0.0.0"

.DEFAULT_GOAL := help

# ---------------------------------------------------------------- install
# Chatter goes to stderr so `make brand FORMAT=json` keeps stdout clean.
$(STAMP): requirements.txt
	@test -x $(VPY) || { echo "lectern: creating virtualenv in $(VENV)" >&2; $(PY) -m venv $(VENV) >&2; }
	@echo "lectern: installing pinned requirements" >&2
	@$(VPY) -m pip install --disable-pip-version-check -q -r requirements.txt >&2
	@touch $@

$(DEVSTAMP): $(STAMP) requirements-dev.txt
	@echo "lectern: installing test requirements" >&2
	@$(VPY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt >&2
	@touch $@

$(NODESTAMP): tests/package.json tests/package-lock.json
	@echo "lectern: installing axe-core for the browser test" >&2
	@cd tests && npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

venv: $(STAMP) ## Create .venv from the pinned requirements (automatic for every target)

chromium: ## Install Debian's chromium for the browser test when it is missing
	@command -v chromium >/dev/null 2>&1 || { echo "lectern: installing Debian chromium" >&2; \
	  (apt-get install -y -q chromium >&2 || (apt-get update -q >&2 && apt-get install -y -q chromium >&2)); }

rsync-tool: ## Install Debian's rsync for the rsync deploy test when it is missing (the test skips without it)
	@command -v rsync >/dev/null 2>&1 || { echo "lectern: installing Debian rsync" >&2; \
	  (apt-get install -y -q rsync >&2 || (apt-get update -q >&2 && apt-get install -y -q rsync >&2)) || true; }

lock: ## Regenerate requirements*.txt from requirements*.in in a scratch venv
	@rm -rf .lock-venv && $(PY) -m venv .lock-venv && .lock-venv/bin/pip install -q -r requirements.in
	@.lock-venv/bin/pip freeze > requirements.txt
	@.lock-venv/bin/pip install -q -r requirements-dev.in && .lock-venv/bin/pip freeze | sort > .lock-all
	@sort requirements.txt | comm -13 - .lock-all > requirements-dev.txt; rm -rf .lock-venv .lock-all

# ---------------------------------------------------------------- site
html: $(STAMP) ## Build the site for local preview into output/
	@"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean: ## Remove the generated site and build reports
	@[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"
	@[ ! -d "$(INTERNALDIR)" ] || rm -rf "$(INTERNALDIR)"
	@rm -rf build preview

# The resident dev process (devserver/): one in-process build kept in memory; a body edit renders
# that post's page first, then the whole site settles (output/ = a clean build's files).
DEVSERVEROPTS=$(if $(filter 1,$(DEBUG)),-D,) $(if $(filter 1,$(RELATIVE)),--relative-urls,)
DEVSERVER=$(VPY) -m devserver --settings "$(CONFFILE)" --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" $(DEVSERVEROPTS)

regenerate: $(STAMP) ## Rebuild output/ on every change to content, theme, settings or brand.yml (no server)
	@$(DEVSERVER) --no-serve

serve: html ## Build, then serve output/ at http://localhost:$(PORT)
	@"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(BIND)

serve-global: html ## Serve on all interfaces ($(SERVER))
	@"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

devserver: $(STAMP) ## Serve on 127.0.0.1:PORT (BIND to change), rebuild on every change; the open page reloads itself
	@$(DEVSERVER) --port $(PORT) --bind $(BIND)

devserver-global: $(STAMP) ## devserver on all interfaces
	@$(DEVSERVER) --port $(PORT) --bind 0.0.0.0

# Production builds render into a staging folder beside output/ and replace it only when the
# build passed (publish/build.py); a failed build leaves output/ as it was.
build-prod: $(STAMP) ## Production build with publishconf.py (fails on broken posts or brand errors)
	@$(VPY) -m publish.build --settings "$(PUBLISHCONF)" --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" -- $(PELICANOPTS)

# The internal edition: public + `Audience: internal` posts, "Internal" banner, noindex, robots.txt
# disallowing everything, its own feeds at INTERNAL_SITEURL; the same staged, strict build.
build-internal: $(STAMP) ## Internal edition (internalconf.py) into output-internal/ at INTERNAL_SITEURL
	@$(VPY) -m publish.build --settings "$(INTERNALCONF)" --content "$(INPUTDIR)" --output "$(INTERNALDIR)" -- $(PELICANOPTS)

new: $(STAMP) ## Scaffold a post: make new TITLE="..." [AUTHOR="..."]
	@$(VPY) -m plugins.post_contract.new --title "$(TITLE)" --author "$(AUTHOR)" --content "$(INPUTDIR)"

# ---------------------------------------------------------------- brand & publish
brand: $(STAMP) ## Check posts against brand.yml: [FILES="a.md b.md"] [FORMAT=text|json|github] [FIX=1|diff] [JOBS=n]
	@$(VPY) -m plugins.brand_guard --format $(FORMAT) $(if $(JOBS),--jobs $(JOBS)) $(if $(filter diff,$(FIX)),--fix diff,$(if $(filter 1 yes true write,$(FIX)),--fix write)) $(if $(FILES),$(FILES),$(INPUTDIR))

brand-eval: $(STAMP) ## Precision and recall of each brand rule on the labeled set tests/data/brand_eval
	@$(VPY) bench/brand_eval.py

# Non-strict production build into build/preview-site (output/ untouched): a post with a brand
# error is shown held with the finding, every other post is previewed. `make publish` still stops.
preview: $(STAMP) ## Plan and compose social posts, write preview/ (posts nothing)
	@$(VPY) -m publish.previewbuild --settings "$(PUBLISHCONF)" --content "$(INPUTDIR)" -- $(PELICANOPTS)

# One lock (build/publish.lock) covers every step; a second run stops at once. With DEPLOY_TARGET:
# build → deploy → wait for each new page to answer 200 → syndicate → rebuild ("Also on") → deploy
# the changed pages (WEBSUB_HUB pinged for changed feeds). COMMIT=1 commits the ledger file alone.
# The rebuild runs even when a post failed; the publish step's exit status is kept (publish/pipeline.py).
publish: $(STAMP) ## Build, deploy, wait until live, syndicate, rebuild, deploy again: [COMMIT=1]
	@$(VPY) -m publish.pipeline --settings "$(PUBLISHCONF)" --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" \
	  --internal-settings "$(INTERNALCONF)" --internal-output "$(INTERNALDIR)" $(if $(filter 1,$(COMMIT)),--commit,) -- $(PELICANOPTS)

# Deploy the production build to DEPLOY_TARGET (publishconf.py or the environment): s3://bucket[/prefix],
# ssh://[user@]host[:port]/path, rsync://host/module[/path], file:///path, gh-pages or github:BRANCH[@REMOTE].
# Only changed files are uploaded; listings, feeds and sitemap.xml go last; deletes after the uploads.
# Then, when INTERNAL_DEPLOY_TARGET is set, the internal edition is built and deployed there; a target
# that meets the public one (same bucket+prefix, same folder, or one inside the other) is refused.
deploy: build-prod ## Build for production and deploy output/ to DEPLOY_TARGET (+ output-internal/): [DRY_RUN=1] [FORCE=1]
	@$(VPY) -m publish.deploy --settings "$(PUBLISHCONF)" --output "$(OUTPUTDIR)" $(DEPLOYOPTS)
	@$(VPY) -m publish.deploy --internal --settings "$(INTERNALCONF)" --content "$(INPUTDIR)" \
	  --output "$(INTERNALDIR)" $(DEPLOYOPTS)

# build/report.html + report.json (never deployed): cadence per author, the scheduled queue, the ledger's
# history, brand scores; with LOGS (files or globs: combined/CloudFront/S3, plain or .gz) referrals per post.
report: $(STAMP) ## Cadence, ledger history, brand scores, referrals: [LOGS="access.log*"] -> build/report.html
	@$(VPY) -m publish.report --settings "$(PUBLISHCONF)" --content "$(INPUTDIR)" $(if $(LOGS),--logs "$(LOGS)",)

due: $(STAMP) ## Calendar of scheduled posts going live in the next DAYS days (default 14), with their channels
	@$(VPY) -m publish.due --settings "$(PUBLISHCONF)" --content "$(INPUTDIR)" --days $(DAYS)

ssh_upload: build-prod ## Upload output/ with scp (no deletes; prefer rsync_upload or make deploy)
	scp -P $(SSH_PORT) -r "$(OUTPUTDIR)"/* "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

rsync_upload: build-prod ## make deploy to ssh://$(SSH_USER)@$(SSH_HOST):$(SSH_PORT)$(SSH_TARGET_DIR)
	@$(VPY) -m publish.deploy --settings "$(PUBLISHCONF)" --output "$(OUTPUTDIR)" $(DEPLOYOPTS) \
	  --target "ssh://$(SSH_USER)@$(SSH_HOST):$(SSH_PORT)$(SSH_TARGET_DIR)"

github: build-prod ## make deploy to the $(GITHUB_PAGES_BRANCH) branch (pushed to origin)
	@$(VPY) -m publish.deploy --settings "$(PUBLISHCONF)" --output "$(OUTPUTDIR)" $(DEPLOYOPTS) \
	  --target "github:$(GITHUB_PAGES_BRANCH)"

# ---------------------------------------------------------------- quality
test: $(DEVSTAMP) $(NODESTAMP) chromium rsync-tool ## Install test needs (incl. chromium, axe-core) and run pytest
	@$(VPY) -m pytest -q $(PYTESTOPTS)

lint: $(DEVSTAMP) ## Run ruff over the code
	@$(VENV)/bin/ruff check .

bench: $(DEVSTAMP) ## Benchmark against vanilla Pelican: [N=1000] [PROFILE=1] [EDITS=5] (EDITS=0: no edit-to-page row)
	@$(VPY) bench/run.py --posts $(N) $(if $(filter 1,$(PROFILE)),--profile,) $(if $(EDITS),--edits $(EDITS),)

help: ## List the targets
	@echo 'Lectern — make targets (variables: PY PELICAN INPUTDIR OUTPUTDIR CONFFILE PUBLISHCONF PORT DEBUG RELATIVE)'
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

.PHONY: venv chromium rsync-tool lock html clean regenerate serve serve-global devserver devserver-global build-prod build-internal new brand brand-eval preview publish deploy due report ssh_upload rsync_upload github test lint bench help
