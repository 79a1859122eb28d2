# Debian's Chromium, which Playwright drives through executablePath (no browser download).

ensure_chromium() {
  CHROMIUM_PATH=$(command -v chromium || true)
  [[ -n $CHROMIUM_PATH ]] || die "chromium not found; install the chromium package."
  local version
  # Debian's wrapper script prints a harmless shell warning on stderr; keep only the version line.
  version=$("$CHROMIUM_PATH" --version 2>/dev/null | head -n1 || true)
  report chromium "ok $CHROMIUM_PATH (${version:-version unknown})"
}
