#!/usr/bin/env bash
# Runs the Swift test suite one test at a time (see the Makefile for why) and, when it fails, repeats every
# failure at the end of the output: CI shows the last lines of a run, and with hundreds of tests the failures
# would otherwise scroll far out of them.
set -uo pipefail

log="$(mktemp /tmp/pipe-swift-test.XXXXXX.log)"
trap 'rm -f "$log"' EXIT
swift="${SWIFT:-swift}"
"$swift" test --skip-build --no-parallel "$@" 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
if [ "$status" -ne 0 ]; then
    echo
    echo "==== failures (repeated from above) ===="
    grep -E "✘|recorded an issue|error:|Fatal error|Expectation failed|Caught error" "$log" | grep -v "^✔" | tail -60
fi
exit "$status"
