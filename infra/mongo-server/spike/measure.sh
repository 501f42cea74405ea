#!/usr/bin/env bash
# Measures one candidate dev server: startup time, RSS, the spike checks, and persistence across a restart.
#
#   infra/mongo-server/spike/measure.sh NAME PORT DATA_DIR -- server command and args...
#
# The server command must listen on 127.0.0.1:PORT and keep its data under DATA_DIR (which is wiped first),
# and must stay in the foreground (it is started with exec, so its pid is the server's pid).
# Env passed through to spike.cjs: SPIKE_TTL_WAIT_S, SPIKE_PERF_N. NODE_PATH must let node find mongoose
# (not needed inside the repo once root node_modules is installed).
set -euo pipefail

name=$1 port=$2 data=$3
shift 3
[[ ${1:-} == -- ]] && shift
here=$(cd "$(dirname "$0")" && pwd)
out=${SPIKE_OUT:-/tmp/mongo-spike-$name}
mkdir -p "$out"
rm -rf "$data"
mkdir -p "$data"
url="mongodb://127.0.0.1:$port/spike"
pid=

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
cleanup() { if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi; }
trap cleanup EXIT

start_server() { # sets pid and startup_ms
  local t0
  t0=$(now_ms)
  (exec "$@") >"$out/server-$LOG.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      startup_ms=$(( $(now_ms) - t0 ))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "server exited, see $out/server-$LOG.log" >&2; return 1; }
    sleep 0.01
  done
  echo "server did not open port $port within 30 s" >&2
  return 1
}

stop_server() { # sets shutdown_ms
  local t0
  t0=$(now_ms)
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
  shutdown_ms=$(( $(now_ms) - t0 ))
}

LOG=run1
start_server "$@"
startup1=$startup_ms
sleep 1
rss_idle=$(rss_kb "$pid" VmRSS)
echo "[$name] startup ${startup1} ms (port accepting), idle RSS $((rss_idle / 1024)) MiB"

set +e
MONGO_URL=$url SPIKE_JSON=$out/all.json node "$here/spike.cjs" | tee "$out/spike-all.log"
MONGO_URL=$url SPIKE_MODE=persist-write SPIKE_STATE_FILE=$out/state.json node "$here/spike.cjs" | tee "$out/spike-persist-write.log"
set -e
rss_after=$(rss_kb "$pid" VmRSS)
rss_peak=$(rss_kb "$pid" VmHWM)
echo "[$name] RSS after spike $((rss_after / 1024)) MiB, peak $((rss_peak / 1024)) MiB"

stop_server
shutdown1=$shutdown_ms
echo "[$name] SIGTERM shutdown ${shutdown1} ms"

LOG=run2
start_server "$@"
startup2=$startup_ms
echo "[$name] restart startup ${startup2} ms"
set +e
MONGO_URL=$url SPIKE_MODE=persist-check SPIKE_STATE_FILE=$out/state.json node "$here/spike.cjs" | tee "$out/spike-persist-check.log"
set -e
stop_server
du -sh "$data" | awk -v n="$name" '{print "[" n "] data dir size " $1}'
echo "[$name] summary: startup=${startup1}ms restart=${startup2}ms idleRSS=$((rss_idle / 1024))MiB afterRSS=$((rss_after / 1024))MiB peakRSS=$((rss_peak / 1024))MiB shutdown=${shutdown1}ms"
