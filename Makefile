# Set-up, serving and tests for the AutoAI SageMaker container, natively (no Docker engine needed).
#   make serve                 serve the embedded default model on http://localhost:8080
#   make test                  lint and run the whole test suite
#   make venv                  build the virtual environment from the pinned lock
# RUNTIME picks the AutoAI runtime (default 25.1); its venv is .venv for 25.1, .venv-RUNTIME otherwise.

RUNTIME ?= 25.1
PYTHON_VERSION_25.1 := 3.12
PYTHON_VERSION := $(PYTHON_VERSION_$(RUNTIME))
VENV := $(if $(filter 25.1,$(RUNTIME)),.venv,.venv-$(RUNTIME))
LOCK := requirements/$(RUNTIME).txt
DEV_LOCK := requirements/$(RUNTIME)-dev.txt
PY := $(VENV)/bin/python

SAGEMAKER_BASE_DIR ?= $(CURDIR)
export SAGEMAKER_BASE_DIR

.PHONY: venv serve test lint format lock model clean check-runtime check-java

venv: $(VENV)/.installed

check-runtime:
	@test -n "$(PYTHON_VERSION)" || { echo "unknown RUNTIME '$(RUNTIME)': known runtimes are 25.1" >&2; exit 2; }

$(VENV)/.installed: $(LOCK) $(DEV_LOCK) | check-runtime
	rm -rf $(VENV)
	"$$(tools/find-python.sh $(PYTHON_VERSION))" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r $(LOCK) -r $(DEV_LOCK)
	touch $@

check-java:
	@command -v java >/dev/null 2>&1 || { echo "Multi Model Server needs a Java runtime: apt-get install openjdk-17-jre-headless" >&2; exit 1; }

serve: venv check-java
	$(PY) entrypoint.py serve

test: venv check-java lint
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: check-runtime
	tools/lock.sh $(RUNTIME) "$$(tools/find-python.sh $(PYTHON_VERSION))"

model: venv
	$(PY) tools/build_default_model.py

clean:
	rm -rf .venv .venv-* .pytest_cache .ruff_cache
