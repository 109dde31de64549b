# Shared steps of start.sh and test.sh: each makes sure one thing the project needs is there,
# installing it from the npm registry or Debian's packages when it is missing. Sourced, not run.

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
export TURBO_TELEMETRY_DISABLED=1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_install() {
  # apt-get update only once per run, and only when something must be installed.
  if [ -z "${CONFAB_APT_UPDATED:-}" ]; then as_root apt-get update -qq; CONFAB_APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_pnpm() {
  if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    echo "==> installing pnpm $PNPM_VERSION"
    npm install -g --silent "pnpm@$PNPM_VERSION"
  fi
}

ensure_dependencies() {
  ensure_pnpm
  echo "==> pnpm install"
  pnpm install --frozen-lockfile --reporter=silent
}

ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then return; fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Chromium (Debian package)"
    apt_install chromium
  fi
}

ensure_postgres() {
  # Tests take TEST_DATABASE_URL when given; otherwise the local server on 127.0.0.1:5432.
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "==> installing PostgreSQL (Debian package)"
    apt_install postgresql
    local hba
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    # A fresh cluster asks for passwords on TCP; the tests connect as postgres over loopback.
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "==> starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
}

ensure_redis() {
  if [ -n "${TEST_REDIS_URL:-}" ]; then return; fi
  if ! command -v redis-server >/dev/null; then
    echo "==> installing Redis (Debian package)"
    apt_install redis-server
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "==> starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

ensure_nginx() {
  # The reference deployment (deploy/nginx.conf) and its tests run nginx as a plain process
  # (`nginx -c CONF -p PREFIX -e LOG`, `daemon off;`): the package's own service is not started.
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "==> installing nginx (Debian package)"
    apt_install nginx
    # On a machine run by systemd the package starts its own service on port 80; we only ever
    # run nginx as our own process, so that service is stopped and left disabled.
    if [ -d /run/systemd/system ]; then as_root systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  fi
}

ensure_prometheus() {
  # The metrics proof (observability/prometheus.integration.test.ts) starts Prometheus as a plain
  # process on a free port with a private data directory: the package's service is not used.
  if ! command -v prometheus >/dev/null; then
    echo "==> installing Prometheus (Debian package)"
    apt_install --no-install-recommends prometheus
    if [ -d /run/systemd/system ]; then
      as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
  fi
}
