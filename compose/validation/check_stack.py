#!/usr/bin/env python3
"""Checks of the compose stack's provisioning that need no Docker engine (run by compose/validate.sh).

  check_stack.py static COMPOSE_DIR
      dashboards parse; every panel has a unit; every datasource UID a dashboard names is provisioned, with the
      same type; range selectors use $__rate_interval; the Service overview's time, refresh and variable; the
      datasources link to each other; every alert has a firing and a non-firing unit test.
  check_stack.py compose COMPOSE_DIR DEFAULT_CONFIG ALL_PROFILES_CONFIG
      the output of `docker compose config` without and with --profile split --profile load: which services each
      starts, images pinned, the kurir services built from compose/Dockerfile with the OTEL_* and KURIR_MODULES they
      need (the service names as otel-env.sh derives them), grace periods longer than kurir's shutdown timeout,
      log rotation and resource limits everywhere, PostgreSQL's health check over TCP, Grafana's Explore for
      anonymous users, an Alloy that negotiates the Docker API version, the load generator.
  check_stack.py prometheus-config COMPOSE_DIR OUT --kurir-port P --prometheus-port P [--rabbitmq HOST:PORT]
                 [--postgres HOST:PORT]
      writes compose/prometheus/prometheus.yml adapted to a local run: job "api" scrapes the local kurir as a
      static target labelled as DNS discovery would label "localhost", through the job's own relabelling (so
      `service` = "localhost"); every job scrapes every 2 s; rules from the repository; no Alertmanager; without
      the Prometheus 3 setting always_scrape_classic_histograms, which the local Prometheus 2 does not know.
  check_stack.py live COMPOSE_DIR --prometheus URL --service S --vhost V --database D [--skip-rabbitmq]
                 [--expect-exemplars]
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
import subprocess
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
    for wanted in ("Service overview", "Outbox & inbox", "JVM", "RabbitMQ", "PostgreSQL"):
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
        if d.get("title") not in ("RabbitMQ", "PostgreSQL") and \
                "service" not in [v.get("name") for v in d["templating"]["list"]]:
            problem(f"{name}: no `service` variable")

    print("prometheus.yml")
    with open(os.path.join(compose_dir, "prometheus", "prometheus.yml")) as f:
        prometheus = yaml.safe_load(f)
    # The dashboards and alerts read classic *_bucket series: a Prometheus that scrapes native histograms keeps
    # them only with always_scrape_classic_histograms (kurir serves both forms).
    if prometheus.get("global", {}).get("always_scrape_classic_histograms") is not True:
        problem("prometheus.yml: global always_scrape_classic_histograms is not true: with native histograms "
                "scraped, the *_bucket series of every latency panel and alert would be dropped")
    for job in prometheus.get("scrape_configs", []):
        if job.get("always_scrape_classic_histograms") is False:
            problem(f"prometheus.yml: job {job['job_name']} turns always_scrape_classic_histograms off")
    if not [p for p in PROBLEMS if p.startswith("prometheus.yml")]:
        ok("classic histograms kept (always_scrape_classic_histograms: true)")

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
DURATION = re.compile(r"(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?")
# Alloy before v1.17.0 asks the Docker API for version 1.43, which Docker Engine 29 refuses (grafana/alloy#5610);
# v1.17.0 moved to the moby client, which negotiates the version.
ALLOY_NEGOTIATES_FROM = (1, 17, 0)


def seconds(value):
    """A compose duration (30s, 1m30s, 500ms) in seconds; None when it is not one."""
    match = DURATION.fullmatch(str(value or ""))
    if not value or not match:
        return None
    minutes, secs, millis = (int(g or 0) for g in match.groups())
    return minutes * 60 + secs + millis / 1000


def kurir_shutdown_default(compose_dir):
    """KURIR_SHUTDOWN_TIMEOUT's default, read from KurirConfig.java, so a change there is seen here."""
    source = os.path.join(compose_dir, "..", "bootstrap", "src", "main", "java", "dev", "kurir", "bootstrap",
                          "KurirConfig.java")
    with open(source) as f:
        match = re.search(r'"KURIR_SHUTDOWN_TIMEOUT",\s*Duration\.ofSeconds\((\d+)\)', f.read())
    if not match:
        raise SystemExit(f"{source}: no default for KURIR_SHUTDOWN_TIMEOUT found")
    return int(match.group(1))


def derived_service_name(compose_dir, modules):
    """OTEL_SERVICE_NAME as bootstrap/src/main/agent/otel-env.sh (the one place that decides it) derives it."""
    script = os.path.join(compose_dir, "..", "bootstrap", "src", "main", "agent", "otel-env.sh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_") and k != "KURIR_MODULES"}
    if modules:
        env["KURIR_MODULES"] = modules
    return subprocess.run(["sh", "-c", '. "$0" && printf %s "$OTEL_SERVICE_NAME"', script], env=env,
                          capture_output=True, text=True, check=True).stdout


