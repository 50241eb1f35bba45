#!/usr/bin/env bash
# Serves the app with gunicorn (not Flask's development server) and its background
# worker together; Ctrl-C stops both. HOST, PORT and WEB_WORKERS (gunicorn processes)
# come from the environment, as do the settings (DATABASE_URL, REDIS_URL, SECRET_KEY...).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
WEB_WORKERS=${WEB_WORKERS:-2}

"$BIN/flask" --app supply_match worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "supply_match 正在运行 / serving on http://$HOST:$PORT  (Ctrl-C 停止 / to stop)"
"$BIN/gunicorn" -c python:supply_match.serving --bind "$HOST:$PORT" --workers "$WEB_WORKERS" \
    --access-logfile - \
    "supply_match:create_app()"
