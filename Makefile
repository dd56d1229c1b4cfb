VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast wheel-check venv system-deps samples bench eval clean

# Create .venv when missing and install the project with everything its tests need.
# torch is installed first and pinned, so nothing pulls a CUDA build.
$(STAMP): pyproject.toml setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true --server.address 127.0.0.1 --server.port 8501 --browser.gatherUsageStats false \
	  --server.fileWatcherType none

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

# The suite without the tests that load the real classifier or drive a browser (for development).
test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest -q -m "not slow and not browser"

# The wheel works outside the checkout: build it, install it (not editable) into a fresh
# venv, and analyze a sample from another folder. The wheel carries the model and playbooks.
WHEEL_VENV ?= /tmp/clause-analyzer-wheel-venv
wheel-check: $(STAMP)
	rm -rf build dist $(WHEEL_VENV)
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .
	python3 -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/pip install -q torch==2.13.0
	$(WHEEL_VENV)/bin/pip install -q dist/*.whl
	cd /tmp && $(WHEEL_VENV)/bin/clause-analyzer analyze $(CURDIR)/samples/tech_license.docx > $(WHEEL_VENV)/report.json
	$(WHEEL_VENV)/bin/python -c "import json, sys; r = json.load(open(sys.argv[1])); \
	  assert r['findings'] and r['versions'].get('model'), r['issues']; \
	  print('wheel-check:', len(r['findings']), 'findings, model', r['versions']['model'])" $(WHEEL_VENV)/report.json
	cd /tmp && $(WHEEL_VENV)/bin/clause-analyzer analyze $(CURDIR)/samples/zh_jv_contract.docx > $(WHEEL_VENV)/report_zh.json 2> $(WHEEL_VENV)/report_zh.err
	$(WHEEL_VENV)/bin/python -c "import json, sys; r = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read(); \
	  assert not err, err; assert r['document']['language'] == 'zh' and r['findings'], r['issues']; \
	  print('wheel-check (zh):', len(r['findings']), 'findings,', sum(1 for l in r['labels'] if l['flagged']), 'flagged labels')" \
	  $(WHEEL_VENV)/report_zh.json $(WHEEL_VENV)/report_zh.err

# Optional system packages (OCR, browser tests, PDF rendering of redlines). Needs root or sudo.
system-deps:
	@if command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr chromium libreoffice-writer-nogui >/dev/null; \
	else echo "apt-get not found: install tesseract-ocr and chromium yourself"; fi

samples: $(STAMP)
	$(PY) samples/build_samples.py

bench: $(STAMP)
	$(PY) benchmarks/bench_parse.py

clean:
	rm -rf $(VENV) .pytest_cache build dist
