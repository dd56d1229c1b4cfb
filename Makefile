VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test venv system-deps samples bench eval clean

# Create .venv when missing and install the project with everything its tests need.
# torch is installed first and pinned, so nothing pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true --server.address 127.0.0.1 --server.port 8501 --browser.gatherUsageStats false

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

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
	rm -rf $(VENV) .pytest_cache
