// Checks one `helm template` output of the kurir chart, offline (called by deploy/helm/validate.sh):
//  1. every object against the schema of its kind: Kubernetes' (kubernetes-models) or the Prometheus Operator's
//     CRDs (@kubernetes-models/prometheus-operator); a field the schema does not know is an error too, as a
//     strict API server (kubectl --validate=strict) would say;
//  2. what the chart promises (docs/kubernetes.md): probes, grace period, heap from the container, non-root with
//     a read-only root filesystem, credentials from Secrets only, OTEL_SERVICE_NAME per Deployment, Services, PDBs,
//     HPAs and the ServiceMonitor pointing at what exists;
//  3. one source: the PrometheusRule's groups and the dashboards' ConfigMaps equal compose's files.
//
//   node check-manifests.mjs RENDERED.yaml --compose DIR --services kurir[,..] [--expect Kind=N]... [--rules-out FILE]
//
// Exit 0 all good, 1 a check failed (each failure printed), 2 bad usage.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rendered = args[0];
const composeDir = option("--compose");
const services = option("--services")?.split(",");
const rulesOut = option("--rules-out");
const expected = args.flatMap((a, i) => (args[i - 1] === "--expect" ? [a.split("=")] : []));
if (!rendered || !composeDir || !services) {
  console.error("usage: node check-manifests.mjs RENDERED.yaml --compose DIR --services a,b [--expect Kind=N]... [--rules-out FILE]");
  process.exit(2);
}

const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

// --------------------------------------------------------------------------------------------- parsing
const objects = [];
for (const doc of parseAllDocuments(readFileSync(rendered, "utf8"))) {
  for (const problem of [...doc.errors, ...doc.warnings]) fail(rendered, `YAML: ${problem.message}`);
  const object = doc.toJS();
  if (object !== null && object !== undefined) objects.push(object);
}
const id = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
const ofKind = (kind) => objects.filter((o) => o.kind === kind);

// ----------------------------------------------------------------------------------------- 1. schemas
// The module of an apiVersion: core "v1" and the built-in groups in kubernetes-models, the operator's CRDs in
// their own package. Anything else has no schema here and is an error (the chart renders nothing else).
function modulePath(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

// The validators are compiled JSON schemas that read exactly the properties their schema declares (and list the
// keys of maps). Validating through proxies that record those reads tells which fields no schema declared.
function tracked(value, path, records) {
  if (value === null || typeof value !== "object") return value;
  const record = { path, value, read: new Set(), listed: false };
  records.push(record);
  const copy = Array.isArray(value)
    ? value.map((v, i) => tracked(v, `${path}/${i}`, records))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tracked(v, `${path}/${k}`, records)]));
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.listed = true;
      return Reflect.ownKeys(target);
    },
  });
}

