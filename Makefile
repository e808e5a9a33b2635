# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := var/sample.db
# Debian libraries the Qt wheels need (offscreen and on a desktop), and a font that shows Chinese.
QT_DEBS := libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 fonts-noto-cjk

QM := resources/i18n/esgdesk_zh_CN.qm
CHAPTERS := key_figures governance environment innovation people community

# What the tests need besides: LibreOffice opens every exported workbook; the server tests
# start their own PostgreSQL (tests/pg_server.py); tests/test_request_typing.py types into
# requests in Calc's own window (its X11 build, not -nogui) through python3-uno under Xvfb.
TEST_DEBS := libreoffice-calc python3-uno xvfb xauth imagemagick poppler-utils postgresql
# PyInstaller reads the libraries' dependencies with objdump, and so does packaging/check_glibc.py.
BUNDLE_DEBS := binutils

# The one-folder bundle (packaging/esgdesk.spec) and its archive.
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' esgdesk/__init__.py)
BUNDLE_STAMP := $(VENV)/.bundle-installed
ICON_PNG := build/icon/esgdesk.png
ARCHIVE := dist/esgdesk-$(VERSION)-linux-$(shell uname -m).tar.gz

.PHONY: run test check lint sysdeps testdeps sample screenshots request-screenshots bench soak clean \
	bundle

testdeps:
	@$(MAKE) --no-print-directory sysdeps QT_DEBS="$(TEST_DEBS)"

sysdeps:
	@missing=$$(for p in $(QT_DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages (install as root): $$missing"; exit 1; fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,lint]'
	touch $@

$(SAMPLE): $(STAMP) $(wildcard resources/*.toml resources/catalogue/*.toml resources/sample/*.csv)
	mkdir -p $(dir $@)
	rm -f $@
	$(BIN)/esgdesk sample $@

sample: $(SAMPLE)

# Qt Linguist sources are compiled by the package build (setup.py: pip install, -e included),
# never committed; this compiles them again when the source changes.
$(QM): resources/i18n/esgdesk_zh_CN.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

run: sysdeps $(STAMP) $(SAMPLE) $(QM)
	$(BIN)/python main.py --db $(SAMPLE)

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[test,lint,bundle]'
	touch $@

$(ICON_PNG): resources/icons/esgdesk.svg $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icon.py $< $@

# dist/esgdesk/esgdesk runs without Python; `make test` then also tests it (tests/test_bundle.py).
bundle: sysdeps $(BUNDLE_STAMP) $(QM) $(ICON_PNG)
	@$(MAKE) --no-print-directory sysdeps QT_DEBS="$(BUNDLE_DEBS)"
	rm -f $(ARCHIVE)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	    packaging/esgdesk.spec
	tar -C dist -czf $(ARCHIVE) esgdesk
	@du -sh dist/esgdesk $(ARCHIVE)

lint: $(STAMP)
	$(BIN)/ruff check .

test: sysdeps testdeps $(STAMP) $(QM)
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The quick loop: ruff, the core and ui tests (no LibreOffice, server, bundle or slow test),
# on every core the machine has; tests/conftest.py marks each test core, ui or integration.
# Compiled modules are cached (even where the environment says not to write them): each
# worker and each command a test starts would otherwise compile esgdesk again. The tests'
# files go to memory where the machine has it as a folder (/dev/shm): every SQLite commit
# waits for the disk to sync, and on a disk those waits were a fifth of the loop's time.
check: sysdeps $(STAMP) $(QM)
	$(BIN)/ruff check .
	env -u PYTHONDONTWRITEBYTECODE $$([ -d /dev/shm ] && [ -w /dev/shm ] && echo TMPDIR=/dev/shm) \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q \
	  -m "not integration and not slow" -n auto

# Every chapter in both languages, for the README (committed under docs/screenshots).
screenshots: sysdeps $(SAMPLE) $(QM)
	mkdir -p docs/screenshots
	for lang in zh en; do for chapter in $(CHAPTERS); do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python main.py --db $(SAMPLE) --year 2023 \
	    --chapter $$chapter --lang $$lang --screenshot docs/screenshots/$$chapter-$$lang.png \
	    2>/dev/null || exit 1; done; done
	for lang in zh en; do for size in 1366x768 1280x720; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python main.py --db $(SAMPLE) --year 2024 \
	    --chapter people --lang $$lang --size $$size \
	    --screenshot docs/screenshots/people-$$lang-$$size.png 2>/dev/null || exit 1; done; done

# A request workbook in LibreOffice Calc at 1366×768, zh and en (docs/screenshots/request-hr-*).
request-screenshots: sysdeps testdeps $(STAMP)
	PYTHONPATH=. $(BIN)/python tests/request_screenshots.py

# The long loops: 300 SIGKILLs of each kind (the test suite runs 30) and ten times the
# fuzz inputs.
soak: $(STAMP) testdeps
	ESGDESK_SOAK=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s tests/test_crash.py \
	    tests/test_fuzz.py

bench: sysdeps $(SAMPLE) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/startup.py
	$(BIN)/python bench/validation.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/collection.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build dist
