#!/usr/bin/env bash
# Everything CI checks: set-up, lint, types, the dialogs, and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export PYTHONDONTWRITEBYTECODE=1
echo "== ruff" && .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy" && .venv/bin/mypy
echo "== dialogs" && .venv/bin/coach dialogs check --strict
echo "== wheel" && scripts/wheel-check.sh
echo "== pytest" && .venv/bin/pytest -q -rP "$@"
