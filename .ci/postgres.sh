#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the history tests (eval/nightly/store.py).
#
#   eval "$(bash .ci/postgres.sh)"    start it (idempotent) and export TADQIQ_TEST_PG_URL
#   bash .ci/postgres.sh --stop       stop it and delete its data directory
#
# Installs Debian's `postgresql` package when no server binaries are found (needs root),
# creates a cluster in $TADQIQ_PG_DIR (default /tmp/tadqiq-pg) owned by the `postgres`
# user, listens on 127.0.0.1:$TADQIQ_PG_PORT (default 55432) and on a socket in that
# directory only, and creates the role and database `tadqiq` (password `tadqiq`).
# Safe to run twice: a running server is reused, an existing role or database is kept.
# Only the export line goes to stdout; everything else goes to stderr.
set -euo pipefail

PGDIR="${TADQIQ_PG_DIR:-/tmp/tadqiq-pg}"
PORT="${TADQIQ_PG_PORT:-55432}"
DATA="$PGDIR/data"
LOG="$PGDIR/server.log"
MARKER="$PGDIR/.tadqiq-throwaway-postgres"
NAME=tadqiq       # role, password and database
URL="postgresql://$NAME:$NAME@127.0.0.1:$PORT/$NAME"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
}

case "${1:-}" in
    "" | --start) action=start ;;
    --stop) action=stop ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown option: $1" ;;
esac

is_root() { [ "$(id -u)" -eq 0 ]; }

# The newest installed server's bin directory (Debian keeps one per major version).
find_bindir() {
    local dir best=""
    while read -r dir; do
        [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && best="$dir"
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
    if [ -z "$best" ] && command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    echo "$best"
}

# Run a command as the cluster's owner: `postgres` when we are root (initdb refuses root),
# ourselves otherwise. Runs from / so that the owner need not read our working directory.
as_owner() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

running() {
    [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

BIN="$(find_bindir)"

if [ "$action" = stop ]; then
    if [ -n "$BIN" ] && [ -d "$DATA" ] && running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    fi
    if [ -d "$PGDIR" ]; then
        [ -f "$MARKER" ] || die "$PGDIR was not made by this script; not deleting it"
        rm -rf -- "$PGDIR"
        say "stopped; deleted $PGDIR"
    else
        say "nothing to stop ($PGDIR does not exist)"
    fi
    exit 0
fi

# --- install the server binaries if they are missing -------------------------------------
if [ -z "$BIN" ]; then
    is_root || die "PostgreSQL server binaries not found; install Debian's 'postgresql' package (as root) or run this script as root"
    say "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(find_bindir)"
    [ -n "$BIN" ] || die "apt-get installed postgresql but no pg_ctl/initdb was found under /usr/lib/postgresql"
fi
if is_root && ! id -u postgres >/dev/null 2>&1; then
    say "creating the system user postgres"
    useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# --- the cluster -------------------------------------------------------------------------
if [ -e "$PGDIR" ] && [ ! -f "$MARKER" ]; then
    die "$PGDIR exists and was not made by this script; set TADQIQ_PG_DIR to another directory"
fi
mkdir -p "$PGDIR"
touch "$MARKER"
if is_root; then
    chown postgres: "$PGDIR" "$MARKER"
fi
chmod 0700 "$PGDIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
    # A half-made data directory (an interrupted initdb) is discarded.
    rm -rf -- "$DATA"
    say "initdb $DATA ($("$BIN/postgres" --version))"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --encoding=UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
fi

if running; then
    say "server already running ($DATA)"
else
    # Throwaway data: durability settings off for speed.
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { tail -n 20 "$LOG" >&2 || true; die "could not start PostgreSQL (is port $PORT taken?)"; }
fi

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PORT" -U postgres -d postgres "$@"
}

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$NAME'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $NAME LOGIN PASSWORD '$NAME'" >&2
fi
# Make sure the password is what the URL says even if someone changed it.
psql_admin -c "ALTER ROLE $NAME LOGIN PASSWORD '$NAME'" >&2
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$NAME'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $NAME OWNER $NAME" >&2
fi

# Check what the tests will do: a password login over TCP.
PGPASSWORD="$NAME" "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$NAME" -d "$NAME" -tAc "SELECT 1" >/dev/null \
    || die "the server runs but $NAME cannot log in over TCP on 127.0.0.1:$PORT"

say "PostgreSQL ready on 127.0.0.1:$PORT (data in $DATA, log in $LOG; stop with: bash $0 --stop)"
echo "export TADQIQ_TEST_PG_URL=$URL"