for (const object of objects) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    fail(id(object), "no apiVersion or kind");
    continue;
  }
  let model;
  try {
    model = (await import(modulePath(object.apiVersion)))[object.kind];
  } catch {
    model = undefined;
  }
  if (typeof model?.prototype?.validate !== "function" || model.apiVersion !== object.apiVersion) {
    fail(id(object), `no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  const records = [];
  try {
    model.prototype.validate.call(tracked(object, "", records));
  } catch (e) {
    fail(id(object), `schema (${object.apiVersion} ${object.kind}): ${e.message}`);
  }
  const unknown = records.filter((r) => !Array.isArray(r.value) && !r.listed)
    .flatMap((r) => Object.keys(r.value).filter((key) => !r.read.has(key)).map((key) => `${r.path}/${key}`));
  for (const path of unknown) {
    // What lies under an unknown field was not read either: report the field only.
    if (!unknown.some((other) => path.startsWith(`${other}/`))) fail(id(object), `unknown field ${path}`);
  }
}

// --------------------------------------------------------------------------------- 2. the chart's promises
// OTEL_SERVICE_NAME as compose/kurir/entrypoint.sh derives it from KURIR_MODULES.
const serviceFor = (modules) => {
  const set = new Set(modules.split(",").map((m) => m.trim()));
  if (set.has("orders")) return set.has("items") ? "kurir" : "order-service";
  return set.has("items") ? "item-service" : "kurir";
};
const seconds = (duration) => {
  const m = /^(\d+)(ms|s|m)$/.exec(duration ?? "");
  return m ? Number(m[1]) / { ms: 1000, s: 1, m: 1 / 60 }[m[2]] : NaN;
};
const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const fromSecret = ["KURIR_DB_USER", "KURIR_DB_PASSWORD", "KURIR_AMQP_URI", "KURIR_ADMIN_TOKEN"];

const deployments = ofKind("Deployment");
const seenServices = [];
for (const d of deployments) {
  const where = id(d);
  const pod = d.spec?.template?.spec ?? {};
  const podLabels = d.spec?.template?.metadata?.labels ?? {};
  if (!matches(d.spec?.selector?.matchLabels, podLabels)) fail(where, "the selector does not match the pod's labels");
  if (pod.securityContext?.runAsNonRoot !== true) fail(where, "pod securityContext.runAsNonRoot is not true");
  if (pod.containers?.length !== 1) fail(where, "expected one container");
  const c = pod.containers?.[0] ?? {};
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
  const value = (name) => env[name]?.value;

  const service = value("OTEL_SERVICE_NAME");
  seenServices.push(service);
  if (service !== serviceFor(value("KURIR_MODULES") ?? "orders,items")) {
    fail(where, `OTEL_SERVICE_NAME ${service} does not fit KURIR_MODULES ${value("KURIR_MODULES")}`);
  }
  if (serviceFor(value("KURIR_MODULES") ?? "") === "order-service") {
    const url = value("KURIR_ITEMS_URL") ?? "";
    const target = ofKind("Service").find((s) => url.startsWith(`http://${s.metadata.name}:`));
    if (!target || target.metadata.labels?.["app.kubernetes.io/component"] !== "item-service") {
      fail(where, `KURIR_ITEMS_URL ${url} is not item-service's API Service`);
    }
  }

  const probe = (p, path) => p?.httpGet?.path === path && p.httpGet.port === "management";
  if (!probe(c.livenessProbe, "/health/live")) fail(where, "livenessProbe is not GET /health/live on the management port");
  if (!probe(c.readinessProbe, "/health/ready")) fail(where, "readinessProbe is not GET /health/ready on the management port");
  if (!c.ports?.some((p) => p.name === "management" && p.containerPort === Number(value("KURIR_MANAGEMENT_PORT")))) {
    fail(where, "port management is not KURIR_MANAGEMENT_PORT");
  }

  const timeout = seconds(value("KURIR_SHUTDOWN_TIMEOUT"));
  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  if (!(pod.terminationGracePeriodSeconds > timeout + preStop)) {
    fail(where, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} is not above KURIR_SHUTDOWN_TIMEOUT ${value("KURIR_SHUTDOWN_TIMEOUT")} + preStop ${preStop}s`);
  }

  if (!c.resources?.limits?.memory) fail(where, "no memory limit: the heap would be sized from the node");
  const javaOpts = value("KURIR_JAVA_OPTS") ?? "";
  if (!/-XX:MaxRAMPercentage=\d+/.test(javaOpts) || /-Xmx/.test(javaOpts)) {
    fail(where, `KURIR_JAVA_OPTS must size the heap with MaxRAMPercentage (of the container), was "${javaOpts}"`);
  }

  const sc = c.securityContext ?? {};
  if (sc.readOnlyRootFilesystem !== true) fail(where, "readOnlyRootFilesystem is not true");
  if (sc.allowPrivilegeEscalation !== false) fail(where, "allowPrivilegeEscalation is not false");
  if (!sc.capabilities?.drop?.includes("ALL")) fail(where, "capabilities are not all dropped");
  const writable = (c.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => m.mountPath);
  if (!isDeepStrictEqual(writable, ["/tmp"])) fail(where, `writable mounts must be /tmp only, were ${writable}`);
  const tmp = (pod.volumes ?? []).find((v) => v.name === c.volumeMounts?.find((m) => m.mountPath === "/tmp")?.name);
  if (!tmp?.emptyDir) fail(where, "/tmp is not an emptyDir");

  for (const name of fromSecret) {
    if (name === "KURIR_ADMIN_TOKEN" && !env[name]) continue;
    if (!env[name]?.valueFrom?.secretKeyRef?.name) fail(where, `${name} does not come from a Secret`);
  }
  if (/password=/i.test(value("KURIR_DB_URL") ?? "")) fail(where, "KURIR_DB_URL carries a password");

  const hpa = ofKind("HorizontalPodAutoscaler").find((h) => h.spec?.scaleTargetRef?.name === d.metadata.name);
  if (hpa && d.spec.replicas !== undefined) fail(where, "replicas set although an HPA scales it");
  if (!ofKind("PodDisruptionBudget").some((p) => matches(p.spec?.selector?.matchLabels, podLabels))) {
    fail(where, "no PodDisruptionBudget selects its pods");
  }
  const selecting = ofKind("Service").filter((s) => matches(s.spec?.selector, podLabels));
  for (const port of ["http", "management"]) {
    if (!selecting.some((s) => s.spec.ports?.some((p) => p.targetPort === port))) fail(where, `no Service for port ${port}`);
  }
}
if (!isDeepStrictEqual([...seenServices].sort(), [...services].sort())) {
  fail(rendered, `Deployments' OTEL_SERVICE_NAMEs are ${seenServices}, expected ${services}`);
}
for (const h of ofKind("HorizontalPodAutoscaler")) {
  if (!deployments.some((d) => d.metadata.name === h.spec?.scaleTargetRef?.name)) fail(id(h), "scales no Deployment of the chart");
}

// The ServiceMonitor must give the labels compose's rules and dashboards select on: job "api", service.
for (const sm of ofKind("ServiceMonitor")) {
  const targets = ofKind("Service").filter((s) => matches(sm.spec?.selector?.matchLabels, s.metadata.labels));
  const names = targets.map((s) => s.metadata.labels?.["kurir.dev/service"]).sort();
  if (!isDeepStrictEqual(names, [...services].sort())) fail(id(sm), `selects the Services of ${names}, expected ${services}`);
  for (const s of targets) {
    if (s.metadata.labels?.[sm.spec.jobLabel] !== "api") fail(id(sm), `job of ${s.metadata.name} would not be "api"`);
    if (!s.spec.ports?.some((p) => p.name === sm.spec.endpoints?.[0]?.port)) fail(id(sm), `no port ${sm.spec.endpoints?.[0]?.port} on ${s.metadata.name}`);
  }
}

// ---------------------------------------------------------------------------------------- 3. one source
const rules = ofKind("PrometheusRule");
if (rules.length > 0) {
  const dir = join(composeDir, "prometheus", "rules");
  const groups = readdirSync(dir).filter((f) => f.endsWith(".yml")).sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8"))[0].toJS().groups);
  const renderedGroups = rules.flatMap((r) => r.spec?.groups ?? []);
  if (!isDeepStrictEqual(renderedGroups, groups)) fail(id(rules[0]), `groups differ from ${dir}/*.yml`);
  if (rulesOut) writeFileSync(rulesOut, stringify({ groups: renderedGroups }));
}
const dashboards = ofKind("ConfigMap").filter((c) => c.metadata.name.includes("-dashboard-"));
if (dashboards.length > 0) {
  const dir = join(composeDir, "grafana", "dashboards");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const held = Object.fromEntries(dashboards.flatMap((c) => Object.entries(c.data ?? {})));
  if (!isDeepStrictEqual(Object.keys(held).sort(), files)) fail("dashboards", `ConfigMaps hold ${Object.keys(held)}, ${dir} has ${files}`);
  for (const f of files) {
    if (held[f] !== undefined && held[f] !== readFileSync(join(dir, f), "utf8")) fail("dashboards", `${f} differs from ${dir}/${f}`);
  }
}

// ------------------------------------------------------------------------------------------- the counts
for (const [kind, count] of expected) {
  if (ofKind(kind).length !== Number(count)) fail(rendered, `${ofKind(kind).length} ${kind}, expected ${count}`);
}

const counts = new Map();
for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
const kinds = [...counts].map(([kind, n]) => `${n} ${kind}`).join(", ");
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`${objects.length} objects valid (${kinds}); services ${services}`);
