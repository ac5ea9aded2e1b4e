#!/usr/bin/env bash
# Set up (if needed), then run the whole test suite with the lint and type checks.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh --tests
bash scripts/setup.sh
.venv/bin/ruff check observer ui tests benchmarks scripts
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest -n 2 "$@"
