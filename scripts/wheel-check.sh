#!/usr/bin/env bash
# Proof that the coach works as pip installs it: build the wheel, install it into a fresh
# virtual environment outside the checkout, and run a whole session from a replay script
# there, with the exercises that came inside the package.
#   scripts/wheel-check.sh        (run by scripts/test.sh; about half a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
python=${PYTHON:-.venv/bin/python}
work=$(mktemp -d "${TMPDIR:-/tmp}/coach-wheel-XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { printf 'wheel-check: %s\n' "$*"; }
# Runs a command with its output kept aside, shown only if it fails.
quietly() {
    if ! "$@" >"$work/output" 2>&1; then
        cat "$work/output" >&2
        say "failed: $*"
        exit 1
    fi
}

quietly "$python" -m pip wheel --no-deps --wheel-dir "$work/dist" "$repo"
wheel=$(ls "$work"/dist/coach-*.whl)
quietly "$python" -m venv "$work/venv"
quietly "$work/venv/bin/python" -m pip install "$wheel"
cp scripts/pi/smoke-replay.yaml "$work/session.yaml"

cd "$work"
export COACH_HOME="$work/home"
unset COACH_DIALOGS
venv/bin/coach dialogs check --strict
venv/bin/coach dialogs list >/dev/null
end=$(venv/bin/coach replay session.yaml --json | tail -n 1)
if [[ "$end" != *'"reason": "finished"'* ]]; then
    say "the replay from the installed wheel did not finish: $end"
    exit 1
fi
say "ok: $(basename "$wheel") installed in a fresh venv ran a whole session ($end)"
