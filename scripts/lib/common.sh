# Shared helpers for the test environment scripts. Sourced, never run directly.

# One line per component: "name      status detail".
report() {
  printf '%-10s %s\n' "$1" "$2"
}

die() {
  printf 'test-env: %s\n' "$*" >&2
  exit 1
}

# Prints the last lines of a log so a failure explains itself without another command.
log_tail() {
  local file=$1
  if [[ -f $file ]]; then
    printf -- '--- last lines of %s ---\n' "$file" >&2
    tail -n 30 "$file" >&2
  fi
}

# Polls a command until it succeeds or the deadline (seconds) passes.
wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Like wait_until, but gives up at once when the daemon in the pid file has died.
wait_for_daemon() {
  local seconds=$1 pidfile=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    pidfile_alive "$pidfile" || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# True when the pid file names a live process.
pidfile_alive() {
  local file=$1 pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# Starts a long-lived daemon detached from this shell (own session), so it outlives the script
# and any process group that ran it. Writes its pid to the pid file.
start_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  # 9>&- : the daemon must not inherit the setup lock, or it would hold it for its whole life.
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  echo $! >"$pidfile"
}

# Minimal JSON string escaping for the values we write (paths, URLs, image references).
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