def environment(service):
    env = service.get("environment", {}) or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def check_compose(compose_dir, default_config, all_config):
    """The output of `docker compose config` without and with --profile split --profile load."""
    print("compose file")
    with open(default_config) as f:
        default = yaml.safe_load(f)["services"]
    with open(all_config) as f:
        every = yaml.safe_load(f)["services"]
    active_default = {n for n, s in default.items() if not s.get("profiles")}
    expected = {"postgres", "postgres-exporter", "rabbitmq", "kurir", "prometheus", "alertmanager", "jaeger", "loki",
                "alloy", "grafana"}
    if active_default != expected:
        problem(f"default services: {sorted(active_default)}, expected {sorted(expected)}")
    if set(every) != expected | {"order-service", "item-service", "load"}:
        problem(f"services with --profile split --profile load: {sorted(every)}")
    for name, profile in (("order-service", "split"), ("item-service", "split"), ("load", "load")):
        if name in every and every[name].get("profiles") != [profile]:
            problem(f"{name}: profiles {every[name].get('profiles')}, expected [{profile}]")
    shutdown = kurir_shutdown_default(compose_dir)
    images = {}
    for name, service in every.items():
        image = service.get("image", "")
        images[name] = image
        built = str(service.get("build", {}).get("dockerfile", "")).endswith("compose/Dockerfile")
        env = environment(service)
        if name in KURIR_SERVICES:
            if not built:
                problem(f"{name}: not built from compose/Dockerfile: {service.get('build')}")
            expect = {"OTEL_SERVICE_NAME": name, "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
                      "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318"}
            if KURIR_SERVICES[name]:
                expect["KURIR_MODULES"] = KURIR_SERVICES[name]
            for key, value in expect.items():
                if env.get(key) != value:
                    problem(f"{name}: {key}={env.get(key)!r}, expected {value!r}")
            derived = derived_service_name(compose_dir, env.get("KURIR_MODULES"))
            if derived != name:
                problem(f"{name}: otel-env.sh names KURIR_MODULES={env.get('KURIR_MODULES')!r} {derived!r}")
            if name == "order-service" and env.get("KURIR_ITEMS_URL") != "http://item-service:8080":
                problem(f"order-service: KURIR_ITEMS_URL={env.get('KURIR_ITEMS_URL')!r}")
            # docker stop sends SIGTERM, then SIGKILL after the grace period (10 s unless set).
            timeout = seconds(env.get("KURIR_SHUTDOWN_TIMEOUT")) or shutdown
            grace = seconds(service.get("stop_grace_period")) or 10
            if grace < timeout + 5:
                problem(f"{name}: stop_grace_period {grace:g}s is not above KURIR_SHUTDOWN_TIMEOUT ({timeout:g}s) "
                        f"with 5 s to spare: Docker kills kurir in the middle of its shutdown")
        elif built:
            pass  # the load generator: kurir's image
        elif not re.fullmatch(r"[\w./-]+:v?\d+(\.\d+)+(-[\w.]+)?", image):
            problem(f"{name}: image {image!r} is not pinned to an exact version")
        logging = service.get("logging") or {}
        if logging.get("driver") not in ("json-file", "local") or (
                logging.get("driver") == "json-file" and not (logging.get("options") or {}).get("max-size")):
            problem(f"{name}: container logs not rotated (logging: {logging})")
        limits = (service.get("deploy") or {}).get("resources", {}).get("limits", {})
        if not (service.get("mem_limit") or limits.get("memory")):
            problem(f"{name}: no memory limit")
        if not (service.get("cpus") or limits.get("cpus")):
            problem(f"{name}: no CPU limit")
    postgres_test = " ".join(every["postgres"].get("healthcheck", {}).get("test", []))
    # The image's init-time server listens on the Unix socket only: over it, pg_isready says ready too early.
    if "pg_isready" not in postgres_test or not re.search(r"(-h\s*|--host=)(?!/)\S+", postgres_test):
        problem(f"postgres: the health check does not ask over TCP (pg_isready -h HOST): {postgres_test!r}")
    grafana = environment(every["grafana"])
    if grafana.get("GF_AUTH_ANONYMOUS_ENABLED") == "true" and grafana.get("GF_AUTH_ANONYMOUS_ORG_ROLE") == "Viewer" \
            and grafana.get("GF_USERS_VIEWERS_CAN_EDIT") != "true":
        problem("grafana: anonymous Viewers cannot open Explore (the exemplar, log and trace links need it): "
                "set GF_USERS_VIEWERS_CAN_EDIT=true")
    alloy = re.fullmatch(r"grafana/alloy:v(\d+)\.(\d+)\.(\d+)", images.get("alloy", ""))
    if not alloy or tuple(int(g) for g in alloy.groups()) < ALLOY_NEGOTIATES_FROM:
        problem(f"alloy: {images.get('alloy')!r} is older than v1.17.0, whose Docker client asks for API 1.43, "
                "which Docker Engine 29 refuses (grafana/alloy#5610)")
    load = every.get("load", {})
    load_env = environment(load)
    if load.get("entrypoint") != ["/app/load/load.sh"] or load_env.get("LOAD_URL") != "http://kurir:8080" \
            or not load_env.get("LOAD_RATE") or "kurir" not in (load.get("depends_on") or {}):
        problem(f"load: not the load generator on kurir's API: entrypoint {load.get('entrypoint')}, env {load_env}")
    exporter = environment(every.get("postgres-exporter", {}))
    if not exporter.get("DATA_SOURCE_URI", "").startswith("postgres:5432/"):
        problem(f"postgres-exporter: DATA_SOURCE_URI={exporter.get('DATA_SOURCE_URI')!r}, expected postgres:5432/...")
    with open(os.path.join(compose_dir, "rabbitmq", "enabled_plugins")) as f:
        if "rabbitmq_prometheus" not in f.read():
            problem("rabbitmq: rabbitmq_prometheus is not in enabled_plugins")
    prometheus = " ".join(every["prometheus"].get("command", []))
    if "--enable-feature=exemplar-storage" not in prometheus:
        problem("prometheus: exemplar storage is not enabled")
    wanted_majors = {"postgres": "postgres:17.", "rabbitmq": "rabbitmq:4.", "prometheus": "prom/prometheus:v3.",
                     "jaeger": "jaegertracing/jaeger:2.", "loki": "grafana/loki:3.", "grafana": "grafana/grafana:1",
                     "alloy": "grafana/alloy:v1.", "postgres-exporter": "prometheuscommunity/postgres-exporter:v0."}
    for name, prefix in wanted_majors.items():
        if not images.get(name, "").startswith(prefix):
            problem(f"{name}: image {images.get(name)!r}, expected {prefix}*")
    ok("images: " + ", ".join(f"{images[n]}" for n in sorted(images) if n not in KURIR_SERVICES and n != "load"))
    ok(f"default: {len(active_default)} services; split adds order-service, item-service; load adds load")
    if not [p for p in PROBLEMS if not p.startswith(("default", "services"))]:
        ok(f"kurir services: names as otel-env.sh derives them, stop_grace_period > {shutdown}s shutdown timeout; "
           "every service: logs rotated, memory and CPU limited; postgres health over TCP; Grafana Explore for "
           "viewers; Alloy >= v1.17.0")


