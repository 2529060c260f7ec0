#!/usr/bin/env bash
# A real Virtuoso (Debian's virtuoso-opensource-7-bin) on 127.0.0.1 for the remote-store tests.
#
#   source .ci/virtuoso.sh start   # install if missing, start, secure; exports CLUSTERGRAPH_TEST_VIRTUOSO_*
#   .ci/virtuoso.sh start          # the same, printing the `export ...` lines instead
#   .ci/virtuoso.sh env            # print the export lines of a running instance
#   .ci/virtuoso.sh stop           # stop it by its process id
#
# Idempotent: a second `start` finds the running server (or restarts the kept database)
# and prints the same lines. Everything lives in $VIRTUOSO_DIR (default
# ${TMPDIR:-/tmp}/clustergraph-virtuoso). Knobs, all optional: VIRTUOSO_HTTP_PORT (8890),
# VIRTUOSO_SQL_PORT (1111), VIRTUOSO_MAX_ROWS (1000000: Virtuoso silently truncates larger
# results), VIRTUOSO_PASSWORD (default: random, kept in $VIRTUOSO_DIR/dba-password).
#
# Why it looks like this (measured on Debian 12 with Virtuoso 7.2.5):
# - only the -bin package: no init script, no debconf question, no service on 0.0.0.0;
# - isql-vt exits 0 on SQL errors, so its output is checked for "*** Error";
# - USER_SET_PASSWORD, not SET PASSWORD (which breaks on some characters);
# - the server is started as its own command so $! is its pid, and stopped by that pid.

