#!/usr/bin/env bash
# Makes the Python environment the tests' helper scripts run in and prints its interpreter's path.
#
# The auth tests' fake OpenID Connect provider and their independent JWT cross-check use PyJWT and
# cryptography from PyPI; they go into a virtual environment under .build so the system Python stays
# untouched. Reused while its packages import.
set -euo pipefail
venv="${1:-.build/test-python}"
if ! "$venv/bin/python" -c 'import jwt, cryptography' >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'pyjwt[crypto]>=2.8' 'cryptography>=42' >&2
fi
echo "$(cd "$venv" && pwd)/bin/python"
