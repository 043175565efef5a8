#!/usr/bin/env bash
# Makes a Python virtualenv with bytewax in it, for the pipeline benchmark's bytewax peer (bytewax_orders.py).
#
#     py=$(Benchmarks/scripts/setup-bytewax.sh | tail -1)
#     "$py" Benchmarks/scripts/bytewax_orders.py --time records.jsonl
#
# Creates the virtualenv if it is missing and pip-installs bytewax into it if `import bytewax` fails, so a second
# run does nothing and needs no network. Progress goes to stderr; the last line on stdout is the venv's python.
#
# Environment:
#   PIPE_BENCH_VENV   where the virtualenv lives (default: Benchmarks/.venv-bytewax, which git ignores)
#   PYTHON            the Python that creates it (default: python3)
set -euo pipefail

BYTEWAX_VERSION=0.21.1

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
venv="${PIPE_BENCH_VENV:-$package/.venv-bytewax}"
python="${PYTHON:-python3}"
venv_python="$venv/bin/python"

if [[ ! -x "$venv_python" ]]; then
    command -v "$python" >/dev/null || { echo "setup-bytewax: $python not found" >&2; exit 1; }
    if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
        echo "setup-bytewax: $python has no working venv module; on Debian/Ubuntu install the python3-venv package" \
            "(apt-get install python3-venv)" >&2
        exit 1
    fi
    echo "Creating virtualenv $venv…" >&2
    "$python" -m venv "$venv" >&2
fi

if ! "$venv_python" -c 'import bytewax' 2>/dev/null; then
    echo "Installing bytewax==$BYTEWAX_VERSION into $venv…" >&2
    # --only-binary: bytewax is Rust underneath; building it from source would need a Rust toolchain and many minutes.
    if ! "$venv_python" -m pip install --disable-pip-version-check --only-binary=:all: \
        "bytewax==$BYTEWAX_VERSION" >&2; then
        echo "setup-bytewax: pip could not install bytewax==$BYTEWAX_VERSION (no wheel for" \
            "$("$venv_python" -c 'import platform, sys; print(f"Python {sys.version.split()[0]}, {platform.machine()}")')?)" >&2
        exit 1
    fi
fi

echo "$venv_python"
