# Mentorbot: `mentorbot serve` on a slim Python base, as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mentorbot ./mentorbot
COPY bot ./bot
COPY handlers ./handlers
COPY scheduling ./scheduling
COPY storage ./storage
COPY infra ./infra
COPY fakeslack ./fakeslack
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3000 \
    DATABASE_URL=sqlite+aiosqlite:////data/mentorbot.db
RUN useradd --create-home --uid 10001 mentorbot \
 && mkdir -p /data && chown mentorbot:mentorbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
USER mentorbot
WORKDIR /home/mentorbot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=4)"]
# Migrate, then serve. With several replicas, run `mentorbot db upgrade` once as a release step.
CMD ["sh", "-c", "mentorbot db upgrade && exec mentorbot serve"]
