# One image for SageMaker training and serving of IBM Watson Studio AutoAI pipelines.
#   docker build -t autoai-sagemaker .                       (AutoAI runtime 25.1)
#   docker build --build-arg AUTOAI_RUNTIME=22.1 -t autoai-sagemaker:22.1 .
#   docker run --rm -p 8080:8080 autoai-sagemaker serve      (the embedded default model)
# SageMaker runs `docker run IMAGE train` and `docker run IMAGE serve`; both reach entrypoint.py,
# the same code `make serve` runs natively. AUTOAI_RUNTIME picks the Python base and the lock.
ARG AUTOAI_RUNTIME=25.1

# The Python of each Watson Studio AutoAI runtime (pickle_facts/runtimes.py lists the same).
FROM python:3.9-slim-bookworm AS python-22.1
FROM python:3.10-slim-bookworm AS python-23.1
FROM python:3.11-slim-bookworm AS python-24.1
FROM python:3.12-slim-bookworm AS python-25.1

# Resolve the runtime's pinned lock into a virtual environment (no compilers reach the final image),
# less the packages' own test suites. Their bytecode stays: without it every process of serve
# and train compiles its imports again at start, seconds each.
# python-${AUTOAI_RUNTIME} is a stage above, so it carries no tag of its own.
# hadolint ignore=DL3006
FROM python-${AUTOAI_RUNTIME} AS venv
ARG AUTOAI_RUNTIME
COPY requirements/ /tmp/requirements/
# A runtime with requirements/<runtime>-build.txt compiles a package from source, as make venv does:
# its build tools and a C compiler first, then the lock without build isolation.
# hadolint ignore=DL3008
RUN set -eu; \
    lock="/tmp/requirements/${AUTOAI_RUNTIME}.txt"; \
    build="/tmp/requirements/${AUTOAI_RUNTIME}-build.txt"; \
    pip="/opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check"; \
    python -m venv /opt/venv; \
    if [ -f "$build" ]; then \
        apt-get update; \
        apt-get install -y --no-install-recommends gcc g++ libc6-dev; \
        rm -rf /var/lib/apt/lists/*; \
        $pip -r "$build"; \
        $pip --no-deps --no-build-isolation -r "$lock"; \
    else \
        $pip --no-deps -r "$lock"; \
    fi; \
    find /opt/venv -type d -name tests -prune -exec rm -rf {} +

# The embedded default model, fitted by this runtime's own libraries on the bundled sample data
# (python -m training.default_model, as `make model` runs it), so the image serves out of the box.
# hadolint ignore=DL3006
FROM python-${AUTOAI_RUNTIME} AS default-model
ENV PATH=/opt/venv/bin:$PATH
COPY --from=venv /opt/venv /opt/venv
WORKDIR /opt/program
COPY handler/ handler/
COPY training/ training/
COPY pickle_facts/ pickle_facts/
COPY local-test/test-dir/input/data/training/demand_response.csv local-test/test-dir/input/data/training/
RUN python -m training.default_model --model-dir /opt/ml/model

# What the project adds to Multi Model Server (plugins/: /execution-parameters, the refusal of
# model downloads, and our response decoder and batch aggregator), compiled by the same script as
# `make plugin` against this runtime's multi-model-server jar.
# hadolint ignore=DL3006
FROM python-${AUTOAI_RUNTIME} AS plugin
# hadolint ignore=DL3008
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/program
COPY --from=venv /opt/venv/lib/python*/site-packages/mms/frontend/model-server.jar /tmp/
COPY tools/build-plugin.sh tools/
COPY plugins/ plugins/
RUN tools/build-plugin.sh /tmp/model-server.jar /opt/program/build/plugins

# hadolint ignore=DL3006
FROM python-${AUTOAI_RUNTIME}
ARG AUTOAI_RUNTIME
LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true \
      com.amazonaws.sagemaker.capabilities.multi-models=true \
      org.opencontainers.image.title="AutoAI pipelines on SageMaker" \
      org.opencontainers.image.description="Serve and train Watson Studio AutoAI pipelines, runtime ${AUTOAI_RUNTIME}"

# Multi Model Server's front end is Java; LightGBM (which lale imports for every search) needs
# the OpenMP runtime, libgomp1. Debian's security updates move the exact versions, so they are not
# pinned. The man directory works around the JRE's post-install on slim images.
# hadolint ignore=DL3008
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless libgomp1 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /usr/share/man/*

COPY --from=venv /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AUTOAI_RUNTIME=${AUTOAI_RUNTIME}

WORKDIR /opt/program
COPY entrypoint.py ./
COPY handler/ handler/
COPY training/ training/
COPY pickle_facts/ pickle_facts/
COPY --from=plugin /opt/program/build/plugins/ build/plugins/
COPY --from=default-model /opt/ml/model /opt/ml/model

EXPOSE 8080
ENTRYPOINT ["python", "/opt/program/entrypoint.py"]
CMD ["serve"]
