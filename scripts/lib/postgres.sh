# PostgreSQL 15 from Debian, in a cluster of its own on 127.0.0.1:54329 with trust auth for
# loopback. It never touches the system cluster on 5432.

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=54329
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

pg_answers() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

# Runs a PostgreSQL binary as the postgres user when we are root (initdb and postgres refuse root).
as_pg_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_postgres() {
  local how="already running"
  [[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL 15 binaries not found in $PG_BIN; install the postgresql package."
  if ! pg_answers; then
    local dir=$STATE_DIR/postgres data=$STATE_DIR/postgres/data logfile=$STATE_DIR/postgres/server.log
    mkdir -p "$dir/sock"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir" "$dir/sock"; fi
    if [[ ! -f $data/PG_VERSION ]]; then
      as_pg_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || {
        log_tail "$dir/initdb.log"
        die "initdb failed for $data (log: $dir/initdb.log). The postgres user must be able to reach that folder: every parent needs o+x."
      }
      how="initialised $data, "
    else
      how=""
    fi
    touch "$logfile"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$logfile"; fi
    # pg_ctl daemonises the server itself; -w waits until it accepts connections.
    as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $dir/sock" start >/dev/null 2>&1 9>&- || true
    pg_answers || {
      log_tail "$logfile"
      die "PostgreSQL did not start on 127.0.0.1:$PG_PORT (log: $logfile)."
    }
    how="${how}started, log $logfile"
  fi
  report postgres "ok $PG_URL ($how)"
}
