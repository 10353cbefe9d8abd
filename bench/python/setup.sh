#!/usr/bin/env bash
# Idempotently install the Python-side benchmark dependencies (Debian packages)
# into the *system* python (/usr/bin/python3). The `python3` on PATH may be a
# pyenv interpreter without these packages, so we never use it here.
set -euo pipefail

PY=/usr/bin/python3

if "$PY" -c 'import numpy, torch' >/dev/null 2>&1; then
    echo "setup.sh: numpy and torch already importable by $PY; nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: must run as root (apt-get install)" >&2
    exit 1
fi

start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
    python3-numpy python3-torch libopenblas0-pthread
end=$(date +%s)

"$PY" -c 'import numpy, torch; print("setup.sh: numpy", numpy.__version__, "torch", torch.__version__)'
echo "setup.sh: install took $((end - start)) s"
