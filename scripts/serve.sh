#!/usr/bin/env bash
# Serve the demo for `make run`: gunicorn (web, static files through whitenoise) and the huey consumer
# (background work) side by side. Ctrl-C or SIGTERM stops both; if either dies, the other is stopped too,
# so a half-running system never lingers.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
HOST=${BIANMIN_HOST:-127.0.0.1}
PORT=${BIANMIN_PORT:-8000}

"$VENV/bin/python" manage.py personas --url "http://$HOST:$PORT"
echo

pids=()

stop() {
    # Nothing here may abort the shutdown: the terminal may already be gone (writes fail), so no set -e.
    set +e
    trap - INT TERM EXIT
    ((${#pids[@]})) || return 0
    echo "正在停止服务（gunicorn、huey）…" >&2
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Give both a few seconds to finish in-flight requests and tasks, then insist.
    for _ in $(seq 50); do
        kill -0 "${pids[@]}" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "已停止。" >&2
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

"$VENV/bin/gunicorn" bianmin.wsgi \
    --bind "$HOST:$PORT" \
    --workers 2 \
    --graceful-timeout 5 \
    --no-control-socket \
    --access-logfile - \
    --logger-class bianmin.core.accesslog.RedactingLogger \
    --error-logfile - &
pids+=($!)

"$VENV/bin/python" manage.py run_huey --verbosity 1 &
pids+=($!)

# Returns as soon as either process exits; the EXIT trap then stops the other.
wait -n "${pids[@]}"
