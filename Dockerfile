# orderdesk's image: the web process (`orderdesk serve`) and the worker (`orderdesk worker`)
# both run from it (compose.yaml; docs/deploy.md, "Containers").
#
# Two stages: `build` installs exactly what requirements.lock pins (hash-checked, the same
# lock file `make install` uses) and then orderdesk itself into /opt/venv; `runtime` copies
# that virtual environment onto a clean base, collects the static files (WhiteNoise serves
# them from the image) and runs as an unprivileged user.
#
#   docker build -t orderdesk .
#   scripts/container_smoke.sh        # build, start compose.yaml, check it serves, stop

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
RUN python -m venv /opt/venv
# The dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes -r requirements.lock
# Then orderdesk itself (no dependencies: the lock file already installed them).
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install --no-deps .

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=orderdesk.config.settings \
    ORDERDESK_HOME=/opt/orderdesk \
    ORDERDESK_VAR=/var/lib/orderdesk \
    ORDERDESK_BIND=0.0.0.0:8000
RUN groupadd --system --gid 10001 orderdesk \
    && useradd --system --uid 10001 --gid orderdesk --no-create-home \
       --home-dir /var/lib/orderdesk --shell /usr/sbin/nologin orderdesk \
    && install -d -o orderdesk -g orderdesk -m 0750 /var/lib/orderdesk /opt/orderdesk
COPY --from=build /opt/venv /opt/venv
# Static files are part of the release (hashed names + manifest, pre-compressed). The
# throwaway key only lets the production settings load; nothing signed here is kept.
RUN ORDERDESK_PROFILE=production ALLOWED_HOSTS=build.invalid \
    SECRET_KEY="collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz" \
    orderdesk collectstatic --noinput --verbosity 0 \
    && chown -R orderdesk:orderdesk /var/lib/orderdesk
USER 10001:10001
WORKDIR /var/lib/orderdesk
EXPOSE 8000
# Readiness (docs/deploy.md §7): the database answers and every migration is applied.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/api/v1/ready', timeout=4)"]
# SIGTERM reaches gunicorn's master (serve execs it): in-flight requests finish.
STOPSIGNAL SIGTERM
CMD ["orderdesk", "serve"]
