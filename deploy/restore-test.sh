#!/usr/bin/env bash
# Prove a backup restores: load a dump into a scratch database, check that the
# schema matches this checkout's migrations and that the data is there, check
# the media archive, then drop the scratch database. Exits non-zero on any
# failure. Run it monthly and after every upgrade. See docs/deployment.md.
#
#   deploy/restore-test.sh yiwang-<stamp>.dump [media-<stamp>.tar.gz]
#
# The scratch database is created on the PostgreSQL named by the libpq
# variables PGHOST, PGPORT, PGUSER, PGPASSWORD (default: postgres on
# 127.0.0.1:5432); its name is $RESTORE_DB (default yiwang_restore_test).
set -euo pipefail

DUMP="${1:?usage: deploy/restore-test.sh DUMP [MEDIA_TAR]}"
MEDIA_TAR="${2:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${VENV:-$ROOT/.venv}/bin/python"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB="${RESTORE_DB:-yiwang_restore_test}"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

cleanup() { dropdb --if-exists "$DB"; }
trap cleanup EXIT

dropdb --if-exists "$DB"
createdb -E UTF8 -T template0 "$DB"
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DB" "$DUMP"
echo "restored $DUMP into $DB"

# The restored schema must be exactly what this checkout's migrations expect.
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" PYTHONPATH="$ROOT/src" \
    "$PYTHON" "$ROOT/manage.py" migrate --check --noinput >/dev/null
echo "migrations: all applied"

psql -d "$DB" -XtA -c "SELECT 'migrations recorded: ' || count(*) FROM django_migrations" \
    -c "SELECT 'users: ' || count(*) FROM identity_user"

if [[ -n "$MEDIA_TAR" ]]; then
    echo "media files: $(tar -tzf "$MEDIA_TAR" | grep -cv '/$' || true)"
fi
echo "restore test passed"
