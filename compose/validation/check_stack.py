#!/usr/bin/env python3
"""Checks of the compose stack's provisioning that need no Docker engine (run by compose/validate.sh).

  check_stack.py static COMPOSE_DIR
      dashboards parse; every panel has a unit; every datasource UID a dashboard names is provisioned, with the
      same type; range selectors use $__rate_interval; the Service overview's time, refresh and variable; the
      datasources link to each other; every alert has a firing and a non-firing unit test.
  check_stack.py compose COMPOSE_DIR DEFAULT_CONFIG SPLIT_CONFIG
      the output of `docker compose config` without and with --profile split: which services each starts,
      images pinned, the kurir services built from compose/Dockerfile with the OTEL_* and KURIR_MODULES they need.
  check_stack.py prometheus-config COMPOSE_DIR OUT --kurir-port P --prometheus-port P [--rabbitmq HOST:PORT]
      writes compose/prometheus/prometheus.yml adapted to a local run: job "api" scrapes the local kurir as a
      static target labelled as DNS discovery would label "localhost", through the job's own relabelling (so
      `service` = "localhost"); every job scrapes every 2 s; rules from the repository; no Alertmanager.
  check_stack.py live COMPOSE_DIR --prometheus URL --service S --vhost V [--skip-rabbitmq] [--expect-exemplars]
      runs every PromQL expression of every dashboard (variables substituted) against that Prometheus and
      fails on any that returns no finite sample; checks the variables' queries, the alert rules' health and
      state after the validation's load, and the exemplars.

Exit status 0 when everything holds, 1 otherwise (each problem is printed).
"""
import argparse
import glob
import json
import math
import os
import re
import sys
import urllib.parse
import urllib.request

import yaml

PROBLEMS = []


def problem(message):
    PROBLEMS.append(message)
    print("  FAIL " + message)


def ok(message):
    print("  ok   " + message)


def load_dashboards(compose_dir):
    dashboards = {}
    for path in sorted(glob.glob(os.path.join(compose_dir, "grafana", "dashboards", "*.json"))):
        with open(path) as f:
            try:
                dashboards[os.path.basename(path)] = json.load(f)
            except json.JSONDecodeError as e:
                problem(f"{path}: not JSON: {e}")
    return dashboards


def load_datasources(compose_dir):
    sources = {}
    for path in glob.glob(os.path.join(compose_dir, "grafana", "provisioning", "datasources", "*.y*ml")):
        with open(path) as f:
            for ds in (yaml.safe_load(f) or {}).get("datasources", []):
                sources[ds["uid"]] = ds
    return sources


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # collapsed rows


def prometheus_targets(dashboard):
    """(panel, target) for every target that a Prometheus datasource answers."""
    for panel in panels_of(dashboard):
        for target in panel.get("targets", []):
            ds = target.get("datasource") or panel.get("datasource") or {}
            if ds.get("type") == "prometheus":
                yield panel, target


# ------------------------------------------------------------------------------------------------ static

