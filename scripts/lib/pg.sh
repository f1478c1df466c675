# shellcheck shell=bash
# A throw-away PostgreSQL 15 cluster for the test suite.
#
#   source scripts/lib/pg.sh
#   pg_ensure_installed        # apt-get installs postgresql-15 if missing (root only)
#   pg_start                   # initdb + start on a free 127.0.0.1 port; sets PG_PORT, PG_TMPDIR
#   ...
#   pg_stop                    # stop the server and delete PG_TMPDIR (idempotent; call from a trap)
#
# The cluster lives in a fresh `mktemp -d` directory. PostgreSQL refuses to run as root, so when
# we are root the directory is chowned to the `postgres` user and every server-side command runs
# through `runuser -u postgres --`; otherwise everything runs as the current user. The server only
# ever touches that directory and the binaries, never the (root-owned) checkout.
#
# Settings favour speed over durability (fsync/synchronous_commit/full_page_writes off): a crash
# loses nothing we care about. bench/ must not use this cluster to measure commit rates.
# PG_DURABLE=1 before pg_start gives a durable cluster instead (fsync, synchronous_commit and
# full_page_writes on): for benchmarks, and for tests that crash the server and then count what
# was acknowledged (with synchronous_commit off, a COMMIT is answered before its WAL is written).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SUPERUSER=postgres           # name of the bootstrap superuser given to initdb
PG_DB_NAME=steelyard
PG_DB_USER=steelyard
PG_DB_PASSWORD=steelyard
PG_TMPDIR=""
PG_PORT=""

_pg_log() { echo "pg: $*" >&2; }

# _pg_as_owner OUTFILE CMD...: run a server-side command as the cluster's owner, from inside the
# cluster directory (the postgres user may not be able to read the caller's working directory,
# e.g. /root), with stdout and stderr sent to OUTFILE.
# The redirection is made inside the subshell on purpose: a signal trap of the calling script runs
# right after this returns, and would otherwise run with its output still going to OUTFILE.
_pg_as_owner() {
    local out="$1"
    shift
    if [[ $EUID -eq 0 ]]; then
        (cd "$PG_TMPDIR" && exec runuser -u postgres -- "$@" >"$out" 2>&1)
    else
        (cd "$PG_TMPDIR" && exec "$@" >"$out" 2>&1)
    fi
}

