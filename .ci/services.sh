#!/usr/bin/env bash
# What the serve/publish/endpoint tests need (issue 14), installed and checked; optionally started.
#
#   .ci/services.sh install        # apt: chromium, chromium-driver, virtuoso-opensource, libapache-jena-java
#                                  # pip (into the active venv): oxigraph (a store to publish to), SPARQLWrapper, selenium, starlette, uvicorn
#                                  # a separate venv .ci-kgx-venv with the stock kgx (tests/test_kgx_stock.py;
#                                  # kgx's pins clash with spasmkg's), pinned by .ci/kgx-constraints.txt
#   .ci/services.sh check          # print what is there; exit 1 if something the tests need is missing
#   .ci/services.sh start-oxigraph PORT   # an empty read-write Oxigraph server on 127.0.0.1:PORT (foreground)
#   .ci/services.sh start-virtuoso DIR PORT  # a fresh Virtuoso on 127.0.0.1:PORT with its database in DIR (foreground)
#
# The tests start and stop their own servers on 127.0.0.1 (tests/test_serve.py, test_endpoint.py,
# test_publish.py); the start-* commands are for trying the README's "When one machine is not enough"
# by hand. Nothing listens on anything but loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium chromium-driver virtuoso-opensource libapache-jena-java)
PIP_PACKAGES=("oxigraph==0.5.*" "SPARQLWrapper>=2" "selenium>=4.20" "starlette>=0.40" "uvicorn>=0.30")

apt_install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # another apt may hold the dpkg lock: wait for it (up to 10 min)
  for _ in $(seq 1 60); do
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      return 0
    fi
    echo "apt busy or failed; retrying in 10 s" >&2
    sleep 10
  done
  return 1
}

pip_install() {
  python -m pip install -q "${PIP_PACKAGES[@]}"
}

# kgx 2.6 (and biolink-model, whose files stand in for kgx's downloads) in a venv of its own.
KGX_VENV=.ci-kgx-venv
kgx_install() {
  if [ ! -x "$KGX_VENV/bin/python" ] || ! "$KGX_VENV/bin/python" -c "import kgx, biolink_model" 2>/dev/null; then
    rm -rf "$KGX_VENV"
    python3 -m venv "$KGX_VENV"
    "$KGX_VENV/bin/python" -m pip install -q -c .ci/kgx-constraints.txt "kgx==2.6.0" "biolink-model==4.4.6"
  fi
}

check() {
  local bad=0
  for b in chromium chromedriver virtuoso-t java; do
    if command -v "$b" >/dev/null 2>&1; then echo "ok   $b: $(command -v "$b")"; else echo "MISSING $b"; bad=1; fi
  done
  if [ -e /usr/share/java/jena-cmds.jar ]; then echo "ok   jena (rsparql): /usr/share/java/jena-cmds.jar"; else echo "MISSING jena-cmds.jar (libapache-jena-java)"; bad=1; fi
  local ox
  ox="$(dirname "$(command -v python)")/oxigraph"
  if [ -x "$ox" ] || command -v oxigraph >/dev/null 2>&1; then echo "ok   oxigraph server: $("${ox}" --version 2>/dev/null || oxigraph --version)"; else echo "MISSING oxigraph (pip install oxigraph)"; bad=1; fi
  if [ -x "$KGX_VENV/bin/python" ] && "$KGX_VENV/bin/python" -c "import kgx, biolink_model" 2>/dev/null; then
    echo "ok   kgx (own venv): $KGX_VENV/bin/python"
  else
    echo "MISSING kgx venv ($KGX_VENV): .ci/services.sh install"; bad=1
  fi
  python - <<'EOF' || bad=1
import importlib.util
missing = [m for m in ("SPARQLWrapper", "selenium", "starlette", "uvicorn") if importlib.util.find_spec(m) is None]
print("ok   python packages" if not missing else f"MISSING python packages: {' '.join(missing)}")
raise SystemExit(1 if missing else 0)
EOF
  return "$bad"
}

start_oxigraph() {
  local port="${1:?port}"
  exec oxigraph serve --bind "127.0.0.1:${port}"
}

start_virtuoso() {
  local dir="${1:?database folder}" port="${2:?http port}"
  mkdir -p "$dir"
  cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $dir/virtuoso.db
ErrorLogFile = $dir/virtuoso.log
LockFile = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$((port + 1))
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:$port
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 5
ServerThreads = 5
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
EOF
  cd "$dir" && exec virtuoso-t -f -c "$dir/virtuoso.ini"
}

case "${1:-install}" in
  install) apt_install && pip_install && kgx_install && check ;;
  check) check ;;
  start-oxigraph) shift; start_oxigraph "$@" ;;
  start-virtuoso) shift; start_virtuoso "$@" ;;
  *) echo "usage: $0 install|check|start-oxigraph PORT|start-virtuoso DIR PORT" >&2; exit 2 ;;
esac