# ------------------------------------------------------------------------------------ prometheus config

def write_prometheus_config(compose_dir, out, kurir_port, prometheus_port, rabbitmq, postgres):
    with open(os.path.join(compose_dir, "prometheus", "prometheus.yml")) as f:
        config = yaml.safe_load(f)
    # A Prometheus 3 setting (checked by `static`); the Debian Prometheus 2 this runs on refuses it.
    config["global"].pop("always_scrape_classic_histograms", None)
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
        elif name == "postgres":
            if not postgres:
                continue
            for sc in job["static_configs"]:
                sc["targets"] = [postgres]
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


def check_live(compose_dir, url, service, vhost, database, skip_rabbitmq, expect_exemplars):
    prometheus = Prometheus(url)
    def regex(value):  # as Grafana formats a variable for a =~ matcher, escaped for a PromQL string
        return re.escape(value).replace("\\", "\\\\")
    values = {"service": regex(service), "module": ".*", "vhost": regex(vhost), "database": regex(database),
              "__rate_interval": "1m"}
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
            expected = {"service": [service], "module": ["items", "orders"], "vhost": [vhost],
                        "database": [database]}.get(var["name"], [])
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
    config.add_argument("--postgres")
    compose = sub.add_parser("compose")
    compose.add_argument("compose_dir")
    compose.add_argument("default_config")
    compose.add_argument("all_config")
    live = sub.add_parser("live")
    live.add_argument("compose_dir")
    live.add_argument("--prometheus", required=True)
    live.add_argument("--service", required=True)
    live.add_argument("--vhost", required=True)
    live.add_argument("--database", required=True)
    live.add_argument("--skip-rabbitmq", action="store_true")
    live.add_argument("--expect-exemplars", action="store_true")
    args = parser.parse_args()
    if args.command == "static":
        check_static(args.compose_dir)
    elif args.command == "compose":
        check_compose(args.compose_dir, args.default_config, args.all_config)
    elif args.command == "prometheus-config":
        write_prometheus_config(args.compose_dir, args.out, args.kurir_port, args.prometheus_port, args.rabbitmq,
                                args.postgres)
    else:
        check_live(args.compose_dir, args.prometheus, args.service, args.vhost, args.database, args.skip_rabbitmq,
                   args.expect_exemplars)
    if PROBLEMS:
        print(f"{len(PROBLEMS)} problem(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
