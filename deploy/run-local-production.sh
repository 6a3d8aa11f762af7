#!/usr/bin/env bash
# Start yiwang as it runs in production, on this machine: PostgreSQL, gunicorn
# with several workers, whitenoise serving collected static files, DEBUG off.
#
#   make prod-local                   # or: ./deploy/run-local-production.sh
#   PORT=9000 GUNICORN_WORKERS=3 ./deploy/run-local-production.sh
#   ./deploy/run-local-production.sh manage load_demo --force
#                                     # any manage.py command in the same environment
#
# It creates the database (default "yiwang") on the local PostgreSQL if it is
# missing, keeps a generated secret key in var/prod-secret-key, migrates,
# collects static files and runs gunicorn in the foreground (Ctrl-C stops it).
# Plain http on 127.0.0.1, so secure cookies and the https redirect are off.
# See docs/deployment.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${VENV:-$ROOT/.venv}"
PYTHON="$VENV/bin/python"
GUNICORN="$VENV/bin/gunicorn"
if [[ ! -x "$PYTHON" || ! -x "$GUNICORN" ]]; then
    echo "No virtualenv with gunicorn at $VENV: run 'make setup' first." >&2
    exit 1
fi

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
DB_NAME="${YIWANG_LOCAL_DB:-yiwang}"
export PGHOST PGPORT PGUSER

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    echo "PostgreSQL is not answering on $PGHOST:$PGPORT." >&2
    exit 1
fi
if [[ -z "$(psql -d postgres -XtAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
    echo "Creating database $DB_NAME on $PGHOST:$PGPORT"
    createdb -E UTF8 -T template0 "$DB_NAME"
fi

mkdir -p var
SECRET_FILE="var/prod-secret-key"
if [[ ! -s "$SECRET_FILE" ]]; then
    (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$SECRET_FILE")
fi

export PYTHONPATH="$ROOT/src"
export DJANGO_SETTINGS_MODULE=yiwang.settings
export YIWANG_ENV=production
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
export YIWANG_DB_CONN_MAX_AGE="${YIWANG_DB_CONN_MAX_AGE:-60}"
YIWANG_SECRET_KEY="$(cat "$SECRET_FILE")"
export YIWANG_SECRET_KEY
export YIWANG_ALLOWED_HOSTS=127.0.0.1,localhost
export YIWANG_SSL_REDIRECT=false
export YIWANG_SECURE_COOKIES=false
export PORT="${PORT:-8000}"

"$PYTHON" manage.py migrate --noinput

if [[ "${1:-}" == "manage" ]]; then
    shift
    exec "$PYTHON" manage.py "$@"
fi

"$PYTHON" manage.py collectstatic --noinput --verbosity 0

echo
echo "  yiwang (production mode) on http://127.0.0.1:$PORT/   database: $DATABASE_URL"
echo "  probes: http://127.0.0.1:$PORT/healthz  http://127.0.0.1:$PORT/readyz"
if "$PYTHON" manage.py help load_demo >/dev/null 2>&1; then
    echo "  demo city (once): ./deploy/run-local-production.sh manage load_demo --force"
else
    echo "  (no load_demo command in this checkout yet: the database starts empty)"
fi
echo

exec "$GUNICORN" -c deploy/gunicorn.conf.py
