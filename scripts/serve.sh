#!/usr/bin/env bash
# Serves the app and its background worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

"$BIN/flask" --app supply_match worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "supply_match 正在运行 / serving on http://$HOST:$PORT  (Ctrl-C 停止 / to stop)"
"$BIN/flask" --app supply_match run --host "$HOST" --port "$PORT"
