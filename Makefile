# Two commands on a fresh machine with Python 3.11+ and pip:
#   make run    set up .venv if needed and start the atlas on the embedded sample
#   make test   set up .venv if needed and run lint, format check, type check, the import
#               contracts (docs/architecture.md) and the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINTED := atlas layers pages tests benchmarks data streamlit_app.py

.PHONY: run test setup lint lock clean browser translations catalogues

# The catalogues of the cluster's languages (DESIGN §8, atlas/i18n): the PO files are kept in
# git, the compiled .mo files are built here at set-up (never committed).
LOCALE := atlas/i18n/locale
LANGUAGES := zu xh st nso af
MO_FILES := $(foreach code,$(LANGUAGES),$(LOCALE)/$(code)/LC_MESSAGES/atlas.mo)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "The atlas needs Python 3.11 or newer: set PYTHON=python3.11 (or newer)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m layers.assets
	@# An editable install compiles no bytecode (a wheel's does), and PYTHONDONTWRITEBYTECODE
	@# keeps Python from writing it: without it every `atlas` command compiles the atlas again.
	@PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q atlas layers pages >/dev/null
	@touch $(STAMP)

# Each .mo from its .po, the drafts not yet reviewed (fuzzy) included: the app and the PDFs say
# that a language is not reviewed yet (atlas.i18n.review).
$(LOCALE)/%/LC_MESSAGES/atlas.mo: $(LOCALE)/%/LC_MESSAGES/atlas.po | $(STAMP)
	@$(BIN)/pybabel -q compile --use-fuzzy -D atlas -d $(LOCALE) -l $*

catalogues: $(MO_FILES)

# Extract every marked string into atlas.pot, bring each language's PO file up to date (new
# entries empty — never guessed from other entries: every entry here is a draft not reviewed, so a
# guess would show as a translation — changed ones marked for review) and compile them.
translations: $(STAMP)
	@mkdir -p $(LOCALE)
	$(BIN)/pybabel -q extract -F babel.cfg -k Nn_:1,2 --add-comments=TRANSLATORS: \
		--sort-by-file --project="Settlement Atlas" --version=$$($(BIN)/python -c \
		'import importlib.metadata as m; print(m.version("settlement-atlas"))') \
		--copyright-holder="Settlement Atlas contributors" -o $(LOCALE)/atlas.pot .
	@for code in $(LANGUAGES); do \
		if [ -f $(LOCALE)/$$code/LC_MESSAGES/atlas.po ]; then \
			$(BIN)/pybabel -q update -D atlas -i $(LOCALE)/atlas.pot -d $(LOCALE) -l $$code --previous --no-fuzzy-matching; \
		else $(BIN)/pybabel -q init -D atlas -i $(LOCALE)/atlas.pot -d $(LOCALE) -l $$code; fi; \
	done
	@$(MAKE) --no-print-directory catalogues
	@$(BIN)/python -m atlas.i18n

# Browser tests drive Debian's Chromium, report tests render PDFs with poppler-utils, and the
# store tests start a throwaway PostgreSQL server (initdb, pg_ctl); install them when we can
# (root with apt-get), otherwise those tests skip and say how.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium not found and not root: browser tests will be skipped."; fi
	@if command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing poppler-utils for the report tests (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	else echo "pdftoppm not found and not root: report rendering tests will be skipped."; fi
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing PostgreSQL for the store tests (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "PostgreSQL (initdb) not found and not root: the PostgreSQL store tests will be skipped."; fi

setup: $(STAMP)

# make run PORT=8600 for another port; it never prompts, with or without a terminal.
PORT ?= 8501
# The embedded store of make run (kept out of git).
STORE ?= .atlas/atlas.sqlite
run: $(STAMP) catalogues
	@$(BIN)/python -m layers.assets --check >/dev/null || $(BIN)/python -m layers.assets
	$(BIN)/atlas serve --port $(PORT) --db $(STORE)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint browser catalogues
	$(BIN)/python -m pytest

# Re-pin every dependency to what is installed now (after a deliberate upgrade).
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
