# syntax=docker/dockerfile:1
#
# timeline-api image: a wheel built in one stage, installed into a venv, and
# only that venv (no compiler, no sources, no tests) copied into the runtime.
#
#   docker build -t timeline-api .
#   docker run -p 8000:8000 -v timeline-data:/data timeline-api
#   docker run --rm timeline-api resolve --date 2023-06-05 "two days later"
#
# On a network, run it behind nginx as docker-compose.yml does (docs/deployment.md):
# gunicorn alone lets a few dozen clients that stall mid-request hold all its threads.
#
# The entrypoint is the `timeline-api` CLI; the default command migrates the
# database (DATABASE_URL) and then execs gunicorn (PID 1 is gunicorn, so
# SIGTERM from `docker stop` reaches it and it shuts down gracefully).

ARG PYTHON_IMAGE=python:3.11-slim

# ------------------------------------------------------------------ builder
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
RUN python -m venv /opt/venv

# Dependencies first, from pyproject.toml alone, so that editing the code
# does not reinstall them (this layer is cached until pyproject.toml changes).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt

# Then the package itself, as a wheel (package data included: rules, gazetteers, migrations).
COPY README.md LICENSE ./
COPY timeline_api ./timeline_api
RUN /opt/venv/bin/pip wheel --no-deps --wheel-dir /tmp/wheels . \
    && /opt/venv/bin/pip install --no-deps /tmp/wheels/timeline_api-*.whl \
    && /opt/venv/bin/timeline-api --help > /dev/null

# ------------------------------------------------------------------ runtime
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="timeline-api" \
      org.opencontainers.image.description="Dated events from news articles, served as ordered timelines." \
      org.opencontainers.image.licenses="MIT"

# An unprivileged user owning only the data volume.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Nothing else to copy: the Alembic scripts and the gunicorn settings ship in the package.

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////data/timeline.db

USER app
VOLUME ["/data"]
EXPOSE 8000

# /healthz answers while the process is up; slim has no curl, python does it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["timeline-api"]
# `serve` runs `alembic upgrade head` on DATABASE_URL, then execs gunicorn
# (settings: timeline_api/gunicorn_conf.py; WEB_CONCURRENCY sets the workers).
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
