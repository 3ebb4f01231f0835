#!/usr/bin/env bash
# kurir's benchmark against the machine's own limits (issue 7). One command:
#
#   bench/run.sh              # the whole benchmark once: limits, saga throughput and latency with and without the
#                             # agent, backlog drain, memory, start-up; prints the table, writes docs/performance.md
#   bench/run.sh --runs 2     # the whole benchmark twice in a row (this machine is noisy): both tables in the doc
#   bench/run.sh --only agent,drain   # some phases only (pgbench,perftest,raw,agent,noagent,warmstart,drain,capacity,
#                                     # queues)
#   bench/run.sh --smoke      # ~10 s saga run only (no pgbench/PerfTest/raw saga/drain); exits non-zero if the saga
#                             # does not work; writes bench/target/smoke.md, never the doc
#
# It uses the local PostgreSQL (127.0.0.1:5432, user postgres, trust) and RabbitMQ (127.0.0.1:5672, guest/guest,
# rabbitmqctl on the PATH), each phase in a scratch database and vhost named kurir_bench_<run id>_*, and removes
# them, and every process it started (by pid), on exit. kurir runs from bootstrap/target/kurir.jar (built first when
# missing or older than the sources, as ./kurir does; --no-build skips that) with the OpenTelemetry agent from
# bootstrap/target/opentelemetry-javaagent.jar, exporting every trace over OTLP/HTTP to a local sink.
#
# Knobs (environment): BENCH_SAGA_SECONDS (60), BENCH_OVERLOAD_RATE (the capacity phase's offered rate; 1.5 x the best sustained rate of the run, or 480), BENCH_LATENCY_RATE (100), BENCH_LATENCY_SECONDS (60),
# KURIR_AOT_CACHE (off, as ./kurir starts kurir; on: every kurir starts with the JVM's AOT cache, recorded once per
# invocation as docs/configuration.md records one),
# BENCH_DRAIN_ROWS (100000), BENCH_LIMIT_SECONDS (15), BENCH_STEP_SECONDS (8), KURIR_ENV (extra KURIR_* settings for
# every kurir started, e.g. "KURIR_OUTBOX_BATCH_SIZE=200 KURIR_DB_POOL_SIZE=16"), BENCH_KURIR_JAR / BENCH_AGENT_JAR
# (another jar than bootstrap/target's), BENCH_JFR=1 (record a JFR profile of each kurir's sustained run into the
# work directory, with jcmd JFR.start/JFR.stop; without Jdbi's own JFR event jdbi.statement, which every recording
# would otherwise enable, and which took 6 % of kurir's samples: finding 23), BENCH_WAIT_QUIET=SECONDS (before
# each run, wait up to that long until no surefire/failsafe test JVM runs on the machine: it is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
RUNS=1
ALL_PHASES=",pgbench,perftest,raw,agent,noagent,warmstart,drain,capacity,queues,"
ONLY=$ALL_PHASES
BUILD=true
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --runs) RUNS="$2"; shift ;;
    --no-build) BUILD=false ;;
    --only) ONLY=",$2,"; shift ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
JFR_NO_JDBI='+jdbi.statement#enabled=false'   # Jdbi's per-statement JFR event, off in the benchmark's recordings
PG_HOST=127.0.0.1
PG_PORT=5432
export PGUSER=postgres
AMQP_HOST=127.0.0.1
AMQP_PORT=5672
SAGA_SECONDS=${BENCH_SAGA_SECONDS:-60}
LATENCY_RATE=${BENCH_LATENCY_RATE:-100}
LATENCY_SECONDS=${BENCH_LATENCY_SECONDS:-60}
DRAIN_ROWS=${BENCH_DRAIN_ROWS:-100000}
OVERLOAD_RATE=${BENCH_OVERLOAD_RATE:-}
LIMIT_SECONDS=${BENCH_LIMIT_SECONDS:-15}
STEP_SECONDS=${BENCH_STEP_SECONDS:-8}
KURIR_JAR=${BENCH_KURIR_JAR:-$ROOT/bootstrap/target/kurir.jar}
AGENT_JAR=${BENCH_AGENT_JAR:-$ROOT/bootstrap/target/opentelemetry-javaagent.jar}
if [ "$MODE" = smoke ]; then SAGA_SECONDS=10; fi

RUN_ID=$(date +%s)$$
WORK=$ROOT/bench/target/work-$RUN_ID
mkdir -p "$WORK"
LIB=$ROOT/bench/target/lib
PIDS=()
EXTRA_JVM_OPTS=()
DATABASES=()
VHOSTS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

cleanup() {
  local status=$?
  set +e
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
  done
  for db in "${DATABASES[@]}"; do
    psql -h $PG_HOST -p $PG_PORT -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  done
  for vhost in "${VHOSTS[@]}"; do
    rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1
  done
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites -----------------------------------------------------------------------------------------------
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
command -v rabbitmqctl >/dev/null || die "rabbitmqctl not found"
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1 || true)

wait_rabbit() {
  # Other work on this machine may restart the broker; a phase starts only on a running one.
  for _ in $(seq 1 120); do
    rabbitmqctl -q list_vhosts >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "RabbitMQ's rabbit app is not running"
}
wait_services() {
  # Other work on this machine may restart PostgreSQL or the broker; a phase starts only when both answer.
  for _ in $(seq 1 120); do pg_isready -h $PG_HOST -p $PG_PORT -q && break; sleep 1; done
  pg_isready -h $PG_HOST -p $PG_PORT -q || die "PostgreSQL does not answer on $PG_HOST:$PG_PORT"
  wait_rabbit
}
wait_services

if [ ! -f "$LIB/perf-test-2.22.1.jar" ] || [ ! -f "$LIB/postgresql-42.7.14.jar" ]; then
  log "fetching the tools' jars (bench/pom.xml: perf-test, amqp-client, postgresql) into bench/target/lib"
  ./mvnw -B -q -f bench/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib >&2
