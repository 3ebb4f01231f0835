#!/usr/bin/env bash
# Validates the compose stack without a Docker engine (none runs on our machines; see README "Full stack").
#
#   compose/validate.sh           static checks, then a live check against a real kurir and Prometheus
#   compose/validate.sh --static  static checks only
#   compose/validate.sh --build   also rehearse the image's build stage: the Dockerfile's context (sources
#                                 only, per Dockerfile.dockerignore) built offline with the Dockerfile's command
#
# Static: promtool check config / check rules / test rules (every alert firing and not firing), amtool
# check-config when amtool is installed, the compose file through `docker compose config` (or Debian's
# docker-compose 1.29) for every profile (check_stack.py compose: grace periods, limits, log rotation, health
# checks, ...), the Dockerfile against the build command of ./kurir, and the dashboards and datasources
# (check_stack.py static). Why each compose setting is what it is: docs/compose.md.
# Live: starts its own kurir (bootstrap/target/kurir.jar, with the OpenTelemetry agent when it was built) on the
# local PostgreSQL and RabbitMQ, in a database and a vhost of its own, a PostgreSQL exporter on that database, and
# its own Prometheus scraping them (and RabbitMQ's rabbitmq_prometheus endpoint) every 2 s with the stack's rules;
# places orders, provokes a FAILED outbox row (a queue policy that refuses messages), a FAILED inbox row, a
# duplicate and a dead letter, runs the `load` profile's generator (compose/load/load.sh) for a few seconds;
# then runs every dashboard expression and checks the alerts' states (check_stack.py live).
#
# Exit status: 0 all good; 1 a check failed; 3 a prerequisite is missing (the message says which).
# Needs: java 21+, python3 with PyYAML, promtool + prometheus (Debian: prometheus), docker-compose (Debian) or
# the docker compose plugin, curl; live: psql/createdb/dropdb, rabbitmqctl/rabbitmq-plugins and
# prometheus-postgres-exporter (Debian) on the PATH, a
# PostgreSQL on 127.0.0.1:5432 and a RabbitMQ on 127.0.0.1:5672 (user guest). If the rabbitmq_prometheus
# plugin is not enabled, it is enabled (it only adds a listener on :15692); set
# KURIR_VALIDATE_RABBITMQ_PROMETHEUS=skip to leave the broker alone and skip the RabbitMQ dashboard instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
compose_dir=compose

mode=live
build=false
for arg in "$@"; do
  case "$arg" in
    --static) mode=static ;;
    --build) build=true ;;
    *) echo "usage: compose/validate.sh [--static] [--build]" >&2; exit 2 ;;
  esac
done

if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac_bin="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

work=$(mktemp -d -t kurir-compose-validate.XXXXXX)
pids=()
database=""
vhost=""
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$database" ]; then
    dropdb -h 127.0.0.1 -U "$pg_user" --if-exists --force "$database" >/dev/null 2>&1 || true
  fi
  if [ -n "$vhost" ]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do  # the broker may be restarting
      rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 && break
      if vhosts=$(rabbitmqctl -q list_vhosts 2>/dev/null) && ! grep -qxF "$vhost" <<<"$vhosts"; then break; fi
      sleep 2
    done
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/kurir.log" ]; then
    echo "--- last lines of kurir's log ---" >&2
    tail -n 30 "$work/kurir.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
