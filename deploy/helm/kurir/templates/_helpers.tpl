{{/* The release's base name: the release name, with "-kurir" unless it already says kurir. */}}
{{- define "kurir.fullname" -}}
{{- if contains "kurir" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-kurir" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kurir.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: kurir
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector of one Deployment's pods: "component" is kurir, order-service or item-service. */}}
{{- define "kurir.selector" -}}
app.kubernetes.io/name: kurir
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component.service }}
{{- end -}}

{{/*
The Deployments of the chosen mode, as a YAML list. Each: name (of its objects), service (its OTEL_SERVICE_NAME,
as kurir's entrypoint would derive it from KURIR_MODULES), modules, itemsUrl (order-service only) and settings:
the chart-wide settings with the Deployment's own overrides merged over them.
*/}}
{{- define "kurir.components" -}}
{{- $full := include "kurir.fullname" . -}}
{{- $common := dict "replicas" .Values.replicas "resources" .Values.resources "jvm" .Values.jvm
      "podDisruptionBudget" .Values.podDisruptionBudget "autoscaling" .Values.autoscaling
      "database" .Values.database -}}
{{- if eq .Values.mode "monolith" }}
- name: {{ $full }}
  service: kurir
  modules: orders,items
  settings: {{ mergeOverwrite (deepCopy $common) (deepCopy .Values.monolith) | toJson }}
{{- else if eq .Values.mode "split" }}
{{- $orders := mergeOverwrite (deepCopy $common) (deepCopy .Values.orderService) }}
{{- $items := mergeOverwrite (deepCopy $common) (deepCopy .Values.itemService) }}
{{- if and $orders.database.url (eq $orders.database.url $items.database.url) }}
{{- fail "split mode: orderService.database.url and itemService.database.url must name two databases (each service owns its own, as in compose's split profile)" }}
{{- end }}
- name: {{ $full }}-order-service
  service: order-service
  modules: orders
  itemsUrl: {{ printf "http://%s-item-service:%v" $full .Values.service.port }}
  settings: {{ $orders | toJson }}
- name: {{ $full }}-item-service
  service: item-service
  modules: items
  settings: {{ $items | toJson }}
{{- else }}
{{- fail (printf "mode must be monolith or split, was %q" .Values.mode) }}
{{- end }}
{{- end -}}

{{/* KURIR_SHUTDOWN_TIMEOUT plus the preStop sleep plus 10 s for the JVM to exit: always above the timeout. */}}
{{- define "kurir.terminationGracePeriodSeconds" -}}
{{- add (int .Values.preStopSleepSeconds) (int .Values.shutdownTimeoutSeconds) 10 -}}
{{- end -}}