fi
TOOLS_CP="$LIB/postgresql-42.7.14.jar:$LIB/amqp-client-5.37.1.jar:$LIB/slf4j-api-2.0.17.jar:$LIB/slf4j-nop-2.0.17.jar"
PERFTEST_CP=$(ls "$LIB"/*.jar | grep -v slf4j-nop | paste -sd:)

if [ "$BUILD" = true ] && { [ ! -f "$KURIR_JAR" ] || [ ! -f "$AGENT_JAR" ] || \
     [ -n "$(find . -path ./.git -prune -o -path ./bench -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$KURIR_JAR" -print -quit)" ]; }; then
  log "building kurir (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package >&2
fi
[ -f "$KURIR_JAR" ] || die "no kurir jar at $KURIR_JAR"
[ -f "$AGENT_JAR" ] || die "no agent jar at $AGENT_JAR"

# --- helpers -----------------------------------------------------------------------------------------------------
free_port() {
  local port
  for port in $(shuf -i 20000-29999 -n 50); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port"
}

# scratch_db NAME / scratch_vhost NAME: create kurir_bench_<run id>_NAME and set DB / VHOST (not in a subshell, so
# that the cleanup on exit knows them).
scratch_db() {
  DB="kurir_bench_${RUN_ID}_$1"
  DATABASES+=("$DB")
  local _
  for _ in $(seq 1 60); do
    psql -h $PG_HOST -p $PG_PORT -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null 2>&1 && return 0
    sleep 1   # PostgreSQL restarting (the machine is shared)
  done
  die "cannot create database $DB"
}

scratch_vhost() {
  VHOST="kurir_bench_${RUN_ID}_$1"
  wait_rabbit
  VHOSTS+=("$VHOST")
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  rabbitmqctl -q add_vhost "$VHOST" >/dev/null
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
}

drop_db() { psql -h $PG_HOST -p $PG_PORT -q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null; }
drop_vhost() { rabbitmqctl -q delete_vhost "$1" >/dev/null 2>&1 || true; }
sql() { local db=$1; shift; psql -h $PG_HOST -p $PG_PORT -d "$db" -Atq -v ON_ERROR_STOP=1 "$@"; }

# PostgreSQL here may run with autovacuum off (this machine's CI config does): then nothing ever ANALYZEs the fresh
# scratch tables, plans cached while they were empty stay (a sequential scan per lookup, growing with the table), and
# dead rows pile up. A real server runs autovacuum, so the benchmark stands in for it: VACUUM (ANALYZE) of the scratch
# database every 20 s while a saga runs there (AUTOVACUUM_STANDIN=false when the server's own autovacuum is on).
AUTOVACUUM=$(psql -h $PG_HOST -p $PG_PORT -Atc 'SHOW autovacuum')
AUTOVACUUM_STANDIN=$([ "$AUTOVACUUM" = off ] && echo true || echo false)
start_vacuum() {  # start_vacuum DB: sets VACUUM_PID
  VACUUM_PID=""
  [ "$AUTOVACUUM_STANDIN" = true ] || return 0
  ( while true; do sleep 20; psql -h $PG_HOST -p $PG_PORT -d "$1" -q -c 'VACUUM (ANALYZE, SKIP_LOCKED)' >/dev/null 2>&1; done ) &
  VACUUM_PID=$!
  PIDS+=("$VACUUM_PID")
}
stop_vacuum() { if [ -n "${VACUUM_PID:-}" ]; then kill "$VACUUM_PID" 2>/dev/null || true; fi; }
vacuum_now() { psql -h $PG_HOST -p $PG_PORT -d "$1" -q -c 'VACUUM (ANALYZE)' >/dev/null 2>&1 || true; }
xacts() { psql -h $PG_HOST -p $PG_PORT -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$1'"; }

RESULTS=""   # the current run's results file (key=value)
put() { echo "$1=$2" >> "$RESULTS"; }
get() { { grep "^$1=" "$RESULTS" || true; } | tail -n 1 | cut -d= -f2-; }
absorb() { grep -E '^[a-z0-9_]+=' "$1" | sed "s/^/$2/" >> "$RESULTS" || true; }   # absorb FILE PREFIX

start_sink() {
  "$JAVA" "$ROOT/bench/src/OtlpSink.java" "$WORK/otlp.port" 3600 > "$WORK/otlp.out" 2>&1 &
  PIDS+=($!)
  SINK_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/otlp.port" ] && break; sleep 0.1; done
  SINK_PORT=$(cat "$WORK/otlp.port")
}

# start_kurir NAME AGENT(on|off) DB VHOST [ENV=VALUE...]: starts kurir in the background, waits for /health/ready,
# sets KURIR_PID, API_PORT, MGMT_PORT and STARTUP_MS (launch -> first 200 of /health/ready).
start_kurir() {
  local name=$1 agent=$2 db=$3 vhost=$4
  shift 4
  API_PORT=$(free_port)
  MGMT_PORT=$(free_port)
  local agent_opts=()
  local otel_env=()
  if [ "$agent" = on ]; then
    # As ./kurir attaches it, and exporting every trace (the default parent-based always-on sampler) over OTLP/HTTP
    # protobuf to a local sink: the agent's whole cost, nothing shipped anywhere.
    agent_opts=("-javaagent:$AGENT_JAR" "-Dotel.javaagent.configuration-file=$(dirname "$AGENT_JAR")/otel-agent.properties")
    otel_env=(OTEL_SERVICE_NAME=kurir OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none
      OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_JAVAAGENT_LOGGING=application)
  fi
  local start
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  env "${otel_env[@]}" KURIR_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" \
    KURIR_AMQP_URI="amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$vhost" KURIR_HTTP_HOST=127.0.0.1 \
    KURIR_HTTP_PORT="$API_PORT" KURIR_MANAGEMENT_PORT="$MGMT_PORT" ${KURIR_ENV:-} "$@" \
    "$JAVA" "${agent_opts[@]}" "${AOT_OPTS[@]}" "${EXTRA_JVM_OPTS[@]}" -jar "$KURIR_JAR" > "$WORK/$name.log" 2>&1 &
  KURIR_PID=$!
  PIDS+=("$KURIR_PID")
  for _ in $(seq 1 1500); do
    if curl -sf -o /dev/null "http://127.0.0.1:$MGMT_PORT/health/ready"; then
      STARTUP_MS=$(( ($(date +%s%N) - start) / 1000000 ))
      log "kurir $name ready in $STARTUP_MS ms (pid $KURIR_PID, API :$API_PORT, agent $agent)"
      return 0
    fi
    kill -0 "$KURIR_PID" 2>/dev/null || { tail -n 20 "$WORK/$name.log" >&2; die "kurir $name exited"; }
    sleep 0.02
  done
  die "kurir $name not ready within 30 s"
}

# record_aot_cache: with KURIR_AOT_CACHE=on, the JVM's AOT cache as docs/configuration.md records one (./kurir uses
# none): one training run of the jar without the agent, on a scratch database and vhost and ports of its own, stopped
# when ready (--exit-when-ready), classes only, no method profiles; every kurir of the invocation then starts with it
# (AOT_OPTS). -XX:AOTMode=on: a kurir whose JVM refuses the cache fails its phase instead of measuring a start without
# it.
# BENCH_JFR=1 starts some recordings with -XX:StartFlightRecording, which adds the module jdk.jfr: the module graph
# must be the one recorded, so then both add it.
AOT_OPTS=()
AOT_STATE=off
AOT_CHOICE=${KURIR_AOT_CACHE:-off}
unset KURIR_AOT_CACHE   # the benchmark's knob, not kurir's: kurir would report it as an unknown variable
record_aot_cache() {
  case "$AOT_CHOICE" in
    on) ;;
    off) return 0 ;;
    *) die "KURIR_AOT_CACHE must be on or off, was '$AOT_CHOICE'" ;;
  esac
  local modules=java.instrument
  if [ "${BENCH_JFR:-0}" = 1 ]; then modules=java.instrument,jdk.jfr; fi
  scratch_db aot
  scratch_vhost aot
  log "recording the JVM's AOT cache: a training run of kurir without the agent"
  # shellcheck disable=SC2086
  if env KURIR_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" KURIR_AMQP_URI="amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$VHOST" \
      KURIR_HTTP_HOST=127.0.0.1 KURIR_HTTP_PORT=0 KURIR_MANAGEMENT_PORT=0 ${KURIR_ENV:-} \
      "$JAVA" --add-modules "$modules" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
      -XX:AOTCacheOutput="$WORK/kurir.aot" -jar "$KURIR_JAR" --exit-when-ready \
      > "$WORK/aot-training.log" 2>&1 && [ -f "$WORK/kurir.aot" ]; then
    AOT_OPTS=(--add-modules "$modules" -XX:AOTCache="$WORK/kurir.aot" -XX:AOTMode=on)
    AOT_STATE=on
  else
    log "the AOT cache's training run failed ($WORK/aot-training.log): every kurir starts without a cache"
    AOT_STATE="off (the training run failed)"
  fi
  drop_db "$DB"
  drop_vhost "$VHOST"
}

stop_kurir() {
  kill "$KURIR_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$KURIR_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$KURIR_PID" 2>/dev/null || true
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Where the CPU goes. cpu_ticks [PID]: "postgres rabbitmq pid busy", CPU time in clock ticks (user + system) of all
# PostgreSQL processes, of RabbitMQ's Erlang VM, of PID (0 without one), and of the whole machine (/proc/stat).
# cpu_per_order BEFORE AFTER ORDERS: the difference as milliseconds of one core per order, "postgres / rabbitmq /
# pid / rest" (rest: everything else, e.g. the load generator). Backends that exit in between are not counted.
proc_ticks() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo $t; }
cpu_ticks() {
  echo "$(proc_ticks $(pgrep -x postgres)) $(proc_ticks $(pgrep -f beam.smp)) $(proc_ticks ${1:-}) \
$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)"
}
# cpu_window FILE PID SECONDS RATE: run in the background beside a load of RATE orders/s lasting SECONDS: the CPU per
# order between its 5th second and 2 s before its end (the raw saga's connections live only as long as its run).
cpu_window() {
  sleep 5
  local c0 c1 pid=$2
  c0=$(cpu_ticks "$pid")
  sleep $(( $3 - 7 ))
  c1=$(cpu_ticks "$pid")
  cpu_per_order "$c0" "$c1" "$(awk -v r="$4" -v s="$3" 'BEGIN {print r * (s - 7)}')" > "$1"
}
cpu_per_order() {
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); if (n <= 0) exit
    for (i = 1; i <= 4; i++) d[i] = (y[i] - x[i]) * 1000 / hz / n
    printf "%.2f / %.2f / %.2f / %.2f", d[1], d[2], d[3], d[4] - d[1] - d[2] - d[3] }'
}

# rss_sampler PID FILE: the max VmRSS seen, written to FILE every second until the process or the caller stops it.
rss_sampler() {
  local pid=$1 file=$2 max=0 now
  while kill -0 "$pid" 2>/dev/null; do
    now=$(rss_kb "$pid")
    if [ "${now:-0}" -gt "$max" ]; then max=$now; echo "$max" > "$file"; fi
    sleep 1
  done
}

seed_items() {  # 100 items BENCH-001..BENCH-100 with plenty of stock, through the API
  local i sku
  for i in $(seq 1 100); do
    sku=$(printf 'BENCH-%03d' "$i")
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$API_PORT/api/items" -H 'Content-Type: application/json' \
      -d "{\"sku\":\"$sku\",\"name\":\"Bench item $i\",\"price\":\"10.00\",\"stock\":1000000000}" || die "seeding $sku"
  done
}

wait_quiet() {  # wait_quiet DB TABLE: until no order is PENDING (bounded)
  local n
  for _ in $(seq 1 600); do
    n=$(sql "$1" -c "SELECT count(*) FROM $2 WHERE status = 'PENDING'")
    [ "$n" = 0 ] && return 0
    sleep 0.2
  done
  log "warning: $n orders still PENDING in $1"
}

kept_up() {  # kept_up OFFERED CONFIRMED: the confirm rate was at least 95 % of the offered rate
  awk -v o="$1" -v c="${2:-0}" 'BEGIN {exit !(c >= 0.95 * o)}'
}

loadgen() {  # loadgen OUTFILE ARGS...
  local out=$1; shift
  "$JAVA" -cp "$TOOLS_CP" "$ROOT/bench/src/LoadGen.java" "$@" > "$out" 2> "$out.err" || true
}

# --- phases ------------------------------------------------------------------------------------------------------
phase_pgbench() {
  wait_services
  [ -n "$PGBENCH" ] || { log "pgbench not found: skipping (apt-get install postgresql-contrib)"; return; }
  local db
  scratch_db pgbench; db=$DB
  sql "$db" -f "$ROOT/bench/sql/pgbench-schema.sql" >/dev/null
  log "limit (a): pgbench, order + outbox row per transaction, 4 clients, ${LIMIT_SECONDS}s"
  "$PGBENCH" -h $PG_HOST -p $PG_PORT -n -c 4 -j 2 -T "$LIMIT_SECONDS" -f "$ROOT/bench/sql/pgbench-order-outbox.sql" "$db" \
    > "$WORK/pgbench.out" 2>&1 || { cat "$WORK/pgbench.out" >&2; die "pgbench"; }
  put pgbench_tps "$(awk '/^tps/ {print $3; exit}' "$WORK/pgbench.out")"
  put pgbench_latency_ms "$(awk '/^latency average/ {print $4; exit}' "$WORK/pgbench.out")"
  drop_db "$db"
}

phase_perftest() {
  wait_services
  local vhost
  scratch_vhost perftest; vhost=$VHOST
  log "limit (b): PerfTest, persistent 300-byte messages, confirms (100 in flight), 1 producer, 1 consumer, ${LIMIT_SECONDS}s"
  local c0
  c0=$(cpu_ticks)
  "$JAVA" -cp "$PERFTEST_CP" com.rabbitmq.perf.PerfTest --uri "amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$vhost" \
    --producers 1 --consumers 1 --size 300 --flag persistent --confirm 100 --queue kurir-bench-perftest \
    --auto-delete false --time "$LIMIT_SECONDS" > "$WORK/perftest.out" 2>&1 || { tail "$WORK/perftest.out" >&2; die "PerfTest"; }
  local c1 confirmed
  c1=$(cpu_ticks)
  confirmed=$(grep -o 'confirmed: [0-9]* msg/s' "$WORK/perftest.out")
  # The mean of the per-second "confirmed" figures after the first two seconds (start-up).
  put perftest_confirmed_per_s "$(awk 'NR>2 {s+=$2; n++} END {if (n) printf "%.0f", s/n}' <<< "$confirmed")"
  # CPU per message in µs of one core (cpu_per_order over thousands of messages): PostgreSQL / RabbitMQ / - / rest
  # (PerfTest's own JVM is in the rest, with its start-up and its consumer).
  put perftest_cpu_us_per_message "$(cpu_per_order "$c0" "$c1" "$(awk '{s += $2} END {print s / 1000}' <<< "$confirmed")")"
  put perftest_confirm_latency_median_us "$(grep -o 'confirm latency min/median/75th/95th/99th [0-9/]*' "$WORK/perftest.out" | tail -n 1 | awk '{split($NF, a, "/"); print a[2]}')"
  drop_vhost "$vhost"
}

phase_raw_saga() {
  wait_services
  local db vhost start
  scratch_db raw; db=$DB
  scratch_vhost raw; vhost=$VHOST
  # The search starts at a tenth of pgbench's rate (or 100/s) and goes up by 20 % per step.
  start=$(awk -v t="$(get pgbench_tps)" 'BEGIN {s = (t > 0 ? t / 10 : 100); if (s < 50) s = 50; printf "%.0f", s}')
  log "limit (c): raw-equivalent saga, rate search from ${start}/s"
  start_vacuum "$db"
  "$JAVA" -cp "$TOOLS_CP" "$ROOT/bench/src/RawSaga.java" db="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" \
    amqp="amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$vhost" mode=stairs start="$start" factor=1.2 step="$STEP_SECONDS" \
    > "$WORK/raw-stairs.out" 2> "$WORK/raw-stairs.err" || true
  stop_vacuum
  absorb "$WORK/raw-stairs.out" ""
  local rate
  rate=$(get raw_sustained_rate)
  [ "${rate%.*}" -gt 0 ] 2>/dev/null || rate=$start
  log "limit (c): raw-equivalent saga, ${SAGA_SECONDS}s at ${rate}/s"
  # RawSaga recreates its tables at start, so this run starts on empty tables, as the search did.
  local x0 attempt
  for attempt in 1 2; do
    start_vacuum "$db"
    x0=$(xacts "$db")
    "$JAVA" -cp "$TOOLS_CP" "$ROOT/bench/src/RawSaga.java" db="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" \
      amqp="amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$vhost" mode=fixed rate="$rate" seconds="$SAGA_SECONDS" \
      > "$WORK/raw-fixed-$attempt.out" 2> "$WORK/raw-fixed-$attempt.err" &
    local raw_pid=$!
    PIDS+=("$raw_pid")
    cpu_window "$WORK/raw-cpu-$attempt.txt" "$raw_pid" "$SAGA_SECONDS" "$rate"
    wait "$raw_pid" || true
    stop_vacuum
    sleep 1
    absorb "$WORK/raw-fixed-$attempt.out" "fixed_"
    put raw_xacts_per_order "$(awk -v a="$x0" -v b="$(xacts "$db")" -v n="$(get fixed_raw_placed)" 'BEGIN {if (n > 0) printf "%.1f", (b - a) / n}')"
    put raw_cpu_ms_per_order "$(cat "$WORK/raw-cpu-$attempt.txt")"
    put raw_attempt_${attempt} "$rate/s -> $(get fixed_raw_confirmed_per_s)/s"
    kept_up "$rate" "$(get fixed_raw_confirmed_per_s)" && break
    # It did not hold for the whole run (the search's steps are short): once more at 85 % of that rate.
    rate=$(awk -v r="$rate" 'BEGIN {printf "%.1f", r * 0.85}')
    log "limit (c): did not keep up; again at ${rate}/s"
  done
  drop_db "$db"
  drop_vhost "$vhost"
}

# phase_kurir LABEL AGENT: start-up (empty database, then restart), idle RSS, the rate search, the sustained run at the
# rate found (RSS under load, PostgreSQL transactions per order), and the latency run at LATENCY_RATE (with the time
# of each stage from the rows' timestamps).
# start_seeded_kurir LABEL AGENT: a scratch database and vhost (DB, VHOST); kurir started once on them to migrate
# and seed the items (STARTUP_FIRST_MS), stopped, the tables analysed, and started again (STARTUP_MS, KURIR_PID).
start_seeded_kurir() {
  local label=$1 agent=$2
  scratch_db "$label"
  scratch_vhost "$label"
  start_kurir "$label-first" "$agent" "$DB" "$VHOST"
  STARTUP_FIRST_MS=$STARTUP_MS
  seed_items
  stop_kurir
  vacuum_now "$DB"
  start_kurir "$label" "$agent" "$DB" "$VHOST"
}

# warm_up LABEL URL JDBC DB: a JVM just started runs interpreted code, so 30 s at a moderate rate first, so that what
# follows measures kurir, not the JIT compiler (without it the rate search's first step failed in every run; after
# 20 s at 50/s the C2 compiler threads still used a third of kurir's CPU in the measured minute).
warm_up() {
  log "kurir $1: warm-up, 30s at 100/s"
  loadgen "$WORK/$1-warmup.out" url="$2" db="$3" mode=fixed rate=100 seconds=30
  wait_quiet "$4" orders.orders
}

phase_kurir() {
  wait_services
  local label=$1 agent=$2 db vhost start
  start_seeded_kurir "$label" "$agent"
  db=$DB
  vhost=$VHOST
  put "${label}_startup_first_ms" "$STARTUP_FIRST_MS"
  put "${label}_startup_ms" "$STARTUP_MS"
  sleep 5
  put "${label}_rss_idle_mb" "$(( $(rss_kb "$KURIR_PID") / 1024 ))"
  rss_sampler "$KURIR_PID" "$WORK/$label.rss" &
  local sampler=$!
  PIDS+=("$sampler")
  start_vacuum "$db"
  local url="http://127.0.0.1:$API_PORT" jdbc="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"

  if [ "$MODE" = smoke ]; then
    log "smoke: ${SAGA_SECONDS}s at ${LATENCY_RATE}/s"
    loadgen "$WORK/$label-smoke.out" url="$url" db="$jdbc" mode=fixed rate="$LATENCY_RATE" seconds="$SAGA_SECONDS"
    absorb "$WORK/$label-smoke.out" "${label}_lat_"
  else
    local raw
    raw=$(get fixed_raw_confirmed_per_s)
    warm_up "$label" "$url" "$jdbc" "$db"
    start=$(awk -v r="${raw:-0}" 'BEGIN {s = r / 8; if (s < 50) s = 50; printf "%.0f", s}')
    log "kurir $label: rate search from ${start}/s"
    loadgen "$WORK/$label-stairs.out" url="$url" db="$jdbc" mode=stairs start="$start" factor=1.2 step="$STEP_SECONDS"
    absorb "$WORK/$label-stairs.out" "${label}_"
    wait_quiet "$db" orders.orders
    local rate x0
    rate=$(get "${label}_sustained_rate")
    [ "${rate%.*}" -gt 0 ] 2>/dev/null || rate=$start
    log "kurir $label: ${SAGA_SECONDS}s at ${rate}/s"
    [ "${BENCH_JFR:-0}" = 1 ] && "$JCMD" "$KURIR_PID" JFR.start name=bench settings=profile "$JFR_NO_JDBI" \
      filename="$WORK/$label-saga.jfr" >/dev/null 2>&1
    local attempt cpu_pid
    for attempt in 1 2; do
      x0=$(xacts "$db")
      cpu_window "$WORK/$label-cpu-$attempt.txt" "$KURIR_PID" "$SAGA_SECONDS" "$rate" &
      cpu_pid=$!
      loadgen "$WORK/$label-saga-$attempt.out" url="$url" db="$jdbc" mode=fixed rate="$rate" seconds="$SAGA_SECONDS"
      wait "$cpu_pid" || true
      absorb "$WORK/$label-saga-$attempt.out" "${label}_fixed_"
      put "${label}_xacts_per_order" "$(awk -v a="$x0" -v b="$(xacts "$db")" -v n="$(get "${label}_fixed_http_201")" \
        'BEGIN {if (n > 0) printf "%.1f", (b - a) / n}')"
      put "${label}_cpu_ms_per_order" "$(cat "$WORK/$label-cpu-$attempt.txt")"
      put "${label}_attempt_${attempt}" "$rate/s -> $(get "${label}_fixed_saga_confirmed_per_s")/s"
      wait_quiet "$db" orders.orders
      kept_up "$rate" "$(get "${label}_fixed_saga_confirmed_per_s")" && break
      rate=$(awk -v r="$rate" 'BEGIN {printf "%.1f", r * 0.85}')
      log "kurir $label: did not keep up; again at ${rate}/s"
    done
    [ "${BENCH_JFR:-0}" = 1 ] && "$JCMD" "$KURIR_PID" JFR.stop name=bench >/dev/null 2>&1
    vacuum_now "$db"
    log "kurir $label: latency, ${LATENCY_SECONDS}s at ${LATENCY_RATE}/s"
    local from
    from=$(date -u '+%Y-%m-%d %H:%M:%S.%N+00')
    x0=$(xacts "$db")
    loadgen "$WORK/$label-latency.out" url="$url" db="$jdbc" mode=fixed rate="$LATENCY_RATE" seconds="$LATENCY_SECONDS"
    absorb "$WORK/$label-latency.out" "${label}_lat_"
    put "${label}_lat_xacts_per_order" "$(awk -v a="$x0" -v b="$(xacts "$db")" -v n="$(get "${label}_lat_http_201")" \
      'BEGIN {if (n > 0) printf "%.1f", (b - a) / n}')"
    sql "$db" -v from="$from" -F' / ' -f "$ROOT/bench/sql/stages.sql" > "$WORK/$label-stages.out" 2>&1 || true
    put "${label}_stages_p50" "$(awk 'NR == 1' "$WORK/$label-stages.out")"
    put "${label}_stages_p99" "$(awk 'NR == 2' "$WORK/$label-stages.out")"
  fi
  stop_vacuum
  kill "$sampler" 2>/dev/null || true
  put "${label}_rss_load_mb" "$(( $(cat "$WORK/$label.rss" 2>/dev/null || echo 0) / 1024 ))"
  stop_kurir
  drop_db "$db"
  drop_vhost "$vhost"
}

# phase_warmstart LABEL WARMUP: warm from the first seconds (issue 23, target 1). kurir with the agent and
# KURIR_WARMUP=WARMUP (the image's 10s, or ./kurir's 0s), seeded and restarted, then LATENCY_RATE orders/s from the
# moment /health/ready answers, for 80 s: the saga's latency (201 -> CONFIRMED) over seconds 5-15 after ready against
# seconds 65-80, when it is warm.
phase_warmstart() {
  wait_services
  local label=$1 warmup=$2 db vhost
  scratch_db "$label"
  scratch_vhost "$label"
  db=$DB
  vhost=$VHOST
  start_kurir "$label-first" on "$db" "$vhost"
  seed_items
  stop_kurir
  vacuum_now "$db"
  start_kurir "$label" on "$db" "$vhost" KURIR_WARMUP="$warmup"
  put "${label}_startup_ms" "$STARTUP_MS"
  put "${label}_warmup" "$warmup"
  put "${label}_rate" "$LATENCY_RATE"
  loadgen "$WORK/$label.out" url="http://127.0.0.1:$API_PORT" db="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" \
    mode=fixed rate="$LATENCY_RATE" seconds=80 windows=5-15,65-80
  absorb "$WORK/$label.out" "${label}_"
  put "${label}_p99_ratio" "$(awk -v cold="$(get "${label}_saga_w5_15_latency_p99_ms")" \
    -v warm="$(get "${label}_saga_w65_80_latency_p99_ms")" 'BEGIN {if (warm > 0) printf "%.1f", cold / warm}')"
  stop_kurir
  drop_db "$db"
  drop_vhost "$vhost"
}

# overload LABEL URL JDBC PREFIX: OVERLOAD_RATE orders/s (1.5 x the best sustained rate of the run, or 480) for
# SAGA_SECONDS; its figures go to the results under PREFIX.
overload() {
  local label=$1 url=$2 jdbc=$3 prefix=$4 rate=$OVERLOAD_RATE
  [ -n "$rate" ] || rate=$(awk -v a="$(get agent_sustained_rate)" -v b="$(get noagent_sustained_rate)" \
    'BEGIN {m = (a > b ? a : b); printf "%.0f", (m > 0 ? 1.5 * m : 480)}')
  log "kurir $label: overload, ${SAGA_SECONDS}s at ${rate}/s"
  loadgen "$WORK/$label-overload.out" url="$url" db="$jdbc" mode=fixed rate="$rate" seconds="$SAGA_SECONDS"
  absorb "$WORK/$label-overload.out" "$prefix"
}

# phase_capacity LABEL AGENT: the agent overhead at saturation. After the same warm-up, OVERLOAD_RATE orders/s (above
# what kurir holds) for SAGA_SECONDS; what reaches CONFIRMED per second then is the saga's capacity under overload,
# the same measure with and without the agent (the rate search's 20 % steps are too coarse for a 15 % budget).
phase_capacity() {
  wait_services
  local label=$1 agent=$2 db vhost
  start_seeded_kurir "$label" "$agent"
  db=$DB
  vhost=$VHOST
  start_vacuum "$db"
  local url="http://127.0.0.1:$API_PORT" jdbc="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
  warm_up "$label" "$url" "$jdbc" "$db"
  overload "$label" "$url" "$jdbc" "${label}_"
  stop_vacuum
  stop_kurir
  drop_db "$db"
  drop_vhost "$vhost"
}

# phase_queue_type LABEL TYPE: the saga on RabbitMQ queues of TYPE (KURIR_AMQP_QUEUE_TYPE: classic or quorum), agent
# off, after the same warm-up: latency at LATENCY_RATE for LATENCY_SECONDS, then what gets CONFIRMED under the
# overload of phase_capacity for SAGA_SECONDS. The two types run one after the other on the same machine: compare
# them with each other, not with another run.
phase_queue_type() {
  wait_services
  local label=$1 type=$2 db vhost
  local KURIR_ENV="${KURIR_ENV:-} KURIR_AMQP_QUEUE_TYPE=$type"   # read by start_kurir
  start_seeded_kurir "$label" off
  db=$DB
  vhost=$VHOST
  start_vacuum "$db"
  local url="http://127.0.0.1:$API_PORT" jdbc="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
  warm_up "$label" "$url" "$jdbc" "$db"
  log "kurir $label: latency, ${LATENCY_SECONDS}s at ${LATENCY_RATE}/s"
  loadgen "$WORK/$label-latency.out" url="$url" db="$jdbc" mode=fixed rate="$LATENCY_RATE" seconds="$LATENCY_SECONDS"
  absorb "$WORK/$label-latency.out" "${label}_lat_"
  wait_quiet "$db" orders.orders
  overload "$label" "$url" "$jdbc" "${label}_cap_"
  stop_vacuum
  stop_kurir
  drop_db "$db"
  drop_vhost "$vhost"
}

# Backlog drain: DRAIN_ROWS PENDING rows in orders.outbox, written while no relay runs, then kurir started with the
# orders module only: its relay is the only thing of kurir's working. The queue items.order-events (declared by a full
# start before) is read by PerfTest's own consumer, as in the limit it is compared to: 1 producer, 1 consumer. Without
# a consumer the broker pages the growing queue to disk and PerfTest itself confirms ~30 % fewer messages per second;
# with the items module consuming, the saga's far side would compete for the two cores: this measures the relay.
phase_drain() {
  wait_services
  local label=$1 agent=$2 db vhost
  scratch_db "$label"; db=$DB
  scratch_vhost "$label"; vhost=$VHOST
  start_kurir "$label-setup" "$agent" "$db" "$vhost"
  stop_kurir
  log "$label: inserting $DRAIN_ROWS PENDING order.created rows"
  put "${label}_rows" "$DRAIN_ROWS"
  sql "$db" -c "INSERT INTO orders.outbox (message_id, event_type, payload, exchange, routing_key)
      SELECT gen_random_uuid(), 'order.created',
             jsonb_build_object('order_id', gen_random_uuid()::text, 'customer_id', 'cust-' || (g % 1000),
                                'amount', '20.00', 'items', jsonb_build_array(jsonb_build_object('sku', 'BENCH-001', 'quantity', 1),
                                                                            jsonb_build_object('sku', 'BENCH-008', 'quantity', 1))),
             'orders', 'order.created'
      FROM generate_series(1, $DRAIN_ROWS) g" >/dev/null
  sql "$db" -c "VACUUM ANALYZE orders.outbox" >/dev/null
  if [ "${BENCH_JFR:-0}" = 1 ]; then
    EXTRA_JVM_OPTS=("-XX:StartFlightRecording=settings=profile,$JFR_NO_JDBI,filename=$WORK/$label.jfr")
  fi
  local started n c0 consumer
  "$JAVA" -cp "$PERFTEST_CP" com.rabbitmq.perf.PerfTest --uri "amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$vhost" \
    --producers 0 --consumers 1 --queue items.order-events --predeclared > "$WORK/$label-consumer.out" 2>&1 &
  consumer=$!
  PIDS+=("$consumer")
  for _ in $(seq 1 100); do grep -q 'starting consumer' "$WORK/$label-consumer.out" && break; sleep 0.1; done
  c0=$(cpu_ticks)
  started=$(date +%s%N)
  # The relay starts working during start-up, before /health/ready: the wall clock counts from the launch.
  start_kurir "$label" "$agent" "$db" "$vhost" KURIR_MODULES=orders KURIR_ITEMS_URL=http://127.0.0.1:9
  EXTRA_JVM_OPTS=()
  # The probe must cost the server next to nothing: a count(*) every 100 ms was a parallel scan of the whole table,
  # a fifth of a core taken from the drain it measured. This reads the relay's own index and stops at the first row.
  for _ in $(seq 1 600); do
    n=$(sql "$db" -c "SELECT count(*) FROM (SELECT 1 FROM orders.outbox WHERE status = 'PENDING'
        ORDER BY next_attempt_at, id LIMIT 1) AS pending")
    [ "$n" = 0 ] && break
    sleep 0.5
  done
  put "${label}_wall_s" "$(awk -v ns=$(( $(date +%s%N) - started )) 'BEGIN {printf "%.1f", ns / 1e9}')"
  # CPU per row in µs of one core, from the launch to empty: PostgreSQL / RabbitMQ / kurir (start-up, JIT compiler
  # included) / rest (the consumer's JVM, the probes, psql)
  put "${label}_cpu_us_per_row" "$(cpu_per_order "$c0" "$(cpu_ticks "$KURIR_PID")" "$(( DRAIN_ROWS / 1000 ))")"
  put "${label}_left" "$(sql "$db" -c "SELECT count(*) FROM orders.outbox WHERE status = 'PENDING'")"
  # rows/s from the rows' own timestamps: the rows marked SENT after the first batch, over the time from the first
  # batch's UPDATE to the last one (the first batch was claimed and published before that window opened).
  put "${label}_rows_per_s" "$(sql "$db" -c "WITH sent AS (SELECT updated_at FROM orders.outbox WHERE status = 'SENT')
      SELECT round(count(*) FILTER (WHERE updated_at > (SELECT min(updated_at) FROM sent))
                   / greatest(extract(epoch FROM max(updated_at) - min(updated_at)), 0.001)) FROM sent")"
  put "${label}_failed" "$(sql "$db" -c "SELECT count(*) FROM orders.outbox WHERE status = 'FAILED'")"
  put "${label}_queue_depth" "$(rabbitmqctl -q list_queues -p "$vhost" name messages 2>/dev/null | awk '$1 == "items.order-events" {print $2}')"
  kill "$consumer" 2>/dev/null || true
  [ "${BENCH_JFR:-0}" = 1 ] && "$JCMD" "$KURIR_PID" JFR.dump filename="$WORK/$label.jfr" >/dev/null 2>&1
  stop_kurir
  drop_db "$db"
  drop_vhost "$vhost"
}

describe_machine() {
  put machine_nproc "$(nproc)"
  put machine_memory "$(free -g | awk '/^Mem/ {print $2 " GiB"}')"
  put machine_cpu "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  put machine_kernel "$(uname -r)"
  put machine_os "$(. /etc/os-release && echo "$PRETTY_NAME")"
  put version_java "$("$JAVA" -version 2>&1 | head -n 1)"
  put version_postgresql "$(psql -h $PG_HOST -p $PG_PORT -Atc 'SHOW server_version')"
  put version_rabbitmq "$(rabbitmqctl -q version 2>/dev/null)"
  if [ -n "${BENCH_KURIR_JAR:-}" ]; then
    put version_kurir_jar "$KURIR_JAR, built $(date -r "$KURIR_JAR" '+%Y-%m-%d %H:%M')${BENCH_JAR_NOTE:+: $BENCH_JAR_NOTE}"
  else
    put version_kurir_jar "bootstrap/target/kurir.jar, built $(date -r "$KURIR_JAR" '+%Y-%m-%d %H:%M') from $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- . ':!bench' ':!docs' 2>/dev/null || echo ' with uncommitted changes')"
  fi
  put pg_autovacuum "$AUTOVACUUM$([ "$AUTOVACUUM_STANDIN" = true ] && echo ' (the benchmark runs VACUUM (ANALYZE) every 20 s instead)')"
  put version_agent "$(unzip -p "$AGENT_JAR" META-INF/MANIFEST.MF 2>/dev/null | awk -F': ' '/Implementation-Version/ {print $2}' | tr -d '\r')"
}

# run_phase NAME FUNCTION ARGS...: runs one phase in a subshell with its own cleanup. When it failed, or PostgreSQL was
# restarted meanwhile, or a process it started logged a lost database or broker connection, its figures are dropped
# and it runs again, 3 attempts at most: other work on this shared machine restarts both services now and then.
pg_start() { psql -h $PG_HOST -p $PG_PORT -Atc 'SELECT pg_postmaster_start_time()' 2>/dev/null || echo down; }
phase_cleanup() {
  local status=$? i
  set +e
  for ((i = PHASE_PIDS0; i < ${#PIDS[@]}; i++)); do kill "${PIDS[$i]}" 2>/dev/null; done
  for ((i = PHASE_PIDS0; i < ${#PIDS[@]}; i++)); do
    for _ in $(seq 1 100); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PIDS[$i]}" 2>/dev/null
  done
  for ((i = PHASE_DB0; i < ${#DATABASES[@]}; i++)); do drop_db "${DATABASES[$i]}" 2>/dev/null; done
  for ((i = PHASE_VH0; i < ${#VHOSTS[@]}; i++)); do drop_vhost "${VHOSTS[$i]}"; done
  exit $status
}
DISTURBANCE='broker forced connection closure|consumer lost its connection|dropping the publisher connection|database cannot be reached|Connection is not available|terminating connection|the database system is shutting down|Connection refused|AlreadyClosedException|ShutdownSignalException'
run_phase() {
  local name=$1 attempt lines pg0 pg1 status pid why
  shift
  for attempt in 1 2 3; do
    wait_services
    lines=$(wc -l < "$RESULTS")
    pg0=$(pg_start)
    touch "$WORK/.phase-mark"
    sleep 1
    (
      PHASE_PIDS0=${#PIDS[@]} PHASE_DB0=${#DATABASES[@]} PHASE_VH0=${#VHOSTS[@]}
      trap phase_cleanup EXIT
      trap 'exit 143' TERM INT
      set -e
      "$@"
    ) &
    pid=$!
    PIDS+=("$pid")
    status=0
    wait "$pid" || status=$?
    pg1=$(pg_start)
    why=""
    [ "$status" = 0 ] || why="exit status $status"
    [ "$pg0" = "$pg1" ] || why="${why:+$why, }PostgreSQL restarted ($pg1)"
    if find "$WORK" -maxdepth 1 -newer "$WORK/.phase-mark" \( -name '*.log' -o -name '*.err' \) -print0 \
        | xargs -0 -r grep -l -E "$DISTURBANCE" 2>/dev/null | grep -q .; then
      why="${why:+$why, }a lost database or broker connection in $(find "$WORK" -maxdepth 1 -newer "$WORK/.phase-mark" \
        \( -name '*.log' -o -name '*.err' \) -print0 | xargs -0 -r grep -l -E "$DISTURBANCE" 2>/dev/null | xargs -r -n1 basename | paste -sd, -)"
    fi
    if [ -z "$why" ]; then
      [ "$attempt" = 1 ] || put "phase_${name}_attempts" "$attempt"
      return 0
    fi
    log "phase $name disturbed ($why): its figures are dropped$([ "$attempt" -lt 3 ] && echo ', running it again')"
    head -n "$lines" "$RESULTS" > "$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
    put "phase_${name}_disturbed_${attempt}" "$why"
  done
  put "phase_${name}_failed" "3 attempts disturbed"
}

# The machine is shared: how often other test JVMs ran during the run, and the load average, sampled every 2 s.
noise_monitor() {
  while true; do
    echo "$(pgrep -fc 'surefirebooter|failsafe' || true) $(cut -d' ' -f1 /proc/loadavg)" >> "$1"
    sleep 2
  done
}

wait_for_quiet() {
  local max=${BENCH_WAIT_QUIET:-0} i
  for i in $(seq 1 "$max"); do
    pgrep -f 'surefirebooter|failsafe' >/dev/null || { [ "$i" -gt 1 ] && log "quiet after ${i}s"; return 0; }
    [ "$i" = 1 ] && log "waiting (up to ${max}s) until no other test JVM runs"
    sleep 1
  done
}

# --- main --------------------------------------------------------------------------------------------------------
start_sink
record_aot_cache
ALL_RESULTS=()
for run in $(seq 1 "$RUNS"); do
  RESULTS="$WORK/results-$run.properties"
  : > "$RESULTS"
  ALL_RESULTS+=("$RESULTS")
  put run "$run"
  put mode "$MODE"
  put kurir_env "${KURIR_ENV:-(defaults)}"
  put aot_cache "$AOT_STATE"
  describe_machine
  wait_for_quiet
  put started "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  put load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
  put pg_started_before "$(psql -h $PG_HOST -p $PG_PORT -Atc 'SELECT pg_postmaster_start_time()')"
  noise_monitor "$WORK/noise-$run.txt" &
  NOISE_PID=$!
  PIDS+=("$NOISE_PID")
  log "run $run of $RUNS ($MODE), work directory $WORK"
  if [ "$MODE" = full ]; then
    if [[ $ONLY == *,pgbench,* ]]; then run_phase pgbench phase_pgbench; fi
    if [[ $ONLY == *,perftest,* ]]; then run_phase perftest phase_perftest; fi
    if [[ $ONLY == *,raw,* ]]; then run_phase raw phase_raw_saga; fi
    if [[ $ONLY == *,agent,* ]]; then run_phase agent phase_kurir agent on; fi
    if [[ $ONLY == *,noagent,* ]]; then run_phase noagent phase_kurir noagent off; fi
    if [[ $ONLY == *,warmstart,* ]]; then run_phase warmstart phase_warmstart warmstart 10s; fi
    if [[ $ONLY == *,warmstart,* ]]; then run_phase coldstart phase_warmstart coldstart 0s; fi
    if [[ $ONLY == *,drain,* ]]; then run_phase drain phase_drain drain on; fi
    if [[ $ONLY == *,drain,* ]]; then run_phase drainnoagent phase_drain drainnoagent off; fi
    if [[ $ONLY == *,capacity,* ]]; then run_phase capagent phase_capacity capagent on; fi
    if [[ $ONLY == *,capacity,* ]]; then run_phase capnoagent phase_capacity capnoagent off; fi
    if [[ $ONLY == *,queues,* ]]; then run_phase qclassic phase_queue_type qclassic classic; fi
    if [[ $ONLY == *,queues,* ]]; then run_phase qquorum phase_queue_type qquorum quorum; fi
  else
    phase_kurir agent on
  fi
  kill "$NOISE_PID" 2>/dev/null || true
  put load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
  put pg_started_after "$(psql -h $PG_HOST -p $PG_PORT -Atc 'SELECT pg_postmaster_start_time()')"
  put noise "$(awk '{n++; if ($1 > 0) busy++; load += $2} END {if (n) printf "other test JVMs running in %d of %d samples (every 2 s), mean 1-min load %.1f", busy, n, load / n}' "$WORK/noise-$run.txt")"
  put finished "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
done

kill "$SINK_PID" 2>/dev/null && sleep 0.5
for results in "${ALL_RESULTS[@]}"; do RESULTS=$results; absorb "$WORK/otlp.out" "sink_"; done
if [ "$MODE" = smoke ]; then
  "$JAVA" "$ROOT/bench/src/Report.java" smoke "$ROOT/bench/target/smoke.md" "bench/run.sh --smoke" "${ALL_RESULTS[@]}"
else
  command_line="bench/run.sh"
  if [ "$RUNS" != 1 ]; then command_line="$command_line --runs $RUNS"; fi
  if [ -n "${KURIR_ENV:-}" ]; then command_line="KURIR_ENV=\"$KURIR_ENV\" $command_line"; fi
  if [ -n "${BENCH_KURIR_JAR:-}" ]; then command_line="BENCH_KURIR_JAR=$BENCH_KURIR_JAR $command_line"; fi
  # Only a run of every phase writes the doc; a partial one (--only) writes its report into the work directory.
  doc="$ROOT/docs/performance.md"
  if [ "$ONLY" != "$ALL_PHASES" ]; then doc="$WORK/performance.md"; command_line="$command_line --only ${ONLY:1:-1}"; fi
  "$JAVA" "$ROOT/bench/src/Report.java" full "$doc" "$command_line" "${ALL_RESULTS[@]}"
  log "wrote $doc"
fi
