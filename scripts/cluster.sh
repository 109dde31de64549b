#!/usr/bin/env bash
# Starts a local Confab cluster with one command: NODES API processes (default 3) on PostgreSQL
# (database confab_cluster) and Redis, behind nginx from deploy/nginx.conf, serving the web app.
# Prints the URL; Ctrl-C (or SIGTERM) stops everything it started.
#
#   NODES=3 PORT=8080 bash scripts/cluster.sh
#
# DATABASE_URL and REDIS_URL may point elsewhere; by default the local servers (installed and
# started when missing, as for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

NODES=${NODES:-3}
PORT=${PORT:-8080}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/confab_cluster}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
if ! [[ "$NODES" =~ ^[1-9][0-9]?$ ]]; then echo "NODES must be 1 to 99" >&2; exit 1; fi

ensure_dependencies
ensure_postgres
ensure_redis
ensure_nginx

echo "==> building the web app and the API"
pnpm exec turbo run build --filter=@confab/api... --output-logs=errors-only

# The database the processes share: created once, kept between runs (like ./data for start.sh).
if [[ "$DATABASE_URL" == postgres://postgres@127.0.0.1:5432/confab_cluster ]]; then
  exists=$(psql -h 127.0.0.1 -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'confab_cluster'")
  if [ "$exists" != 1 ]; then
    echo "==> creating the PostgreSQL database confab_cluster"
    createdb -h 127.0.0.1 -U postgres confab_cluster
  fi
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/confab-cluster.XXXXXX")
# nginx's workers (run as `nobody` when started as root) must be able to enter it.
chmod 755 "$run"
mkdir -p "$run/logs" "$run/temp"
pids=()

stop_all() {
  local status=$1
  trap - INT TERM EXIT
  echo
  echo "==> stopping nginx and the API processes"
  # SIGTERM: nginx stops at once; each API process drains and exits.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Stopped on purpose (Ctrl-C, SIGTERM): nothing to keep. Otherwise the logs say what failed.
  if [ "$status" = 130 ] || [ "$status" = 143 ]; then rm -rf "$run"; else echo "logs kept in $run/logs" >&2; fi
}
trap 'stop_all $?' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
    console.log(s.address().port); s.close(); })"
}

# Waits (bounded) until a log says the process listens, or fails when the process is gone.
await_line() {
  local pid=$1 log=$2 line=$3
  for _ in $(seq 1 600); do
    grep -q "$line" "$log" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; return 1; fi
    sleep 0.1
  done
  echo "not ready after 60 s: $log" >&2
  return 1
}

upstreams=()
for i in $(seq 1 "$NODES"); do
  port=$(free_port)
  log="$run/logs/node-$i.log"
  # One at a time: the first one runs the database migrations. The settings are those of
  # deploy/confab.env, for plain HTTP on this machine.
  PORT=$port HOST=127.0.0.1 DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL TRUST_PROXY=true \
    CONNECTION_LIMITS='{"maxConnectionsPerAddress":1000000}' SECURE_COOKIES=false \
    node apps/api/dist/main.js >"$log" 2>&1 &
  pids+=("$!")
  await_line "$!" "$log" "Confab is running at"
  echo "    node $i: 127.0.0.1:$port (log: $log)"
  upstreams+=("127.0.0.1:$port")
done

# deploy/nginx.conf with its placeholders filled, by the rules of packages/server/src/__tests__/nginx.ts:
# on lines that are not comments, {{listen}} is the address and the {{upstream}} line is repeated.
awk -v listen="127.0.0.1:$PORT" -v upstreams="${upstreams[*]}" '
  /^[[:space:]]*#/ { print; next }
  /\{\{upstream\}\}/ {
    n = split(upstreams, list, " ")
    for (i = 1; i <= n; i++) { line = $0; gsub(/\{\{upstream\}\}/, list[i], line); print line }
    next
  }
  { gsub(/\{\{listen\}\}/, listen); print }
' deploy/nginx.conf >"$run/nginx.conf"

nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$run/nginx.conf" -p "$run/" -e "$run/logs/nginx-startup.log" -g 'daemon off;' \
  >"$run/logs/nginx.out" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  if ! kill -0 "$nginx_pid" 2>/dev/null; then
    cat "$run/logs/nginx-startup.log" "$run/logs/nginx.out" >&2
    exit 1
  fi
  sleep 0.1
done

echo
echo "Confab cluster is running at http://127.0.0.1:$PORT  ($NODES processes behind nginx;" \
  "PostgreSQL ${DATABASE_URL##*/}, Redis $REDIS_URL; logs in $run/logs). Ctrl-C stops it."
# Runs until Ctrl-C, or until a process ends by itself (then everything stops).
wait -n "${pids[@]}" || true
echo "a process of the cluster exited; see $run/logs" >&2
exit 1
