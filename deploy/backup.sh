#!/usr/bin/env bash
# Back up yiwang: the database (pg_dump, custom format) and the media files.
# Run nightly as the yiwang user with the production environment loaded, e.g.
# from deploy/systemd/yiwang-backup.timer. See docs/deployment.md "Backups".
#
#   deploy/backup.sh [DEST_DIR]
#
# DEST_DIR (default $YIWANG_BACKUP_DIR, else /var/backups/yiwang) receives
#   yiwang-<UTC stamp>.dump         the database; restore with pg_restore
#   media-<UTC stamp>.tar.gz        $YIWANG_MEDIA_ROOT (skipped on S3 storage)
# Files older than $YIWANG_BACKUP_KEEP_DAYS days (default 14) are deleted.
set -euo pipefail

DEST="${1:-${YIWANG_BACKUP_DIR:-/var/backups/yiwang}}"
KEEP_DAYS="${YIWANG_BACKUP_KEEP_DAYS:-14}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "backup.sh backs up PostgreSQL; DATABASE_URL is not a postgres:// URL" >&2; exit 1 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${YIWANG_VAR_DIR:-$ROOT/var}"
MEDIA_ROOT="${YIWANG_MEDIA_ROOT:-$VAR_DIR/media}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"

mkdir -p "$DEST"
umask 077

# Write under a temporary name, rename when complete: a half-written file
# never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges \
    --file "$DEST/.yiwang-$STAMP.dump.partial" "$DATABASE_URL"
mv "$DEST/.yiwang-$STAMP.dump.partial" "$DEST/yiwang-$STAMP.dump"
echo "database -> $DEST/yiwang-$STAMP.dump ($(du -h "$DEST/yiwang-$STAMP.dump" | cut -f1))"

if [[ -n "${YIWANG_S3_BUCKET:-}" ]]; then
    echo "media: on S3 bucket $YIWANG_S3_BUCKET, protect it with bucket versioning/replication"
elif [[ -d "$MEDIA_ROOT" ]]; then
    tar -C "$MEDIA_ROOT" -czf "$DEST/.media-$STAMP.tar.gz.partial" .
    mv "$DEST/.media-$STAMP.tar.gz.partial" "$DEST/media-$STAMP.tar.gz"
    echo "media    -> $DEST/media-$STAMP.tar.gz ($(du -h "$DEST/media-$STAMP.tar.gz" | cut -f1))"
else
    echo "media: $MEDIA_ROOT does not exist yet, nothing to copy"
fi

find "$DEST" -maxdepth 1 -type f \( -name 'yiwang-*.dump' -o -name 'media-*.tar.gz' \) \
    -mtime +"$KEEP_DAYS" -print -delete