_cg_virtuoso_main() (
  set -euo pipefail
  local mode=${1:-start}
  local dir=${VIRTUOSO_DIR:-${TMPDIR:-/tmp}/clustergraph-virtuoso}
  local http_port=${VIRTUOSO_HTTP_PORT:-8890}
  local sql_port=${VIRTUOSO_SQL_PORT:-1111}
  local max_rows=${VIRTUOSO_MAX_ROWS:-1000000}
  local probe="http://127.0.0.1:${http_port}/sparql?query=ASK%7B%7D"

  say() { echo "virtuoso.sh: $*" >&2; }

  answers() {
    if command -v curl >/dev/null; then
      curl -fs -o /dev/null --max-time 2 "$probe"
    else
      python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$probe" 2>/dev/null
    fi
  }

  running_pid() {
    [ -f "$dir/pid" ] || return 1
    local pid
    pid=$(cat "$dir/pid")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
  }

  isql() {  # isql USER PASSWORD SQL: fails on a login error (exit 3) and on any SQL error
    local out
    if ! out=$(isql-vt "127.0.0.1:${sql_port}" "$1" "$2" exec="$3" 2>&1); then
      echo "$out" >&2
      return 1
    fi
    if grep -q '\*\*\* Error' <<<"$out"; then
      echo "$out" >&2
      return 1
    fi
  }

  print_env() {
    local password
    password=$(cat "$dir/dba-password")
    echo "export CLUSTERGRAPH_TEST_VIRTUOSO_URL=http://127.0.0.1:${http_port}/sparql-auth"
    echo "export CLUSTERGRAPH_TEST_VIRTUOSO_USER=dba"
    echo "export CLUSTERGRAPH_TEST_VIRTUOSO_PASSWORD=${password}"
    echo "export CLUSTERGRAPH_TEST_VIRTUOSO_SQL_PORT=${sql_port}"
  }

  install() {
    command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null && return 0
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    export DEBIAN_FRONTEND=noninteractive
    say "installing virtuoso-opensource-7-bin"
    if ! $sudo apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >&2; then
      $sudo apt-get update -q >&2
      $sudo apt-get install -y -q --no-install-recommends virtuoso-opensource-7-bin >&2
    fi
  }

  write_ini() {
    mkdir -p "$dir/db"
    cat >"$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile=$dir/db/virtuoso.db
ErrorLogFile=$dir/db/virtuoso.log
LockFile=$dir/db/virtuoso.lck
TransactionFile=$dir/db/virtuoso.trx
xa_persistent_file=$dir/db/virtuoso.pxa
TempStorage=TempDatabase
[TempDatabase]
DatabaseFile=$dir/db/virtuoso-temp.db
TransactionFile=$dir/db/virtuoso-temp.trx
[Parameters]
ServerPort=127.0.0.1:${sql_port}
DisableUnixSocket=1
CaseMode=2
DirsAllowed=.
NumberOfBuffers=10000
MaxDirtyBuffers=6000
[HTTPServer]
ServerPort=127.0.0.1:${http_port}
ServerThreads=10
MaxClientConnections=10
[SPARQL]
ResultSetMaxRows=${max_rows}
MaxQueryExecutionTime=60
MaxQueryCostEstimationTime=400
INI
  }

  start() {
    install
    if running_pid >/dev/null && answers; then
      say "already running (pid $(cat "$dir/pid")) on 127.0.0.1:${http_port}"
    else
      if answers; then
        say "something else already answers on 127.0.0.1:${http_port}; set VIRTUOSO_HTTP_PORT"
        return 1
      fi
      write_ini
      # Its own command (not `cd x && prog &`), so $! is the server's pid; setsid detaches it
      # from this shell's process group so it outlives a `start` run as a subprocess.
      setsid virtuoso-t +configfile "$dir/virtuoso.ini" +foreground >"$dir/stdout.log" 2>&1 </dev/null &
      echo $! >"$dir/pid"
      local waited=0
      until answers; do
        if ! running_pid >/dev/null; then
          say "virtuoso-t exited; its log:"
          tail -n 30 "$dir/stdout.log" "$dir/db/virtuoso.log" >&2 2>/dev/null || true
          return 1
        fi
        waited=$((waited + 1))
        if [ "$waited" -gt 600 ]; then
          say "no answer on $probe after 60 s"
          return 1
        fi
        sleep 0.1
      done
      say "started (pid $(cat "$dir/pid")) on 127.0.0.1:${http_port} (SQL ${sql_port})"
    fi
    secure
  }

  secure() {
    if [ ! -s "$dir/dba-password" ]; then
      (umask 077 && printf '%s' "${VIRTUOSO_PASSWORD:-cg$(openssl rand -hex 12)}" >"$dir/dba-password")
    fi
    local password
    password=$(cat "$dir/dba-password")
    # A new database logs in with dba/dba; a kept one already has the password.
    if ! isql dba "$password" "SELECT 1;" 2>/dev/null; then
      isql dba dba "USER_SET_PASSWORD('dba', '${password}');"
      isql dba "$password" "SELECT 1;"
    fi
    # /sparql-auth runs as dba (Digest). The anonymous /sparql (SQL user "SPARQL") gets
    # updates and SERVICE too, so the no-credentials code path (as used with Fuseki or
    # Oxigraph) is tested as well; this makes /sparql world-writable, so loopback only.
    # Granting a role twice is an error (U0013), so a marker in the database folder
    # records that this database has its grants.
    if [ ! -f "$dir/db/clustergraph-grants" ]; then
      isql dba "$password" 'GRANT SPARQL_UPDATE TO "SPARQL"; GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL"; GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";'
      touch "$dir/db/clustergraph-grants"
    fi
  }

  stop() {
    local pid
    if ! pid=$(running_pid); then
      say "not running"
      rm -f "$dir/pid"
      return 0
    fi
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
      waited=$((waited + 1))
      if [ "$waited" -gt 300 ]; then
        say "pid $pid did not stop after 30 s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    rm -f "$dir/pid"
    say "stopped (pid $pid)"
  }

  case "$mode" in
    start) start && print_env ;;
    env) running_pid >/dev/null && print_env ;;
    stop) stop ;;
    *) say "usage: virtuoso.sh start|env|stop"; return 2 ;;
  esac
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export the variables into the caller's shell. The work runs in a subshell
  # (the function body is in parentheses), so the caller's shell options stay as they were.
  if _cg_virtuoso_lines=$(_cg_virtuoso_main "${1:-start}"); then
    eval "$_cg_virtuoso_lines"
    unset _cg_virtuoso_lines
  else
    unset _cg_virtuoso_lines
    return 1
  fi
else
  _cg_virtuoso_main "$@"
fi
