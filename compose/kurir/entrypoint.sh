#!/bin/sh
# kurir's container entrypoint (compose/Dockerfile), the image's ./kurir: attaches the OpenTelemetry Java agent
# unless KURIR_OTEL_AGENT=off, fills in the OTEL_* defaults ./kurir uses (a variable already set wins), and execs
# the JVM, which so receives `docker stop`'s SIGTERM itself and shuts kurir down in order. Extra JVM flags:
# KURIR_JAVA_OPTS. APP_DIR: where kurir.jar and opentelemetry-javaagent.jar are (/app in the image).
set -eu
app_dir="${APP_DIR:-/app}"

case "${KURIR_OTEL_AGENT:-on}" in
  on | off) ;;
  *) echo "invalid configuration: KURIR_OTEL_AGENT must be on or off, was '${KURIR_OTEL_AGENT}'" >&2; exit 2 ;;
esac

# The service name of the logs' "service" field and of the traces, named for the modules this process runs.
modules=",$(printf '%s' "${KURIR_MODULES:-orders,items}" | tr -d '[:space:]'),"
case "$modules" in
  *,orders,*) case "$modules" in *,items,*) service=kurir ;; *) service=order-service ;; esac ;;
  *,items,*) service=item-service ;;
  *) service=kurir ;;
esac
export OTEL_SERVICE_NAME="${OTEL_SERVICE_NAME:-$service}"

agent=""
if [ "${KURIR_OTEL_AGENT:-on}" = on ]; then
  # /metrics (client_java) has the metrics and stdout the logs: the agent exports traces only, and only to a
  # collector someone named.
  export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
  export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
  if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}${OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:-}" ]; then
    export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp}"
  else
    export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-none}"
  fi
  # The agent's own lines go through kurir's logback (JSON on stdout, for Alloy and Loki).
  export OTEL_JAVAAGENT_LOGGING="${OTEL_JAVAAGENT_LOGGING:-application}"
  # Which instrumentations: otel-agent.properties (bootstrap/src/main/agent in the repository).
  agent="-javaagent:$app_dir/opentelemetry-javaagent.jar -Dotel.javaagent.configuration-file=$app_dir/otel-agent.properties"
fi

# shellcheck disable=SC2086 # $agent and KURIR_JAVA_OPTS are lists of flags
exec java $agent ${KURIR_JAVA_OPTS:-} -jar "$app_dir/kurir.jar" "$@"
