# Debian's docker-registry (distribution 2.x) on 127.0.0.1:5000, with its own config and storage
# so it never touches a system registry's data.

REGISTRY_ADDR=127.0.0.1:5000

registry_answers() {
  curl -fsS --max-time 2 "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1
}

write_registry_config() {
  local config=$1 storage=$2
  mkdir -p "$storage"
  cat >"$config" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
YAML
}

ensure_registry() {
  local how="already running"
  if ! registry_answers; then
    command -v docker-registry >/dev/null || die "docker-registry not found; install the docker-registry package."
    local config=$STATE_DIR/registry/config.yml pidfile=$STATE_DIR/registry.pid logfile=$STATE_DIR/registry.log
    mkdir -p "$STATE_DIR/registry"
    write_registry_config "$config" "$STATE_DIR/registry/data"
    if pidfile_alive "$pidfile"; then
      how="was starting: pid $(<"$pidfile")"
    else
      start_daemon "$pidfile" "$logfile" docker-registry serve "$config"
      how="started: pid $(<"$pidfile"), log $logfile"
    fi
    wait_for_daemon 20 "$pidfile" registry_answers || {
      log_tail "$logfile"
      die "the registry exited or did not answer on http://$REGISTRY_ADDR/v2/ within 20 s. Is another program on port 5000? (log: $logfile)"
    }
  fi
  report registry "ok http://$REGISTRY_ADDR ($how)"
}
