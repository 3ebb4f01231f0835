# kurir's service name and OpenTelemetry defaults, decided here only: sourced by ./kurir and by the image's
# entrypoint (compose/kurir/entrypoint.sh) before they start the JVM, and copied beside the agent at package time
# (bootstrap/target/otel-env.sh; /app/otel-env.sh in the image). kurir itself only reads OTEL_SERVICE_NAME: the
# `service` field of its log lines and the name in its start-up line ("kurir" when unset, as the agent names it).
# A variable the caller set wins. POSIX sh: the image has no bash. Reads KURIR_MODULES and KURIR_OTEL_AGENT.

case "${KURIR_OTEL_AGENT:-on}" in
  on | off) ;;
  *) echo "invalid configuration: KURIR_OTEL_AGENT must be on or off, was '${KURIR_OTEL_AGENT}'" >&2; exit 2 ;;
esac

# The service name of the logs and the traces, named for the modules this process runs.
kurir_modules=",$(printf '%s' "${KURIR_MODULES:-orders,items}" | tr -d '[:space:]'),"
case "$kurir_modules" in
  *,orders,*) case "$kurir_modules" in *,items,*) kurir_service=kurir ;; *) kurir_service=order-service ;; esac ;;
  *,items,*) kurir_service=item-service ;;
  *) kurir_service=kurir ;;
esac
export OTEL_SERVICE_NAME="${OTEL_SERVICE_NAME:-$kurir_service}"
unset kurir_modules kurir_service

if [ "${KURIR_OTEL_AGENT:-on}" = on ]; then
  # client_java serves /metrics and the logs go to stdout, so the agent exports traces only ...
  export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
  export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
  # ... and only to a collector someone named: without one it would log a failed export every few seconds.
  if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}${OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:-}" ]; then
    export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-otlp}"
  else
    export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-none}"
  fi
  # The agent's own lines go through kurir's logback (JSON on stdout) instead of plain text on stderr.
  export OTEL_JAVAAGENT_LOGGING="${OTEL_JAVAAGENT_LOGGING:-application}"
fi