missing() { echo "PREREQUISITE MISSING: $*" >&2; exit 3; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- tools
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || missing "python3 with PyYAML (apt-get install python3-yaml)"
command -v promtool >/dev/null 2>&1 || missing "promtool (apt-get install --no-install-recommends prometheus)"
command -v curl >/dev/null 2>&1 || missing "curl"
command -v "$java_bin" >/dev/null 2>&1 || missing "java (set JAVA_HOME)"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  missing "docker compose or docker-compose (apt-get install --no-install-recommends docker-compose)"
fi
check=("$python" "$compose_dir/validation/check_stack.py")

# -------------------------------------------------------------------------------------- static checks
step "Prometheus configuration (promtool $(promtool --version 2>&1 | head -n 1 | awk '{print $3}'))"
# The compose file mounts the rules at /etc/prometheus/rules; point the copy at the repository's. A Prometheus 2
# (Debian's) does not know the Prometheus 3 setting always_scrape_classic_histograms: dropped from its copy
# (check_stack.py static checks it is set).
promtool_major=$(promtool --version 2>&1 | head -n 1 | awk '{print $3}' | cut -d. -f1)
sed "s#/etc/prometheus/rules/#$root/$compose_dir/prometheus/rules/#" "$compose_dir/prometheus/prometheus.yml" \
  | if [ "${promtool_major:-3}" -lt 3 ]; then grep -v '^ *always_scrape_classic_histograms:'; else cat; fi \
  > "$work/prometheus-check.yml"
promtool check config "$work/prometheus-check.yml"
promtool check rules "$compose_dir"/prometheus/rules/*.yml
promtool test rules "$compose_dir"/prometheus/tests/*.yml

step "Alertmanager configuration"
if command -v amtool >/dev/null 2>&1; then
  amtool check-config "$compose_dir/alertmanager/alertmanager.yml"
else
  echo "amtool not installed (Debian: prometheus-alertmanager): alertmanager.yml parsed as YAML only"
  "$python" -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1])); assert c["route"]["receiver"] in [r["name"] for r in c["receivers"]]' \
    "$compose_dir/alertmanager/alertmanager.yml"
fi

step "Compose file (${compose[*]} config)"
"${compose[@]}" -f "$compose_dir/compose.yaml" config > "$work/compose-default.yml"
"${compose[@]}" -f "$compose_dir/compose.yaml" --profile split --profile load config > "$work/compose-all.yml"
"${check[@]}" compose "$compose_dir" "$work/compose-default.yml" "$work/compose-all.yml"

step "Dockerfile"
# The image must build what the tests use: the same wrapper command as ./kurir, then the same two jars.
build_command=$(grep -o '\./mvnw -B -q -DskipTests package' kurir | head -n 1)
[ -n "$build_command" ] || fail "no ./mvnw build command found in ./kurir"
grep -qF "$build_command" "$compose_dir/Dockerfile" || fail "compose/Dockerfile does not run '$build_command'"
grep -q 'bootstrap/target/kurir.jar' "$compose_dir/Dockerfile" || fail "compose/Dockerfile does not ship bootstrap/target/kurir.jar"
grep -q 'opentelemetry-javaagent.jar' "$compose_dir/Dockerfile" || fail "compose/Dockerfile does not ship the agent"
grep -Eq '^USER +[a-z]' "$compose_dir/Dockerfile" || fail "compose/Dockerfile does not switch to a non-root user"
grep -q '^HEALTHCHECK ' "$compose_dir/Dockerfile" || fail "compose/Dockerfile has no HEALTHCHECK"
if grep -E '^FROM ' "$compose_dir/Dockerfile" | grep -Evq ':[0-9]+\.[0-9]+\.[0-9]+_[0-9]+-(jdk|jre)-[a-z]+( |$)'; then
  fail "compose/Dockerfile: a base image is not pinned to an exact version"
fi
grep -q 'otel-env.sh' "$compose_dir/Dockerfile" || fail "compose/Dockerfile does not ship otel-env.sh"
# A plain `docker run` (no database configured) runs the embedded PostgreSQL under KURIR_DATA_DIR: it must name a
# directory the image creates for its user, since the default (~/.kurir, the home /app) is root's.
data_dir=$(grep -oE 'KURIR_DATA_DIR=/[A-Za-z0-9/_-]+' "$compose_dir/Dockerfile" | head -n 1 | cut -d= -f2 || true)
run_user=$(grep -E '^USER +' "$compose_dir/Dockerfile" | tail -n 1 | awk '{print $2}')
[ -n "$data_dir" ] || fail "compose/Dockerfile sets no KURIR_DATA_DIR: kurir's embedded PostgreSQL would write to its read-only home"
grep -qE "mkdir -p $data_dir( |$).*chown $run_user $data_dir|chown $run_user $data_dir" "$compose_dir/Dockerfile" \
  || fail "compose/Dockerfile: KURIR_DATA_DIR=$data_dir is not a directory created for $run_user"
for script in kurir/entrypoint.sh load/load.sh; do
  [ -x "$compose_dir/$script" ] || fail "compose/$script is not executable"
  sh -n "$compose_dir/$script"
done
sh -n bootstrap/src/main/agent/otel-env.sh
"$javac_bin" --release 21 -d "$work/healthcheck" "$compose_dir/kurir/HealthCheck.java"
"$javac_bin" --release 21 -d "$work/load" bench/src/LoadGen.java bench/src/Load.java "$compose_dir/load/SeedItems.java"
echo "build command '$build_command' as in ./kurir; kurir.jar, the agent and otel-env.sh shipped; non-root;"
echo "KURIR_DATA_DIR=$data_dir owned by $run_user; the health check and the load generator compile"

step "Dashboards and datasources"
"${check[@]}" static "$compose_dir"

if [ "$build" = true ]; then
  step "Image build stage, rehearsed: the Docker build context built offline with the Dockerfile's command"
  mkdir -p "$work/context"
  # compose/Dockerfile.dockerignore: .git .idea *.iml *.log **/target
  tar -C "$root" --exclude=./.git --exclude=./.idea --exclude='*.iml' --exclude='*.log' --exclude='target' \
    -cf - . | tar -C "$work/context" -xf -
  (cd "$work/context" && ./mvnw -B -q -o -DskipTests package)
  for jar in kurir.jar opentelemetry-javaagent.jar; do
    [ -s "$work/context/bootstrap/target/$jar" ] || fail "the build stage would not produce bootstrap/target/$jar"
  done
  echo "the context builds bootstrap/target/kurir.jar and opentelemetry-javaagent.jar"
fi

if [ "$mode" = static ]; then
  step "static checks passed"
  exit 0
fi

# ----------------------------------------------------------------------------------------- live check
step "Live check: prerequisites"
jar=bootstrap/target/kurir.jar
agent=bootstrap/target/opentelemetry-javaagent.jar
[ -s "$jar" ] || missing "$jar (build it: ./mvnw -B -q -DskipTests package)"
prometheus_bin=$(command -v prometheus || true)
[ -n "$prometheus_bin" ] || missing "prometheus (apt-get install --no-install-recommends prometheus)"
for tool in createdb dropdb pg_isready rabbitmqctl rabbitmq-plugins; do
  command -v "$tool" >/dev/null 2>&1 || missing "$tool"
done
postgres_exporter=$(command -v prometheus-postgres-exporter || command -v postgres_exporter || true)
[ -n "$postgres_exporter" ] || missing "prometheus-postgres-exporter (apt-get install --no-install-recommends prometheus-postgres-exporter)"
pg_user=${KURIR_TEST_DB_USER:-postgres}
pg_isready -h 127.0.0.1 -p 5432 -q || missing "PostgreSQL on 127.0.0.1:5432"
rabbitmqctl -q status >/dev/null 2>&1 || missing "RabbitMQ (rabbitmqctl status fails)"

rabbit_metrics=127.0.0.1:15692
skip_rabbitmq=()
if ! curl -sf -o /dev/null "http://$rabbit_metrics/metrics"; then
  if [ "${KURIR_VALIDATE_RABBITMQ_PROMETHEUS:-enable}" = skip ]; then
    echo "WARNING: rabbitmq_prometheus is not enabled; the RabbitMQ dashboard is NOT validated"
    skip_rabbitmq=(--skip-rabbitmq)
  else
    echo "enabling the rabbitmq_prometheus plugin on the local broker (adds a listener on :15692)"
    rabbitmq-plugins enable rabbitmq_prometheus >/dev/null
    for _ in $(seq 1 30); do curl -sf -o /dev/null "http://$rabbit_metrics/metrics" && break; sleep 1; done
    curl -sf -o /dev/null "http://$rabbit_metrics/metrics" || fail "rabbitmq_prometheus does not answer on $rabbit_metrics"
  fi
fi

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
api_port=$(free_port)
management_port=$(free_port)
prometheus_port=$(free_port)
exporter_port=$(free_port)
while [ "$management_port" = "$api_port" ]; do management_port=$(free_port); done
while [ "$prometheus_port" = "$api_port" ] || [ "$prometheus_port" = "$management_port" ]; do prometheus_port=$(free_port); done
while [ "$exporter_port" = "$api_port" ] || [ "$exporter_port" = "$management_port" ] || \
      [ "$exporter_port" = "$prometheus_port" ]; do exporter_port=$(free_port); done

suffix="$$_$(date +%s)"
database="kurir_compose_validate_$suffix"
createdb -h 127.0.0.1 -U "$pg_user" "$database"
vhost="kurir-compose-validate-$suffix"
rabbitmqctl -q add_vhost "$vhost" >/dev/null
rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
amqp_uri="amqp://guest:guest@127.0.0.1:5672/$vhost"
echo "database $database, vhost $vhost, kurir :$api_port/:$management_port, prometheus :$prometheus_port," \
  "postgres exporter :$exporter_port"

step "Live check: kurir and Prometheus"
# Started by the image's entrypoint, as in a container: the agent attached (it exports nothing here, no
# collector is named, but its sampled spans give the exemplars and the logs' trace_id), OTEL_* defaults.
agent_state=on
expect_exemplars=(--expect-exemplars)
if [ ! -s "$agent" ] || [ "${KURIR_OTEL_AGENT:-on}" = off ]; then
  agent_state=off
  expect_exemplars=()
fi
env -u OTEL_SERVICE_NAME -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_TRACES_EXPORTER \
    APP_DIR="$root/bootstrap/target" PATH="${JAVA_HOME:+$JAVA_HOME/bin:}$PATH" KURIR_OTEL_AGENT="$agent_state" \
    KURIR_DB_URL="jdbc:postgresql://127.0.0.1:5432/$database" KURIR_DB_USER="$pg_user" \
    KURIR_AMQP_URI="$amqp_uri" KURIR_HTTP_HOST=127.0.0.1 KURIR_HTTP_PORT="$api_port" \
    KURIR_MANAGEMENT_PORT="$management_port" KURIR_MAX_RETRIES=1 KURIR_RETRY_BACKOFF=100ms \
    KURIR_ENVIRONMENT=validate KURIR_LOG_FORMAT=json \
    "$compose_dir/kurir/entrypoint.sh" > "$work/kurir.log" 2>&1 &
pids+=($!)
kurir_pid=$!

# The compose stack's postgres-exporter, here Debian's on the validation's database.
DATA_SOURCE_NAME="postgresql://$pg_user@127.0.0.1:5432/$database?sslmode=disable" \
  "$postgres_exporter" --web.listen-address="127.0.0.1:$exporter_port" > "$work/postgres-exporter.log" 2>&1 &
pids+=($!)

rabbitmq_target=()
if [ ${#skip_rabbitmq[@]} -eq 0 ]; then rabbitmq_target=(--rabbitmq "$rabbit_metrics"); fi
"${check[@]}" prometheus-config "$compose_dir" "$work/prometheus.yml" --kurir-port "$management_port" \
  --prometheus-port "$prometheus_port" --postgres "127.0.0.1:$exporter_port" \
  ${rabbitmq_target[@]+"${rabbitmq_target[@]}"}
promtool check config "$work/prometheus.yml" >/dev/null
"$prometheus_bin" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prometheus_port" --enable-feature=exemplar-storage \
  > "$work/prometheus.log" 2>&1 &
pids+=($!)

mgmt="http://127.0.0.1:$management_port"
api="http://127.0.0.1:$api_port"
prom="http://127.0.0.1:$prometheus_port"
for _ in $(seq 1 90); do
  curl -sf -o /dev/null "$mgmt/health/ready" && break
  kill -0 "$kurir_pid" 2>/dev/null || fail "kurir exited during start-up"
  sleep 1
done
curl -sf -o /dev/null "$mgmt/health/ready" || fail "kurir is not ready after 90 s"
for _ in $(seq 1 30); do curl -sf -o /dev/null "$prom/-/ready" && break; sleep 1; done
curl -sf -o /dev/null "$prom/-/ready" || { cat "$work/prometheus.log" >&2; fail "prometheus is not ready"; }
echo "kurir ready (compose/kurir/entrypoint.sh, OpenTelemetry agent $agent_state); prometheus ready"

metric() { # metric NAME_AND_LABELS -> the sum of the matching samples on kurir's /metrics
  curl -sf "$mgmt/metrics" | awk -v want="$1" 'index($0, want) == 1 { sum += $NF } END { print sum + 0 }'
}
await_metric() { # await_metric NAME_AND_LABELS MINIMUM WHAT
  for _ in $(seq 1 60); do
    awk -v v="$(metric "$1")" -v min="$2" 'BEGIN { exit !(v >= min) }' && return 0
    sleep 0.5
  done
  fail "$3: $1 stayed below $2"
}
post() { curl -s -o /dev/null -w '%{http_code}' -X POST "$api$1" -H 'Content-Type: application/json' -d "$2"; }
order() { curl -sf -X POST "$api/api/orders" -H 'Content-Type: application/json' \
  -d "{\"customerId\":\"cust-validate\",\"items\":[{\"sku\":\"$1\",\"quantity\":$2}]}" | \
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["orderId"])'; }

step "Live check: load"
[ "$(post /api/items '{"sku":"VAL-1","name":"Widget","price":"2.50","stock":1000}')" = 201 ] || fail "POST /api/items"
[ "$(post /api/items '{"sku":"VAL-2","name":"Rare","price":"99.00","stock":1}')" = 201 ] || fail "POST /api/items"
orders=()
for _ in $(seq 1 20); do orders+=("$(order VAL-1 1)"); done
for _ in $(seq 1 3); do orders+=("$(order VAL-2 5)"); done          # more than the stock: REJECTED
for id in "${orders[@]}"; do curl -sf -o /dev/null "$api/api/orders/$id"; done
curl -sf -o /dev/null "$api/api/orders?status=CONFIRMED&limit=10"
curl -sf -o /dev/null "$api/api/items/VAL-1"
curl -s -o /dev/null "$api/api/orders/00000000-0000-0000-0000-000000000000"   # 404
curl -s -o /dev/null "$api/no-such-route"                                      # 404, route "unmatched"
[ "$(post /api/orders '{"customerId":"c","items":[{"sku":"NOPE","quantity":1}]}')" = 422 ] || fail "422 expected"
[ "$(post /api/orders '{not json')" = 400 ] || fail "400 expected"
await_metric 'kurir_inbox_processed_total{event_type="stock.reserved",module="orders"}' 20 "orders confirmed"
await_metric 'kurir_inbox_processed_total{event_type="stock.rejected",module="orders"}' 3 "orders rejected"
echo "23 orders placed: 20 CONFIRMED, 3 REJECTED; 4xx answers; an unmatched route"

step "Live check: failures on purpose"
# The broker refuses order.* messages: order.created is nacked, retried once (KURIR_MAX_RETRIES=1), then FAILED.
probe() {
  "$java_bin" -cp "$jar" "$compose_dir/validation/AmqpProbe.java" "$amqp_uri" "$@" >> "$work/probe.log" 2>&1 \
    || { cat "$work/probe.log" >&2; fail "AmqpProbe $*"; }
}
probe refuse
order VAL-1 1 >/dev/null
order VAL-1 1 >/dev/null
await_metric 'kurir_outbox_failed_rows{module="orders"}' 2 "outbox rows FAILED after nacks"
probe accept
# An unknown order's stock.reserved (FAILED at once), the same message again (duplicate), one without a
# message id (dead-lettered).
probe messages
await_metric 'kurir_inbox_failed_rows{module="orders"}' 1 "inbox row FAILED"
await_metric 'kurir_inbox_duplicates_total{event_type="stock.reserved",module="orders"}' 1 "duplicate dropped"
for _ in $(seq 1 5); do order VAL-1 1 >/dev/null; done
await_metric 'kurir_inbox_processed_total{event_type="stock.reserved",module="orders"}' 25 "orders confirmed again"
echo "2 outbox rows FAILED (nacked), 1 inbox row FAILED, 1 duplicate, 1 dead letter; then 5 more orders"

step "Live check: the load profile's generator (compose/load/load.sh), one round of 3 s at 20 orders/s"
LOAD_URL="$api" LOAD_RATE=20 LOAD_SECONDS=3 LOAD_ROUNDS=1 LOAD_SKUS=5 LOAD_CONNECTIONS=4 LOAD_CLASSES="$work/load" \
  PATH="${JAVA_HOME:+$JAVA_HOME/bin:}$PATH" "$compose_dir/load/load.sh" > "$work/load.log" 2>&1 \
  || { cat "$work/load.log" >&2; fail "compose/load/load.sh"; }
grep -E '^(round|items|http_201=|http_other|http_p99)' "$work/load.log" || true
sleep 5   # a few more scrapes (every 2 s) and rule evaluations

step "Live check: kurir's log lines carry what Alloy extracts (level, service, trace_id)"
"$python" - "$work/kurir.log" "$agent_state" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
records = [json.loads(l) for l in lines]
bad = [r for r in records if not r.get("level") or r.get("service") != "kurir"]
traced = [r for r in records if len(r.get("trace_id", "")) == 32]
print(f"{len(records)} JSON lines, {len(traced)} with a trace_id; levels {sorted({r.get('level') for r in records})}")
if not records or bad:
    sys.exit(f"lines without level or service=kurir: {bad[:3]}")
if sys.argv[2] == "on" and not traced:
    sys.exit("no log line with a trace_id although the agent was attached")
PY

step "Live check: every dashboard expression, the variables, the alerts, the exemplars"
"${check[@]}" live "$compose_dir" --prometheus "$prom" --service localhost --vhost "$vhost" --database "$database" \
  ${skip_rabbitmq[@]+"${skip_rabbitmq[@]}"} ${expect_exemplars[@]+"${expect_exemplars[@]}"}

step "compose/validate.sh: all checks passed"
