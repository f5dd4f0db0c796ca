# Spends Tracker's production image: gunicorn serving the app (and, through WhiteNoise, its static
# files) as an unprivileged user. The same image runs every service of compose.yaml (prepare,
# migrate, web, worker, scheduler) with a different command. See docs/deployment.md.
#
# The build downloads nothing but the base images and packages from the npm registry (the locked
# front-end libraries) and PyPI (the locked Python dependencies, each checked against its hash).

# --- Front-end libraries: pinned in package-lock.json, copied into static/vendor/ ----------------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
# No calls to the registry beyond the packages themselves (audit, funding, new-version checks).
ENV NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
COPY scripts/build_static.mjs scripts/
RUN npm ci --omit=dev && npm run build

# --- Python dependencies, installed into a virtual environment copied whole into the runtime ------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
# Exactly the locked versions (make lock writes the file), never a version range.
COPY requirements/runtime.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --require-hashes --requirement /tmp/requirements.txt

# --- Runtime -------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPENDS_DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000
# Tesseract reads receipts that have no text layer (docs/receipts.md), in English, German, French
# and Spanish.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr \
        tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 spends \
    && useradd --system --uid 10001 --gid spends --home-dir /app --no-create-home spends \
    && mkdir -p /data/uploads /data/backups \
    && chown -R spends:spends /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# The code belongs to root and is read-only for the app; only /data is writable.
COPY . /app
COPY --from=assets /src/static/vendor /app/static/vendor
# Settings create the uploads' scratch folder on import: give /data back to the app's user after.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q /app \
    && chown -R spends:spends /data
USER spends
EXPOSE 8000
# One volume for everything the app writes (uploads, and backups unless mounted apart), so that the
# whole of /data is writable on a read-only root file system.
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "spends_tracker.wsgi"]
