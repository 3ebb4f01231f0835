#!/bin/sh
# kurir's container entrypoint (compose/Dockerfile), the image's ./kurir: attaches the OpenTelemetry Java agent
# unless KURIR_OTEL_AGENT=off, fills in the OTEL_* defaults from otel-env.sh as ./kurir does, and execs
# the JVM, which so receives `docker stop`'s SIGTERM itself and shuts kurir down in order. Extra JVM flags:
# KURIR_JAVA_OPTS. APP_DIR: where kurir.jar, opentelemetry-javaagent.jar and otel-env.sh are (/app in the image).
set -eu
app_dir="${APP_DIR:-/app}"

# OTEL_SERVICE_NAME (from KURIR_MODULES) and the agent's exporter defaults, decided in one file with ./kurir
# (bootstrap/src/main/agent/otel-env.sh in the repository). It also checks KURIR_OTEL_AGENT.
. "$app_dir/otel-env.sh"

agent=""
if [ "${KURIR_OTEL_AGENT:-on}" = on ]; then
  # Which instrumentations: otel-agent.properties (bootstrap/src/main/agent in the repository).
  agent="-javaagent:$app_dir/opentelemetry-javaagent.jar -Dotel.javaagent.configuration-file=$app_dir/otel-agent.properties"
fi

# shellcheck disable=SC2086 # $agent and KURIR_JAVA_OPTS are lists of flags
exec java $agent ${KURIR_JAVA_OPTS:-} -jar "$app_dir/kurir.jar" "$@"
