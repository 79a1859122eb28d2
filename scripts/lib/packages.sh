# Debian packages the tests need. Installs only what is missing, with one `apt-get update`.

TEST_ENV_PACKAGES=(docker.io docker-registry busybox-static chromium iptables iproute2 postgresql curl ca-certificates)

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ensure_packages() {
  local missing=() pkg
  for pkg in "${TEST_ENV_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    report packages "ok (${#TEST_ENV_PACKAGES[@]} present)"
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]}. Run this script as root so it can install them."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed; check the network or the apt sources."
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$STATE_DIR/apt.log" 2>&1 || {
    log_tail "$STATE_DIR/apt.log"
    die "apt-get install ${missing[*]} failed (full log: $STATE_DIR/apt.log)."
  }
  report packages "ok (installed ${missing[*]})"
}
