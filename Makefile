# Set-up, serving and tests for the AutoAI SageMaker container, natively (no Docker engine needed).
#   make serve                 serve the embedded default model on http://localhost:8080
#   make test                  lint and run the whole test suite
#   make venv                  build the virtual environment from the pinned lock
#   make bench                 this server against the in-process limit and flask + gunicorn
#   make fingerprint FILE=x.pickle   the AutoAI runtime a pickle needs (any python3, no venv)
#   make describe MODEL_DIR=dir DATA=train.csv [TARGET=col]   metadata for a bare Watson pickle
# RUNTIME picks the AutoAI runtime (22.1, 23.1, 24.1 or the default 25.1); its venv is .venv for
# 25.1 and .venv-RUNTIME otherwise. `make test` also builds the other runtimes' venvs (where their
# Python is installed) for the cross-runtime tests.

RUNTIME ?= 25.1
RUNTIMES := 22.1 23.1 24.1 25.1
PYTHON_VERSION_22.1 := 3.9
PYTHON_VERSION_23.1 := 3.10
PYTHON_VERSION_24.1 := 3.11
PYTHON_VERSION_25.1 := 3.12
PYTHON_VERSION := $(PYTHON_VERSION_$(RUNTIME))
$(if $(PYTHON_VERSION),,$(error unknown RUNTIME '$(RUNTIME)': known runtimes are $(RUNTIMES)))
VENV := $(if $(filter 25.1,$(RUNTIME)),.venv,.venv-$(RUNTIME))
LOCK := requirements/$(RUNTIME).txt
DEV_LOCK := requirements/$(RUNTIME)-dev.txt
PY := $(VENV)/bin/python

# model/ was saved by runtime 25.1; another runtime serves the same model fitted by its own libraries.
DEFAULT_BASE_DIR := $(if $(filter 25.1,$(RUNTIME)),$(CURDIR),$(CURDIR)/build/runtime-$(RUNTIME))
SAGEMAKER_BASE_DIR ?= $(DEFAULT_BASE_DIR)
export SAGEMAKER_BASE_DIR

.PHONY: venv runtime-venvs print-python serve test lint format lock model clean check-java plugin bench \
	fingerprint describe

venv: $(VENV)/.installed

# Every runtime's venv whose Python is on this machine, for the cross-runtime tests.
runtime-venvs:
	@$(foreach runtime,$(RUNTIMES),\
	  if tools/find-python.sh $(PYTHON_VERSION_$(runtime)) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory venv RUNTIME=$(runtime) \
	      || echo "runtime $(runtime): its venv did not build, so it is not tested here"; \
	  else \
	    echo "Python $(PYTHON_VERSION_$(runtime)) not found: runtime $(runtime) is not tested here"; \
	  fi;)

BUILD_REQUIREMENTS := $(wildcard requirements/$(RUNTIME)-build.txt)
# pip's own progress (each package as it downloads and installs) shows while the venv builds.
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check --progress-bar off

$(VENV)/.installed: $(LOCK) $(DEV_LOCK) $(BUILD_REQUIREMENTS)
	@echo "setting up $(VENV) for AutoAI runtime $(RUNTIME) from $(LOCK): the first time takes about 3 minutes and 1.5 GB"
	rm -rf $(VENV)
	"$$(tools/find-python.sh $(PYTHON_VERSION))" -m venv $(VENV)
	$(if $(BUILD_REQUIREMENTS),$(PIP_INSTALL) -r $(BUILD_REQUIREMENTS))
	$(PIP_INSTALL) --no-deps $(if $(BUILD_REQUIREMENTS),--no-build-isolation) -r $(LOCK) -r $(DEV_LOCK)
	touch $@

print-python:
	@echo $(PYTHON_VERSION)

check-java:
	@command -v java >/dev/null 2>&1 || { echo "Multi Model Server needs a Java runtime: apt-get install openjdk-17-jdk-headless (which also compiles its plugin)" >&2; exit 1; }

# What the project adds to Multi Model Server (plugins/), compiled against MMS's own jar into
# build/plugins, where the server finds it (the image builds it the same way, in its plugin stage).
MMS_JAR := $(VENV)/lib/python$(PYTHON_VERSION)/site-packages/mms/frontend/model-server.jar
PLUGINS_BUILT := build/plugins/autoai-mms-plugins.jar

plugin: $(PLUGINS_BUILT)

$(PLUGINS_BUILT): tools/build-plugin.sh $(shell find plugins -type f) | venv
	@command -v javac >/dev/null 2>&1 || { echo "the Multi Model Server plugin needs a Java compiler: apt-get install openjdk-17-jdk-headless" >&2; exit 1; }
	tools/build-plugin.sh $(MMS_JAR) build/plugins

serve: venv check-java plugin $(if $(filter $(DEFAULT_BASE_DIR),$(SAGEMAKER_BASE_DIR)),$(DEFAULT_BASE_DIR)/model/model.pickle)
	$(PY) entrypoint.py serve

# Reads bytes with the standard library only: any python3 runs it, the venv is not needed.
fingerprint:
	@test -n "$(FILE)" || { echo "usage: make fingerprint FILE=path/to/pipeline.pickle" >&2; exit 2; }
	python3 entrypoint.py fingerprint $(FILE)

# Loads the pipeline, so it runs in the runtime's venv (RUNTIME picks it).
describe: venv
	@test -n "$(MODEL_DIR)" -a -n "$(DATA)" || { echo "usage: make describe MODEL_DIR=dir DATA=training.csv [TARGET=column]" >&2; exit 2; }
	$(PY) entrypoint.py describe $(MODEL_DIR) --training-data $(DATA) $(if $(TARGET),--target $(TARGET))

$(CURDIR)/build/runtime-%/model/model.pickle: local-test/test-dir/input/data/training/demand_response.csv | venv
	$(PY) -m training.default_model --model-dir $(dir $@)

# PYTEST_ARGS: more arguments for pytest (.ci/run leaves out, in the other runtimes, the suites
# that do not depend on the runtime's libraries).
test: venv runtime-venvs check-java plugin lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Side by side: the in-process limit, this server, and the seed's flask + gunicorn (bench/), loaded
# by wrk; prints a Markdown table and writes it to bench/results/. Default runtime only.
BENCH_INSTALLED := $(VENV)/.bench-installed

$(BENCH_INSTALLED): requirements/bench.txt | venv
	$(PIP_INSTALL) --no-deps -r requirements/bench.txt
	touch $@

bench: venv check-java plugin $(BENCH_INSTALLED)
	@test "$(RUNTIME)" = 25.1 || { echo "make bench runs on the default runtime (25.1), whose model is model/" >&2; exit 1; }
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk) \
	  || { echo "make bench needs wrk: apt-get install wrk" >&2; exit 1; }
	$(PY) -m bench.run $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock:
	tools/lock.sh $(RUNTIME) "$$(tools/find-python.sh $(PYTHON_VERSION))"

model: venv
	$(PY) -m training.default_model

clean:
	rm -rf .venv .venv-* build .pytest_cache .ruff_cache

# The container image, autoai-sagemaker:RUNTIME: built by docker where a Docker engine answers,
# else by buildah on a stand-in for the official Python base (tools/image/build.sh, docs/image.md);
# then run as SageMaker runs it, by the tests in tests/image, in this runtime's venv.
.PHONY: image image-test
IMAGE := autoai-sagemaker:$(RUNTIME)

image:
	tools/image/build.sh $(RUNTIME)

image-test: venv
	AUTOAI_IMAGE=$(IMAGE) $(PY) -m pytest tests/image
