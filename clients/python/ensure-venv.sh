#!/usr/bin/env bash
# The project's virtual environment (.venv at the repository root) with what the Python tests need
# (requirements-test.txt: torch, transformers, peft, onnxruntime, grpcio, ...), from the machine's package
# index. Does nothing when everything imports already. Run by the build (clients/python/pom.xml).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
check='import torch, transformers, peft, onnx, onnxruntime, pytest, grpc, grpc_tools, safetensors'
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "$check" 2>/dev/null; then
  exit 0
fi
echo "python: installing clients/python/requirements-test.txt into $venv (from the package index)" >&2
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
if ! "$venv/bin/pip" install -q -r "$root/clients/python/requirements-test.txt"; then
  echo "python: pip could not install the test requirements from this machine's package index" \
       "(clients/python/requirements-test.txt); the Python tests need them" >&2
  exit 1
fi
"$venv/bin/python" -c "$check"
