#!/usr/bin/env bash
# Makes sure the Python tools the tests need are here: moto_server (the AWS emulator) and
# cfn-lint. Uses them from PATH or ./.venv; otherwise installs them into ./.venv with pip.
# Fails loudly when neither works: a missing emulator is a failure, never a skipped test.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_SPEC='moto[server]==5.2.1'
CFN_LINT_SPEC='cfn-lint==1.51.0'

have() { command -v "$1" >/dev/null 2>&1 || [ -x ".venv/bin/$1" ]; }

missing=()
have moto_server || missing+=("$MOTO_SPEC")
have cfn-lint || missing+=("$CFN_LINT_SPEC")

if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-python-tools: installing ${missing[*]} into ./.venv" >&2
  if ! { [ -x .venv/bin/pip ] || python3 -m venv .venv; } || ! .venv/bin/pip install --quiet "${missing[@]}"; then
    cat >&2 <<'MSG'
ensure-python-tools: FAILED. sg-guard's tests need moto_server and cfn-lint (Python 3.9+).
Install them with:  pip install "moto[server]" cfn-lint
or make PyPI reachable so this script can put them in ./.venv.
MSG
    exit 1
  fi
fi

for tool in moto_server cfn-lint; do
  if command -v "$tool" >/dev/null 2>&1; then
    echo "ensure-python-tools: $tool -> $(command -v "$tool")"
  else
    echo "ensure-python-tools: $tool -> $(pwd)/.venv/bin/$tool"
  fi
done
