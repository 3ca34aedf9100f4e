#!/usr/bin/env bash
# Checks the deployment and supply-chain configuration, offline, in a few seconds:
#   - the GitHub workflows against GitHub's workflow schema, the compose files against
#     the Compose specification (check-jsonschema, schemas built into the package);
#   - deploy/Caddyfile with `caddy validate`, in its production form and its smoke-test
#     form (the same file, other placeholder values);
#   - the Prometheus configuration and alert rules (`promtool check config`, `check
#     rules`) and the alerts' unit tests (`promtool test rules`);
#   - the Grafana dashboard: valid JSON, and every Paddock metric it or the alerts use
#     is one the server exports (src/), or a proposed one listed below;
#   - .env.example lists every variable the production compose file reads;
#   - the shell scripts parse (bash -n, sh -n);
#   - dependencies: `cargo deny check licenses bans sources` (deny.toml).
# Called by scripts/test.sh; tools come from scripts/install-tools.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
venv="${PADDOCK_VENV:-$HOME/.cache/paddock/venv}"
check_jsonschema="$venv/bin/check-jsonschema"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say() { printf -- '--- %s\n' "$*"; }

say "GitHub workflows (schema vendor.github-workflows)"
"$check_jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml

say "compose files (schema vendor.compose-spec)"
"$check_jsonschema" --builtin-schema vendor.compose-spec deploy/docker-compose.prod.yml docker-compose.yml

say "deploy/Caddyfile (caddy validate: production, then smoke-test values)"
for domain in paddock.example http://127.0.0.1:18480; do
  env -i PATH="$PATH" HOME="$work" XDG_DATA_HOME="$work/caddy-data" XDG_CONFIG_HOME="$work/caddy-config" \
    PADDOCK_DOMAIN="$domain" PADDOCK_ACME_EMAIL=ops@paddock.example \
    caddy validate --config deploy/Caddyfile --adapter caddyfile >"$work/caddy.log" 2>&1 ||
    { cat "$work/caddy.log"; exit 1; }
  echo "$domain: $(tail -n 1 "$work/caddy.log")"
done

say "Prometheus configuration, alert rules and their unit tests (promtool)"
# The compose entrypoint writes the token file; promtool wants it to exist.
token_file=/tmp/paddock-metrics-token
made_token=false
if [ ! -e "$token_file" ]; then
  printf 'check' >"$token_file"
  made_token=true
fi
status=0
(cd deploy/monitoring && promtool check config prometheus.yml) || status=$?
[ "$made_token" = true ] && rm -f "$token_file"
[ "$status" -eq 0 ] || exit "$status"
(cd deploy/monitoring && promtool check rules alerts.yml && promtool test rules alerts.test.yml)

say "Grafana dashboard and metric names"
python3 - deploy/monitoring/grafana-dashboard.json deploy/monitoring/alerts.yml <<'PY'
import json, pathlib, re, sys

dashboard_path, alerts_path = sys.argv[1], sys.argv[2]
dashboard = json.loads(pathlib.Path(dashboard_path).read_text())
assert dashboard.get("panels"), "the dashboard has no panels"

# Metrics the server registers (metrics::counter!/gauge!/histogram!("name" …) in src/).
exported = {}
for path in pathlib.Path("src").rglob("*.rs"):
    for kind, name in re.findall(r'metrics::(counter|gauge|histogram)!\(\s*"([a-z_:][a-z0-9_:]*)"', path.read_text()):
        exported[name] = kind
# Their series: histograms whose name ends in _seconds have buckets (observability.rs);
# other histograms are summaries (quantile label, _sum, _count).
series = set()
for name, kind in exported.items():
    series.add(name)
    if kind == "histogram":
        series |= {name + "_sum", name + "_count"}
        if name.endswith("_seconds"):
            series.add(name + "_bucket")
# Metrics an alert may name before the server exports them (none today).
proposed = set()

def used(text):
    return set(re.findall(r"\b(paddock_[a-z0-9_]+)\b", text))

problems = []
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
exprs += [v.get("query", "") if isinstance(v.get("query"), str) else v.get("query", {}).get("query", "")
          for v in dashboard.get("templating", {}).get("list", [])]
for name in sorted(used("\n".join(exprs))):
    if name not in series:
        problems.append(f"dashboard uses {name}, which the server does not export")
for name in sorted(used(pathlib.Path(alerts_path).read_text())):
    if name not in series and name not in proposed:
        problems.append(f"alerts use {name}, which the server does not export")
if problems:
    sys.exit("\n".join(problems))
panels = len(dashboard["panels"])
print(f"{panels} panels; {len(used(chr(10).join(exprs)))} Paddock metrics used, all exported by src/")
PY

say ".env.example lists what the production compose file reads"
# shellcheck disable=SC2016 # the pattern is a literal ${
# Both ${VAR…} references and the settings passed through (`  VAR:` with no value).
missing=$( { grep -oE '\$\{[A-Z_][A-Z0-9_]*' deploy/docker-compose.prod.yml | tr -d '${'
             grep -oE '^  [A-Z_][A-Z0-9_]*:[[:space:]]*$' deploy/docker-compose.prod.yml | tr -d ' :'; } | sort -u |
  while read -r var; do grep -qE "^#?${var}=" .env.example || echo "$var"; done)
if [ -n "$missing" ]; then
  echo "missing from .env.example: $missing" >&2
  exit 1
fi
echo "ok"

say "shell scripts parse"
for script in scripts/*.sh; do bash -n "$script"; done
for script in deploy/*.sh; do sh -n "$script"; done
echo "ok"

say "dependencies (cargo deny check licenses bans sources)"
cargo deny check --hide-inclusion-graph licenses bans sources 2>"$work/deny.log" ||
  { cat "$work/deny.log"; exit 1; }
tail -n 1 "$work/deny.log"