pg_ensure_installed() {
    if [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/postgres" && -x "$PG_BIN/psql" ]]; then
        return 0
    fi
    if [[ $EUID -ne 0 ]]; then
        _pg_log "PostgreSQL 15 not found in $PG_BIN; install it (sudo apt-get install -y postgresql-15)."
        return 1
    fi
    _pg_log "PostgreSQL 15 not found in $PG_BIN; installing postgresql-15 with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    # Install postgresql-common first and tell it not to create (and start) the default
    # "15/main" cluster on port 5432: we only want the binaries.
    (apt-get install -y -qq postgresql-common >/dev/null) || return 1
    if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
        sed -i -E 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
            /etc/postgresql-common/createcluster.conf || return 1
    fi
    (apt-get install -y -qq postgresql-15 >/dev/null) || return 1
    [[ -x "$PG_BIN/initdb" ]] || { _pg_log "postgresql-15 installed but $PG_BIN/initdb is missing"; return 1; }
}

_pg_free_port() {
    # Bind port 0 and report what the kernel picked. Another process may grab it before the
    # server binds it; pg_start retries with a new port if so.
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

pg_start() {
    local base="${TMPDIR:-/tmp}" attempt
    # When root, the postgres user must be able to reach the directory: a private $TMPDIR
    # (e.g. under /root) would not do, so use /tmp. Unix socket paths are also limited to
    # ~107 bytes, another reason to keep it short.
    if [[ $EUID -eq 0 || ${#base} -gt 60 ]]; then base=/tmp; fi
    PG_TMPDIR="$(mktemp -d "$base/steelyard-pg.XXXXXX")" || return 1
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { _pg_log "running as root but there is no 'postgres' user"; return 1; }
        chown postgres: "$PG_TMPDIR" || return 1
    fi

    # --no-sync: nothing to flush for a throw-away cluster. Locale C + UTF8: same collation on
    # every machine. The superuser is named postgres whoever runs it; trust auth throughout.
    if ! _pg_as_owner "$PG_TMPDIR/initdb.log" "$PG_BIN/initdb" -D "$PG_TMPDIR/data" \
        -U "$PG_SUPERUSER" -A trust -E UTF8 --locale=C --no-sync --no-instructions; then
        _pg_log "initdb failed:"; cat "$PG_TMPDIR/initdb.log" >&2
        return 1
    fi

    # Appending keeps the file's owner (postgres), even when we are root.
    cat >>"$PG_TMPDIR/data/postgresql.conf" <<CONF || return 1

# --- steelyard throw-away test cluster (scripts/lib/pg.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMPDIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
timezone = 'UTC'
lc_messages = 'C'
CONF
    if [[ "${PG_DURABLE:-0}" == 1 ]]; then
        printf '%s\n' "fsync = on" "synchronous_commit = on" "full_page_writes = on" \
            >>"$PG_TMPDIR/data/postgresql.conf" || return 1
    fi

    for attempt in 1 2 3 4 5; do
        PG_PORT="$(_pg_free_port)" || return 1
        # -w waits until the server accepts connections. The port is given on the command line
        # so a retry just picks another one.
        if _pg_as_owner /dev/null "$PG_BIN/pg_ctl" -D "$PG_TMPDIR/data" -l "$PG_TMPDIR/server.log" \
            -o "-p $PG_PORT" -w -t 60 start; then
            break
        fi
        if grep -q 'could not bind\|Address already in use' "$PG_TMPDIR/server.log" 2>/dev/null \
            && [[ $attempt -lt 5 ]]; then
            _pg_log "port $PG_PORT was taken; retrying with another"
            continue
        fi
        _pg_log "server failed to start; its log:"; cat "$PG_TMPDIR/server.log" >&2 2>/dev/null
        return 1
    done

    # Role and database for the app. Two -c's: CREATE DATABASE cannot run inside the implicit
    # transaction of a multi-statement -c. CREATEDB lets fixtures make per-test databases.
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_TMPDIR" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres \
        -c "CREATE ROLE $PG_DB_USER LOGIN CREATEDB PASSWORD '$PG_DB_PASSWORD'" \
        -c "CREATE DATABASE $PG_DB_NAME OWNER $PG_DB_USER" || return 1
}

# Is pid "$1" still our postmaster? (Matching its command line guards against a recycled pid;
# a zombie has an empty one, and counts as gone.)
_pg_is_running() {
    [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$PG_TMPDIR/data"
}

# Stop the server (if any) and delete the directory. Never fails; safe to call more than once.
pg_stop() {
    [[ -n "$PG_TMPDIR" && -d "$PG_TMPDIR" ]] || { PG_TMPDIR=""; return 0; }
    local pid="" i
    if [[ -f "$PG_TMPDIR/data/postmaster.pid" ]]; then
        pid="$(head -n 1 "$PG_TMPDIR/data/postmaster.pid" 2>/dev/null)" || pid=""
        # immediate: no shutdown checkpoint; the data is thrown away anyway.
        _pg_as_owner /dev/null "$PG_BIN/pg_ctl" -D "$PG_TMPDIR/data" -m immediate -w -t 30 stop || true
        # pg_ctl returns once the pid file is gone, a moment before the process has exited: wait
        # for that, and kill it if pg_ctl could not stop it, before deleting its directory.
        for ((i = 0; i < 50; i++)); do _pg_is_running "$pid" || break; sleep 0.1; done
        if _pg_is_running "$pid"; then
            _pg_log "server $pid did not stop; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf -- "$PG_TMPDIR" || true
    PG_TMPDIR=""
}
