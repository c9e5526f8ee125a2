#!/usr/bin/env bash
# Smoke test of the e2e images named in images.env: start each with
# `docker run -d -P` (random host ports, as Testcontainers does), check it from
# the host through the mapped port, print timings, and remove every container
# it started (trap on EXIT).
#
# Usage: e2e/images/smoke.sh [redis] [clickhouse] [kafka] [kafka4] [all]
#        (default: redis clickhouse kafka)
# Works with the offline twinflow/* images and with the official ones
# (TWINFLOW_*_IMAGE=redis:7 ... see images.env), as long as they are present.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=images.env
source "$HERE/images.env"

READY_TIMEOUT="${SMOKE_READY_TIMEOUT:-120}"   # seconds, per service

STARTED=()
TMPD="$(mktemp -d)"
cleanup() {
  local rc=$?
  local c
  for c in "${STARTED[@]}"; do
    docker rm -f -v "$c" >/dev/null 2>&1 || true
  done
  [ "${#STARTED[@]}" -eq 0 ] || echo "[smoke] removed ${#STARTED[@]} container(s)" >&2
  rm -rf "$TMPD"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
T_START=$(now_ms)
since() { awk -v d="$(( $(now_ms) - $1 ))" 'BEGIN { printf "%.1fs", d / 1000 }'; }
log() { echo "[smoke $(date +%H:%M:%S)] $*" >&2; }
fail() { echo "[smoke] FAIL: $*" >&2; exit 1; }
declare -a RESULTS=()
result() { RESULTS+=("$(printf '%-12s %-36s %s' "$1" "$2" "$3")"); }

need_image() {
  docker image inspect "$1" >/dev/null 2>&1 \
    || fail "image $1 is missing: run e2e/images/build-images.sh (or pull it where a registry is reachable)"
}

# run_container IMAGE [docker-run args...] [-- CMD...]: sets CID (not run in a
# subshell, so that STARTED keeps every id for the EXIT trap).
CID=""
run_container() {
  local image="$1"; shift
  local -a opts=() cmd=()
  while [ "$#" -gt 0 ]; do
    if [ "$1" = -- ]; then shift; cmd=("$@"); break; fi
    opts+=("$1"); shift
  done
  CID="$(docker run -d -P ${opts[@]+"${opts[@]}"} "$image" ${cmd[@]+"${cmd[@]}"})" || fail "docker run $image failed"
  STARTED+=("$CID")
}

host_port() { # host_port CONTAINER PORT -> mapped IPv4 host port
  docker port "$1" "$2/tcp" | sed -n 's/^0\.0\.0\.0:\([0-9]*\)$/\1/p' | head -n1
}

published_port() { # published_port CONTAINER PORT IMAGE -> mapped host port, or fails saying why
  local p; p="$(host_port "$1" "$2" 2>/dev/null)" || true
  [ -n "$p" ] || fail "$3 publishes no port $2 (docker run -P needs EXPOSE $2)"
  echo "$p"
}

dump_logs() { echo "----- docker logs $1 (last 40 lines) -----" >&2; docker logs --tail 40 "$1" >&2 2>&1 || true; }

wait_log() { # wait_log CONTAINER REGEX TIMEOUT
  local c="$1" re="$2" to="$3" t0=$SECONDS
  until docker logs "$c" 2>&1 | grep -Eq "$re"; do
    if [ "$(docker inspect -f '{{.State.Running}}' "$c")" != true ]; then dump_logs "$c"; fail "container exited while waiting for /$re/"; fi
    (( SECONDS - t0 < to )) || { dump_logs "$c"; fail "no log line matching /$re/ within ${to}s"; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------
redis_cmd() { # redis_cmd PORT CMD... -> raw reply
  local port="$1"; shift
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$port" "$@"
  else
    # inline command over bash /dev/tcp; QUIT makes the server close the socket
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf '%s\r\nQUIT\r\n' "$*" >&3
    timeout 5 cat <&3 | tr -d '\r' | sed '$d'
    exec 3>&- 3<&-
  fi
}

smoke_redis() {
  local image="$TWINFLOW_REDIS_IMAGE" t0 c port out
  need_image "$image"
  log "redis: $image"
  t0=$(now_ms)
  run_container "$image"; c="$CID"
  port="$(published_port "$c" 6379 "$image")"
  local t_wait=$SECONDS
  until out="$(redis_cmd "$port" PING 2>/dev/null)" && [[ "$out" == *PONG* ]]; do
    (( SECONDS - t_wait < READY_TIMEOUT )) || { dump_logs "$c"; fail "redis did not answer PING on 127.0.0.1:$port"; }
    sleep 0.1
  done
  local ready; ready="$(since "$t0")"
  log "redis: PING -> $out on 127.0.0.1:$port after $ready ($(command -v redis-cli >/dev/null && echo redis-cli || echo /dev/tcp))"
  redis_cmd "$port" SET smoke ok >/dev/null
  [[ "$(redis_cmd "$port" GET smoke)" == *ok* ]] || fail "redis GET smoke"
  result redis "$image" "PONG, ready in $ready"

  # AOF variant: extra args after the image, as tests will pass them
  t0=$(now_ms)
  run_container "$image" -- redis-server --appendonly yes; c="$CID"
  port="$(published_port "$c" 6379 "$image")"
  t_wait=$SECONDS
  until out="$(redis_cmd "$port" CONFIG GET appendonly 2>/dev/null)" && [[ "$out" == *appendonly* ]]; do
    (( SECONDS - t_wait < READY_TIMEOUT )) || { dump_logs "$c"; fail "redis (AOF) did not answer"; }
    sleep 0.1
  done
  [[ "$out" == *yes* ]] || fail "redis started with --appendonly yes reports: $out"
  log "redis: 'redis-server --appendonly yes' -> appendonly=yes after $(since "$t0")"
  result redis-aof "$image" "appendonly=yes, ready in $(since "$t0")"
}

# ---------------------------------------------------------------------------
smoke_clickhouse() {
  local image="$TWINFLOW_CLICKHOUSE_IMAGE" t0 c port out
  need_image "$image"
  log "clickhouse: $image"
  t0=$(now_ms)
  run_container "$image"; c="$CID"
  port="$(published_port "$c" 8123 "$image")"
  local t_wait=$SECONDS
  until [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null)" = "Ok." ]; do
    (( SECONDS - t_wait < READY_TIMEOUT )) || { dump_logs "$c"; fail "clickhouse HTTP did not answer 'Ok.' on 127.0.0.1:$port"; }
    sleep 0.2
  done
  local ready; ready="$(since "$t0")"
  out="$(curl -fsS --max-time 10 --data-binary 'SELECT version()' "http://127.0.0.1:$port/")" || fail "clickhouse SELECT version()"
  local version="$out"
  log "clickhouse: SELECT version() -> $version (HTTP 127.0.0.1:$port, ready after $ready)"
  local addr
  addr="$(curl -fsS --max-time 10 --data-binary "SELECT address FROM system.processes WHERE query LIKE '%smoke-addr%' FORMAT TSV" "http://127.0.0.1:$port/?query_id=smoke-addr" | head -n1)"
  log "clickhouse: user 'default' without password connected from $addr"
  curl -fsS --max-time 10 --data-binary 'CREATE TABLE smoke (d Date, x UInt32) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY x' "http://127.0.0.1:$port/" >/dev/null \
    || fail "clickhouse CREATE TABLE (data dir not writable?)"
  curl -fsS --max-time 10 --data-binary "INSERT INTO smoke VALUES ('2024-01-01', 1), ('2024-02-01', 2)" "http://127.0.0.1:$port/" >/dev/null || fail "clickhouse INSERT"
  out="$(curl -fsS --max-time 10 --data-binary 'SELECT count(), sum(x) FROM smoke FORMAT TSV' "http://127.0.0.1:$port/")" || fail "clickhouse SELECT"
  [ "$out" = "$(printf '2\t3')" ] || fail "clickhouse MergeTree round trip returned '$out'"
  result clickhouse "$image" "version $version, ready in $ready"
}

# ---------------------------------------------------------------------------
# Kafka, started the way a Testcontainers GenericContainer would (see README):
# the command waits for a starter script, which sets the advertised listener to
# the mapped host port and execs /etc/kafka/docker/run.
smoke_kafka() {
  local label="$1" image="$2" t0 c port hostname
  need_image "$image"
  log "$label: $image"
  t0=$(now_ms)
  run_container "$image" \
        -e CLUSTER_ID=4L6g3nShT-eMCtK--X86sw \
        -e KAFKA_NODE_ID=1 \
        -e KAFKA_PROCESS_ROLES=broker,controller \
        -e KAFKA_LISTENERS=PLAINTEXT://:9092,BROKER://:9093,CONTROLLER://:9094 \
        -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT \
        -e KAFKA_INTER_BROKER_LISTENER_NAME=BROKER \
        -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
        -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9094 \
        -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 \
        -e KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1 \
        -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 \
        -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 \
        -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 \
        -- sh -c 'echo "Waiting for script..."; while [ ! -f /tmp/testcontainers_start.ready ]; do sleep 0.1; done; exec bash /tmp/testcontainers_start.sh'
  c="$CID"
  wait_log "$c" 'Waiting for script' 30
  port="$(published_port "$c" 9092 "$image")"
  hostname="$(docker inspect -f '{{.Config.Hostname}}' "$c")"
  printf '#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:%s,BROKER://%s:9093\nexec /etc/kafka/docker/run\n' \
    "$port" "$hostname" >"$TMPD/testcontainers_start.sh"
  chmod 0755 "$TMPD/testcontainers_start.sh"
  : >"$TMPD/testcontainers_start.ready"
  # one archive, script first, then the flag the command waits for
  tar -C "$TMPD" -c testcontainers_start.sh testcontainers_start.ready | docker cp - "$c:/tmp/"
  log "$label: starter script copied (advertised PLAINTEXT://127.0.0.1:$port), waiting for the broker"
  wait_log "$c" 'Transitioning from RECOVERY to RUNNING|Kafka Server started' "$READY_TIMEOUT"
  local ready; ready="$(since "$t0")"
  local ver; ver="$(docker exec "$c" sh -c 'cat /opt/kafka/VERSION 2>/dev/null || ls /opt/kafka/libs | sed -n "s/^kafka-clients-\(.*\)\.jar$/\1/p"' | head -n1)"
  log "$label: Kafka $ver running after $ready"

  # inside the container, through the BROKER listener (hostname:9093)
  local t1; t1=$(now_ms)
  docker exec "$c" /opt/kafka/bin/kafka-topics.sh --bootstrap-server "localhost:9093" \
    --create --topic smoke --partitions 1 --replication-factor 1 >/dev/null || { dump_logs "$c"; fail "$label: kafka-topics --create"; }
  docker exec "$c" /opt/kafka/bin/kafka-topics.sh --bootstrap-server "localhost:9093" --list | grep -qx smoke \
    || fail "$label: topic 'smoke' not listed"
  log "$label: created and listed topic 'smoke' inside the container in $(since "$t1")"

  # from the host network, through the mapped port (what a test on the host does)
  t1=$(now_ms)
  local msg="hello-$RANDOM"
  echo "$msg" | docker run --rm -i --network host --entrypoint /opt/kafka/bin/kafka-console-producer.sh "$image" \
      --bootstrap-server "127.0.0.1:$port" --topic smoke >/dev/null || fail "$label: console producer via 127.0.0.1:$port"
  local got
  got="$(docker run --rm --network host --entrypoint /opt/kafka/bin/kafka-console-consumer.sh "$image" \
      --bootstrap-server "127.0.0.1:$port" --topic smoke --from-beginning --max-messages 1 --timeout-ms 30000 2>/dev/null)" || true
  [ "$got" = "$msg" ] || { dump_logs "$c"; fail "$label: consumed '$got', expected '$msg' (advertised listener broken?)"; }
  log "$label: produced and consumed '$msg' from the host via 127.0.0.1:$port in $(since "$t1")"
  result "$label" "$image" "Kafka $ver, ready in $ready"
}

# ---------------------------------------------------------------------------
targets=()
for a in "$@"; do
  case "$a" in
    redis|clickhouse|kafka|kafka4) targets+=("$a") ;;
    all) targets+=(redis clickhouse kafka kafka4) ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) fail "unknown target '$a' (redis clickhouse kafka kafka4 all)" ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(redis clickhouse kafka)

docker info >/dev/null 2>&1 || fail "docker does not answer: run e2e/images/setup-docker.sh"

for t in "${targets[@]}"; do
  ts=$(now_ms)
  case "$t" in
    redis) smoke_redis ;;
    clickhouse) smoke_clickhouse ;;
    kafka) smoke_kafka kafka "$TWINFLOW_KAFKA_IMAGE" ;;
    kafka4) smoke_kafka kafka4 "$TWINFLOW_KAFKA4_IMAGE" ;;
  esac
  log "$t: OK in $(since "$ts")"
done

echo
echo "service      image                                result"
printf '%s\n' "${RESULTS[@]}"
echo "smoke: all OK in $(since "$T_START")"
