#!/usr/bin/env bash
# Starts (or stops) a local 3-node nats-server cluster with JetStream on loopback, for running several
# Portcullis frontends and actor hosts on one machine against replicated (R3) buckets and streams.
#
#   deploy/scripts/start-nats-cluster.sh [start|stop|status]
#
# Environment: NATS_CLUSTER_DIR (default ./var/nats-cluster), NATS_BASE_PORT (4222: clients on 4222-4224),
# NATS_CLUSTER_BASE_PORT (6222), NATS_MONITOR_BASE_PORT (8222). Prints the PORTCULLIS_NATS_URL to use.
set -euo pipefail

dir="${NATS_CLUSTER_DIR:-./var/nats-cluster}"
base="${NATS_BASE_PORT:-4222}"
cbase="${NATS_CLUSTER_BASE_PORT:-6222}"
mbase="${NATS_MONITOR_BASE_PORT:-8222}"
nodes=3
cmd="${1:-start}"

urls() {
  local out=""
  for i in $(seq 0 $((nodes - 1))); do out="${out:+$out,}nats://127.0.0.1:$((base + i))"; done
  echo "$out"
}

stop() {
  for i in $(seq 1 "$nodes"); do
    local pidfile="$dir/n$i.pid"
    if [[ -f "$pidfile" ]]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  echo "nats cluster stopped"
}

status() {
  for i in $(seq 1 "$nodes"); do
    local pidfile="$dir/n$i.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "n$i running (pid $(cat "$pidfile"))"; else echo "n$i stopped"; fi
  done
}

start() {
  command -v nats-server >/dev/null || { echo "nats-server is not installed (apt-get install -y nats-server)" >&2; exit 1; }
  mkdir -p "$dir"
  local routes=""
  for i in $(seq 0 $((nodes - 1))); do routes="$routes    nats-route://127.0.0.1:$((cbase + i))"$'\n'; done
  for i in $(seq 1 "$nodes"); do
    local pidfile="$dir/n$i.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "n$i already running"; continue; fi
    mkdir -p "$dir/n$i"
    cat >"$dir/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:$((base + i - 1))
http: 127.0.0.1:$((mbase + i - 1))
jetstream {
  store_dir: "$dir/n$i"
}
cluster {
  name: portcullis
  listen: 127.0.0.1:$((cbase + i - 1))
  routes: [
$routes  ]
}
CONF
    nats-server -c "$dir/n$i.conf" -l "$dir/n$i.log" &
    echo $! >"$pidfile"
  done
  # Ready when a node reports a JetStream meta leader.
  for _ in $(seq 1 200); do
    for i in $(seq 0 $((nodes - 1))); do
      if curl -fsS "http://127.0.0.1:$((mbase + i))/jsz" 2>/dev/null | grep -q '"leader"'; then
        echo "nats cluster ready (3 nodes, JetStream meta leader elected)"
        echo "export PORTCULLIS_NATS_URL=$(urls) PORTCULLIS_REPLICAS=3"
        return 0
      fi
    done
    sleep 0.1
  done
  echo "no JetStream meta leader after 20 s; see $dir/n*.log" >&2
  exit 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
