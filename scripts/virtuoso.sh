#!/usr/bin/env bash
# A private Virtuoso for development and tests: Debian's virtuoso-t on free loopback ports, with
# its own ini and database in a state directory, anonymous SPARQL update and Graph Store writes
# granted. The ini comes from test/support/virtuoso.ts (which vitest uses); it shares its template db.
#
#   scripts/virtuoso.sh start    # prints the endpoint URLs and PROVML_* exports
#   scripts/virtuoso.sh status
#   scripts/virtuoso.sh stop     # stops it by PID and deletes the state directory
#
# State: $PROVML_VIRTUOSO_HOME (default ${TMPDIR:-/tmp}/provml-virtuoso-$UID).
# Virtuoso applies `GRANT SPARQL_UPDATE TO "SPARQL"` only after a restart, and a new database
# takes ~4 s; so a granted template database is built once and copied on every start (~2 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

STATE="${PROVML_VIRTUOSO_HOME:-${TMPDIR:-/tmp}/provml-virtuoso-$UID}"
SERVER="${PROVML_VIRTUOSO_BIN:-$(command -v virtuoso-t || echo /usr/bin/virtuoso-t)}"
ISQL="$(command -v isql-vt || command -v isql || echo /usr/bin/isql-vt)"
GRANTS='GRANT SPARQL_UPDATE TO "SPARQL"; GRANT SPARQL_LOAD_SERVICE_DATA TO "SPARQL";'

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

write_ini() { # dir sqlport httpport — the ini comes from test/support/virtuoso.ts (one source for both)
  (cd "$ROOT" && node --import tsx --input-type=module -e \
    "const { virtuosoIni } = await import('./test/support/virtuoso.ts'); process.stdout.write(virtuosoIni(process.argv[1], Number(process.argv[2]), Number(process.argv[3])));" \
    "$1" "$2" "$3") >"$1/virtuoso.ini"
}

launch() { # dir -> sets PID SQL_PORT HTTP_PORT
  local dir="$1" start
  for _ in 1 2 3; do
    SQL_PORT=$(free_port); HTTP_PORT=$(free_port)
    write_ini "$dir" "$SQL_PORT" "$HTTP_PORT"
    start=$(date +%s%N)
    (cd "$dir" && exec setsid "$SERVER" +configfile "$dir/virtuoso.ini" +foreground >/dev/null 2>&1 </dev/null) &
    PID=$!
    for _ in $(seq 1 1200); do
      kill -0 "$PID" 2>/dev/null || break
      if curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/sparql?query=ASK%7B%7D"; then
        STARTUP_MS=$(( ($(date +%s%N) - start) / 1000000 ))
        return 0
      fi
      sleep 0.05
    done
    kill -9 "$PID" 2>/dev/null || true
  done
  tail -n 8 "$dir/virtuoso.log" >&2 || true
  die "virtuoso-t did not come up in $dir"
}

template() { # -> prints the template db path
  local version home dir
  version=$("$SERVER" -? 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p' | head -n 1)
  home="${TMPDIR:-/tmp}/provml-virtuoso-template-${version:-unknown}-$UID"
  if [[ ! -f "$home/virtuoso.db" ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/provml-virtuoso-build-XXXXXX")
    launch "$dir" >&2
    "$ISQL" "127.0.0.1:$SQL_PORT" dba dba exec="$GRANTS" >/dev/null
    "$ISQL" "127.0.0.1:$SQL_PORT" dba dba exec="checkpoint;" >/dev/null
    kill -TERM "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.05; done
    mkdir "$dir/template" && mv "$dir/virtuoso.db" "$dir/template/"
    mv -T "$dir/template" "$home" 2>/dev/null || true # another process won the race: fine
    rm -rf "$dir"
  fi
  echo "$home/virtuoso.db"
}

cmd_status() {
  if [[ -f "$STATE/pid" ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    cat "$STATE/env"
    return 0
  fi
  echo "virtuoso.sh: not running" >&2
  return 3
}

cmd_start() {
  [[ -x "$SERVER" ]] || die "virtuoso-t not found: apt-get install -y virtuoso-opensource"
  if cmd_status >/dev/null 2>&1; then cmd_status; return 0; fi
  local db
  db=$(template)
  rm -rf "$STATE"; mkdir -p "$STATE"; chmod 700 "$STATE"
  cp "$db" "$STATE/virtuoso.db"
  launch "$STATE"
  echo "$PID" >"$STATE/pid"
  cat >"$STATE/env" <<EOF
# Virtuoso pid $PID, up in ${STARTUP_MS} ms, state in $STATE (SQL: $ISQL 127.0.0.1:$SQL_PORT dba dba)
export PROVML_ENDPOINT=http://127.0.0.1:$HTTP_PORT/sparql
export PROVML_GSP_ENDPOINT=http://127.0.0.1:$HTTP_PORT/sparql-graph-crud
export PROVML_GSP_STYLE=virtuoso
EOF
  cat "$STATE/env"
}

cmd_stop() {
  if [[ -f "$STATE/pid" ]]; then
    local pid; pid=$(cat "$STATE/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$STATE"
  echo "virtuoso.sh: stopped"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