def check_static(compose_dir):
    print("dashboards and datasources")
    sources = load_datasources(compose_dir)
    for uid in ("prometheus", "loki", "jaeger"):
        if uid not in sources:
            problem(f"datasource uid {uid!r} is not provisioned")
    prom, loki, jaeger = sources.get("prometheus", {}), sources.get("loki", {}), sources.get("jaeger", {})
    dests = [d.get("datasourceUid") for d in prom.get("jsonData", {}).get("exemplarTraceIdDestinations", [])]
    if "jaeger" not in dests:
        problem("Prometheus datasource: no exemplar link to the jaeger datasource")
    derived = loki.get("jsonData", {}).get("derivedFields", [])
    if not any(d.get("datasourceUid") == "jaeger" and d.get("matcherRegex") == "trace_id" for d in derived):
        problem("Loki datasource: no derived field trace_id -> jaeger")
    if jaeger.get("jsonData", {}).get("tracesToLogsV2", {}).get("datasourceUid") != "loki":
        problem("Jaeger datasource: no traces-to-logs link to loki")
    for uid, ds in sources.items():
        for link in ([d.get("datasourceUid") for d in ds.get("jsonData", {}).get("exemplarTraceIdDestinations", [])]
                     + [d.get("datasourceUid") for d in ds.get("jsonData", {}).get("derivedFields", [])]
                     + [ds.get("jsonData", {}).get("tracesToLogsV2", {}).get("datasourceUid")]):
            if link and link not in sources:
                problem(f"datasource {uid}: links to unknown datasource uid {link!r}")
    ok(f"datasources provisioned: {', '.join(sorted(sources))}")

    dashboards = load_dashboards(compose_dir)
    titles = {d.get("title") for d in dashboards.values()}
    for wanted in ("Service overview", "Outbox & inbox", "JVM", "RabbitMQ"):
        if wanted not in titles:
            problem(f"no dashboard titled {wanted!r}")
    uids = [d.get("uid") for d in dashboards.values()]
    if len(set(uids)) != len(uids) or None in uids:
        problem(f"dashboard uids missing or not unique: {uids}")
    selector = re.compile(r"\[([^\]]*)\]")
    for name, d in dashboards.items():
        count, before = 0, len(PROBLEMS)
        for panel in panels_of(d):
            if panel.get("type") == "row":
                continue
            count += 1
            where = f"{name}: panel {panel.get('title')!r}"
            unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
            if not unit:
                problem(f"{where}: no unit (fieldConfig.defaults.unit)")
            refs = [panel.get("datasource")] + [t.get("datasource") for t in panel.get("targets", [])]
            for ref in refs:
                if not ref:
                    continue
                if ref.get("uid") not in sources:
                    problem(f"{where}: datasource uid {ref.get('uid')!r} is not provisioned")
                elif ref.get("type") != sources[ref["uid"]]["type"]:
                    problem(f"{where}: datasource {ref['uid']!r} has type {ref.get('type')!r}, "
                            f"provisioned as {sources[ref['uid']]['type']!r}")
            if not panel.get("targets"):
                problem(f"{where}: no query")
            for target in panel.get("targets", []):
                expr = target.get("expr", "")
                if not expr.strip():
                    problem(f"{where}: empty expression")
                if (target.get("datasource") or panel.get("datasource") or {}).get("type") == "prometheus":
                    for window in selector.findall(expr):
                        if window != "$__rate_interval":
                            problem(f"{where}: range [{window}] instead of [$__rate_interval] in {expr}")
        for var in d.get("templating", {}).get("list", []):
            ref = var.get("datasource") or {}
            if ref and ref.get("uid") not in sources:
                problem(f"{name}: variable {var.get('name')}: datasource uid {ref.get('uid')!r} is not provisioned")
        if len(PROBLEMS) == before:
            ok(f"{name}: {count} panels, each with a unit and a provisioned datasource")

    overview = next((d for d in dashboards.values() if d.get("title") == "Service overview"), {})
    if overview.get("time", {}).get("from") != "now-5m" or overview.get("refresh") != "10s":
        problem("Service overview: must show the last 5 minutes and refresh every 10 s")
    if "service" not in [v.get("name") for v in overview.get("templating", {}).get("list", [])]:
        problem("Service overview: no `service` variable")
    for name, d in dashboards.items():
        if d.get("title") != "RabbitMQ" and "service" not in [v.get("name") for v in d["templating"]["list"]]:
            problem(f"{name}: no `service` variable")

    print("alert rules and their unit tests")
    alerts = set()
    for path in glob.glob(os.path.join(compose_dir, "prometheus", "rules", "*.yml")):
        with open(path) as f:
            for group in yaml.safe_load(f)["groups"]:
                alerts.update(r["alert"] for r in group["rules"] if "alert" in r)
    firing, quiet = set(), set()
    for path in glob.glob(os.path.join(compose_dir, "prometheus", "tests", "*.yml")):
        with open(path) as f:
            for test in yaml.safe_load(f)["tests"]:
                for case in test.get("alert_rule_test", []):
                    (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    wanted = {"KurirServiceDown", "KurirHttp5xxRatioHigh", "KurirLatencyP95AboveObjective", "KurirOutboxBacklogOld",
              "KurirRelayStalled", "KurirOutboxRowsFailed", "KurirInboxFailures", "KurirDeadLetterQueueNotEmpty"}
    for alert in sorted(wanted - alerts):
        problem(f"no alert {alert}")
    for alert in sorted(alerts):
        if alert not in firing:
            problem(f"alert {alert}: no unit test where it fires")
        if alert not in quiet:
            problem(f"alert {alert}: no unit test where it stays quiet")
    if not [p for p in PROBLEMS if p.startswith("alert ")]:
        ok(f"{len(alerts)} alerts, each tested firing and not firing")


# ------------------------------------------------------------------------------------------------ compose

KURIR_SERVICES = {"kurir": None, "order-service": "orders", "item-service": "items"}


def check_compose(compose_dir, default_config, split_config):
    """The output of `docker compose config` without and with --profile split."""
    print("compose file")
    with open(default_config) as f:
        default = yaml.safe_load(f)["services"]
    with open(split_config) as f:
        split = yaml.safe_load(f)["services"]
    active_default = {n for n, s in default.items() if not s.get("profiles")}
    active_split = {n for n, s in split.items() if not s.get("profiles") or "split" in s["profiles"]}
    expected = {"postgres", "rabbitmq", "kurir", "prometheus", "alertmanager", "jaeger", "loki", "alloy", "grafana"}
    if active_default != expected:
        problem(f"default services: {sorted(active_default)}, expected {sorted(expected)}")
    if active_split != expected | {"order-service", "item-service"}:
        problem(f"services with --profile split: {sorted(active_split)}")
    images = {}
    for name, service in split.items():
        image = service.get("image", "")
        images[name] = image
        if name in KURIR_SERVICES:
            build = service.get("build", {})
            if not str(build.get("dockerfile", "")).endswith("compose/Dockerfile"):
                problem(f"{name}: not built from compose/Dockerfile: {build}")
            env = service.get("environment", {})
            if isinstance(env, list):
                env = dict(item.split("=", 1) for item in env)
            expect = {"OTEL_SERVICE_NAME": name, "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
                      "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318"}
            if KURIR_SERVICES[name]:
                expect["KURIR_MODULES"] = KURIR_SERVICES[name]
            for key, value in expect.items():
                if str(env.get(key)) != value:
                    problem(f"{name}: {key}={env.get(key)!r}, expected {value!r}")
            if name == "order-service" and env.get("KURIR_ITEMS_URL") != "http://item-service:8080":
                problem(f"order-service: KURIR_ITEMS_URL={env.get('KURIR_ITEMS_URL')!r}")
        elif not re.fullmatch(r"[\w./-]+:v?\d+(\.\d+)+(-[\w.]+)?", image):
            problem(f"{name}: image {image!r} is not pinned to an exact version")
    prometheus = " ".join(split["prometheus"].get("command", []))
    if "--enable-feature=exemplar-storage" not in prometheus:
        problem("prometheus: exemplar storage is not enabled")
    with open(os.path.join(compose_dir, "rabbitmq", "enabled_plugins")) as f:
        if "rabbitmq_prometheus" not in f.read():
            problem("rabbitmq: rabbitmq_prometheus is not in enabled_plugins")
    wanted_majors = {"postgres": "postgres:17.", "rabbitmq": "rabbitmq:4.", "prometheus": "prom/prometheus:v3.",
                     "jaeger": "jaegertracing/jaeger:2.", "loki": "grafana/loki:3.", "grafana": "grafana/grafana:1",
                     "alloy": "grafana/alloy:v1."}
    for name, prefix in wanted_majors.items():
        if not images.get(name, "").startswith(prefix):
            problem(f"{name}: image {images.get(name)!r}, expected {prefix}*")
    ok("images: " + ", ".join(f"{images[n]}" for n in sorted(images) if n not in KURIR_SERVICES))
    ok(f"default: {len(active_default)} services; --profile split adds order-service, item-service")


# ------------------------------------------------------------------------------------ prometheus config

def write_prometheus_config(compose_dir, out, kurir_port, prometheus_port, rabbitmq):
    with open(os.path.join(compose_dir, "prometheus", "prometheus.yml")) as f:
        config = yaml.safe_load(f)
    config["global"]["scrape_interval"] = "2s"
    config["global"]["scrape_timeout"] = "2s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [os.path.join(os.path.abspath(compose_dir), "prometheus", "rules", "*.yml")]
    config.pop("alerting", None)
    jobs = []
    for job in config["scrape_configs"]:
        job["scrape_interval"] = "2s"
        job.pop("scrape_timeout", None)
        name = job["job_name"]
        if name == "api":
            # Docker's DNS does not exist here (and Prometheus's DNS discovery reads no /etc/hosts): a static
            # target carrying the label DNS discovery would set, so the job's relabelling runs unchanged.
            if [sd["names"] for sd in job.pop("dns_sd_configs")] != [["kurir", "order-service", "item-service"]]:
                raise SystemExit("job api: unexpected dns_sd_configs")
            job["static_configs"] = [{"targets": [f"127.0.0.1:{kurir_port}"],
                                      "labels": {"__meta_dns_name": "localhost"}}]
        elif name.startswith("rabbitmq"):
            if not rabbitmq:
                continue
            for sc in job["static_configs"]:
                sc["targets"] = [rabbitmq]
        elif name == "prometheus":
            job["static_configs"] = [{"targets": [f"127.0.0.1:{prometheus_port}"]}]
        else:
            continue  # alertmanager: not run here
        jobs.append(job)
    config["scrape_configs"] = jobs
    with open(out, "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)


# ------------------------------------------------------------------------------------------------- live

class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(f"{self.url}{path}?{query}", timeout=10) as response:
            body = json.load(response)
        if body.get("status") != "success":
            raise RuntimeError(f"{path} {params}: {body}")
        return body["data"]

    def query(self, expr):
        return self.get("/api/v1/query", query=expr)


def substitute(expr, values):
    def replace(match):
        name = match.group(1) or match.group(2)
        if name not in values:
            raise KeyError(name)
        return values[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", replace, expr)


def finite_samples(data):
    result = data.get("result", [])
    if data.get("resultType") == "scalar":
        result = [{"value": result}]
    return [r for r in result if not math.isnan(float(r["value"][1])) and not math.isinf(float(r["value"][1]))]


def check_live(compose_dir, url, service, vhost, skip_rabbitmq, expect_exemplars):
    prometheus = Prometheus(url)
    def regex(value):  # as Grafana formats a variable for a =~ matcher, escaped for a PromQL string
        return re.escape(value).replace("\\", "\\\\")
    values = {"service": regex(service), "module": ".*", "vhost": regex(vhost), "__rate_interval": "1m"}
    dashboards = load_dashboards(compose_dir)
    print(f"dashboard queries against {url} (service={service}, vhost={vhost}, $__rate_interval=1m)")
    checked = 0
    for name, d in dashboards.items():
        if skip_rabbitmq and d.get("title") == "RabbitMQ":
            print(f"  SKIP {name}: no RabbitMQ metrics here")
            continue
        for var in d.get("templating", {}).get("list", []):
            query = var.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            match = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query or "")
            if not match:
                problem(f"{name}: variable {var.get('name')}: not a label_values() query: {query!r}")
                continue
            expr, label = substitute(match.group(1), values), match.group(2)
            found = sorted({s.get(label) for s in prometheus.get("/api/v1/series", **{"match[]": expr})} - {None})
            expected = {"service": [service], "module": ["items", "orders"], "vhost": [vhost]}.get(var["name"], [])
            missing = [v for v in expected if v not in found]
            if not found or missing:
                problem(f"{name}: variable {var['name']}: {query} gives {found}, missing {missing}")
            else:
                ok(f"{name}: variable {var['name']} = {found}")
        for panel, target in prometheus_targets(d):
            checked += 1
            where = f"{name}: {panel.get('title')!r} {target.get('refId')}"
            try:
                expr = substitute(target["expr"], values)
            except KeyError as e:
                problem(f"{where}: unknown variable ${e.args[0]} in {target['expr']}")
                continue
            try:
                samples = finite_samples(prometheus.query(expr))
            except Exception as e:  # a query Prometheus refuses
                problem(f"{where}: {e}")
                continue
            if samples:
                ok(f"{where}: {len(samples)} series")
            else:
                problem(f"{where}: no series with a value: {expr}")
    print(f"  {checked} dashboard expressions run")

    print("alert rules on the real series")
    groups = prometheus.get("/api/v1/rules")["groups"]
    rules = {r["name"]: r for g in groups for r in g["rules"] if r["type"] == "alerting"}
    for r in rules.values():
        if r.get("health") != "ok":
            problem(f"rule {r['name']}: health {r.get('health')}: {r.get('lastError')}")
    # "Down" may be pending after one slow scrape on a busy machine; firing takes a minute of it.
    expected_state = {"KurirServiceDown": {"inactive", "pending"}, "KurirOutboxRowsFailed": {"firing"},
                      "KurirInboxRowsFailed": {"firing"}, "KurirInboxFailures": {"firing"}}
    if not skip_rabbitmq:
        expected_state.update({"RabbitMQDown": {"inactive", "pending"},
                               "KurirDeadLetterQueueNotEmpty": {"pending", "firing"}})
    for name, states in expected_state.items():
        state = rules.get(name, {}).get("state")
        if state in states:
            ok(f"{name}: {state}")
        else:
            problem(f"{name}: {state}, expected {' or '.join(sorted(states))} after the validation's load")
    names = set()
    for path in glob.glob(os.path.join(compose_dir, "prometheus", "rules", "*.yml")):
        with open(path) as f:
            for group in yaml.safe_load(f)["groups"]:
                for rule in group["rules"]:
                    names.update(re.findall(r"\b((?:kurir|rabbitmq)_[a-z_]+)", rule["expr"]))
    for metric in sorted(names):
        if skip_rabbitmq and metric.startswith("rabbitmq_"):
            continue
        if finite_samples(prometheus.query(f'count({{__name__="{metric}"}})')):
            ok(f"metric in the rules exists: {metric}")
        else:
            problem(f"metric in the rules has no series: {metric}")

    print("exemplars (kept by --enable-feature=exemplar-storage, scraped over OpenMetrics)")
    total = 0
    for metric in ("kurir_http_server_request_duration_seconds_bucket", "kurir_outbox_delivery_lag_seconds_bucket",
                   "kurir_inbox_processing_duration_seconds_bucket"):
        data = prometheus.get("/api/v1/query_exemplars", query=metric, start="0", end="9999999999")
        with_trace = sum(1 for series in data for e in series.get("exemplars", []) if "trace_id" in e["labels"])
        total += with_trace
        print(f"  {metric}: {with_trace} exemplars with a trace_id")
    if expect_exemplars and total == 0:
        problem("no exemplar with a trace_id although the OpenTelemetry agent was attached")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    static = sub.add_parser("static")
    static.add_argument("compose_dir")
    config = sub.add_parser("prometheus-config")
    config.add_argument("compose_dir")
    config.add_argument("out")
    config.add_argument("--kurir-port", type=int, required=True)
    config.add_argument("--prometheus-port", type=int, required=True)
    config.add_argument("--rabbitmq")
    compose = sub.add_parser("compose")
    compose.add_argument("compose_dir")
    compose.add_argument("default_config")
    compose.add_argument("split_config")
    live = sub.add_parser("live")
    live.add_argument("compose_dir")
    live.add_argument("--prometheus", required=True)
    live.add_argument("--service", required=True)
    live.add_argument("--vhost", required=True)
    live.add_argument("--skip-rabbitmq", action="store_true")
    live.add_argument("--expect-exemplars", action="store_true")
    args = parser.parse_args()
    if args.command == "static":
        check_static(args.compose_dir)
    elif args.command == "compose":
        check_compose(args.compose_dir, args.default_config, args.split_config)
    elif args.command == "prometheus-config":
        write_prometheus_config(args.compose_dir, args.out, args.kurir_port, args.prometheus_port, args.rabbitmq)
    else:
        check_live(args.compose_dir, args.prometheus, args.service, args.vhost, args.skip_rabbitmq,
                   args.expect_exemplars)
    if PROBLEMS:
        print(f"{len(PROBLEMS)} problem(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
