# The Docker engine on the default socket. Started only when the socket does not answer.

DOCKER_SOCKET=/var/run/docker.sock

docker_answers() {
  docker -H "unix://$DOCKER_SOCKET" info >/dev/null 2>&1
}

ensure_dockerd() {
  local how="already running"
  if ! docker_answers; then
    [[ $(id -u) -eq 0 ]] || die "the Docker engine at $DOCKER_SOCKET does not answer. Start it, or run this script as root."
    command -v dockerd >/dev/null || die "dockerd not found; install the docker.io package."
    local pidfile=$STATE_DIR/dockerd.pid logfile=$STATE_DIR/dockerd.log
    if pidfile_alive "$pidfile"; then
      how="was starting: pid $(<"$pidfile")"
    else
      start_daemon "$pidfile" "$logfile" dockerd --host "unix://$DOCKER_SOCKET"
      how="started: pid $(<"$pidfile"), log $logfile"
    fi
    wait_for_daemon 60 "$pidfile" docker_answers || {
      log_tail "$logfile"
      die "dockerd exited or did not answer on $DOCKER_SOCKET within 60 s (log: $logfile)."
    }
  fi
  local version
  version=$(docker -H "unix://$DOCKER_SOCKET" version --format '{{.Server.Version}}' 2>/dev/null || echo '?')
  report dockerd "ok $version on $DOCKER_SOCKET ($how)"
}
