# syntax=docker/dockerfile:1
# Spends Tracker's production image: gunicorn serving the app (and, through WhiteNoise, its static
# files) as an unprivileged user. The same image runs every service of compose.yaml (migrate, web,
# worker, scheduler) with a different command. See docs/deployment.md.

# --- Front-end libraries: pinned in package-lock.json, copied into static/vendor/ ----------------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/build_static.mjs scripts/
RUN npm ci && npm run build

# --- Python dependencies, installed into a virtual environment copied whole into the runtime ------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY pyproject.toml /tmp/pyproject.toml
# Only the dependencies (not the dev extras, not the project itself): the code is copied as files.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && /opt/venv/bin/pip install --requirement /tmp/requirements.txt

# --- supercronic, a cron made for containers (the scheduler service), checked against its SHA-1 --
FROM debian:bookworm-slim AS supercronic
ARG TARGETARCH=amd64
ARG SUPERCRONIC_VERSION=v0.2.34
ARG SUPERCRONIC_SHA1_amd64=e8631edc1775000d119b70fd40339a7238eece14
ARG SUPERCRONIC_SHA1_arm64=4ab6343b52bf9da592e8b4bb7ae6eb5a8e21b71e
RUN apt-get update && apt-get install --yes --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
    case "$TARGETARCH" in \
      amd64) sum="$SUPERCRONIC_SHA1_amd64" ;; \
      arm64) sum="$SUPERCRONIC_SHA1_arm64" ;; \
      *) echo "no supercronic checksum for $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    curl --fail --silent --show-error --location --output /usr/local/bin/supercronic \
      "https://github.com/aptible/supercronic/releases/download/$SUPERCRONIC_VERSION/supercronic-linux-$TARGETARCH"; \
    echo "$sum  /usr/local/bin/supercronic" | sha1sum --check -; \
    chmod 0755 /usr/local/bin/supercronic

# --- Runtime -------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPENDS_DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000
RUN groupadd --system --gid 10001 spends \
    && useradd --system --uid 10001 --gid spends --home-dir /app --no-create-home spends \
    && mkdir -p /data/uploads /data/backups \
    && chown -R spends:spends /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=supercronic /usr/local/bin/supercronic /usr/local/bin/supercronic
# The code belongs to root and is read-only for the app; only /data is writable.
COPY . /app
COPY --from=assets /src/static/vendor /app/static/vendor
# Settings create the uploads' scratch folder on import: give /data back to the app's user after.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q /app \
    && chown -R spends:spends /data
USER spends
EXPOSE 8000
VOLUME ["/data/uploads", "/data/backups"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "spends_tracker.wsgi"]
