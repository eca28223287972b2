#!/usr/bin/env bash
# A long fuzzing run: N examples per fuzz test (default 2000), with Hypothesis' statistics.
# Usage: tools/fuzz.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
JUNHENG_FUZZ_EXAMPLES="${1:-2000}" .venv/bin/python -m pytest tests/test_fuzz.py -p no:warnings --hypothesis-show-statistics -q
