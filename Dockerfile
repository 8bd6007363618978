# animation-bot: the Mattermost and Tchap bot of beta.gouv.fr's équipe d'animation.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /app --no-create-home bot

# Every dependency from the lock, each checked against its hash (README, « Dependencies »);
# then the bot itself, with nothing more fetched.
COPY requirements/main.txt ./requirements/main.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/main.txt
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && mkdir -p /app/state && chown bot:bot /app/state

# The registry and the beta.gouv.fr snapshot ship with the image; mount a newer
# data/ over them to update the registry without rebuilding (it reloads by itself).
COPY data ./data

USER 10001:10001
# /app/state holds the SQLite database and, on Tchap, the bot's session and encryption
# keys (losing them means a new device, unable to read earlier messages): a volume, so
# that a new container finds them, and `animation-bot backup` copies them (README, « Backups »).
ENV ANIMATION_DATABASE_URL=sqlite:////app/state/animation.db \
    ANIMATION_MATRIX_STORE=/app/state/matrix
VOLUME ["/app/state"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["animation-bot", "serve", "--host", "0.0.0.0", "--port", "8000"]
