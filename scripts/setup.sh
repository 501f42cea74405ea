#!/usr/bin/env bash
# Installs what the platform needs on a fresh machine: npm packages, NATS (Debian's nats-server),
# and the MongoDB-wire dev server (mongo-java-server, built with Maven; see docs/adr/0001).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then as_root apt-get update -qq; apt_updated=true; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # npm install, not npm ci: this registry mirror omits non-Linux optional binaries, so the lockfile lacks them and npm ci refuses it.
  npm install --no-audit --no-fund --loglevel=error
fi

if [ -z "${NATS_URL:-}" ] && ! command -v nats-server >/dev/null 2>&1; then
  echo "setup: installing nats-server (Debian package)"
  apt_install nats-server
fi

if [ -z "${MONGO_URL:-}" ] && [ ! -f infra/mongo-server/target/mongo-dev-server.jar ]; then
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    echo "setup: installing Java 17 and Maven (Debian packages)"
    apt_install openjdk-17-jre-headless maven
  fi
  echo "setup: building the MongoDB-wire dev server (mongo-java-server)"
  mvn -q -B -f infra/mongo-server/pom.xml package -DskipTests
fi

# Debian's Chromium for the browser tests (scripts/browser, driven by puppeteer-core; no browser download).
if [ -z "${CHROMIUM_PATH:-}" ] && [ "${SKIP_BROWSER_INSTALL:-false}" != true ] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Chromium (Debian package) for the browser tests"
  apt_install chromium
fi
