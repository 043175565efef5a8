#!/usr/bin/env bash
# Builds Pipe's DocC documentation into .build/docs/:
#
#     .build/docs/PipeCore/         symbol documentation and articles of PipeCore
#     .build/docs/PipeExpression/   symbol documentation and articles of PipeExpression
#     .build/docs/PipeHTTP/         symbol documentation and articles of PipeHTTP
#     .build/docs/Pipe/             Documentation/Pipe.docc, the project articles (no symbols)
#
# Usage:
#     scripts/build-docs.sh                  all three (compiles PipeCore and PipeExpression)
#     scripts/build-docs.sh --articles-only  only Documentation/Pipe.docc (compiles nothing)
#
# Environment:
#     SWIFT              the swift driver (default: swift)
#     DOCC               the docc tool (default: docc on the PATH, else `xcrun --find docc`)
#     PIPE_DOCS_STRICT   1 to fail on any DocC warning
#
# The module archives come from the swift-docc-plugin (a dependency in Package.swift), one target at a time, so each
# archive lands directly in its own directory. Each archive is a static website meant to be served from the root of
# a web server (see Documentation/README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

swift="${SWIFT:-swift}"
output=".build/docs"
modules=(PipeCore PipeExpression PipeHTTP PipePipeline PipeStorage PipeAuth PipePostgres PipeClient PipeServer)
articles_only=false

for argument in "$@"; do
    case "$argument" in
        --articles-only) articles_only=true ;;
        -h | --help)
            awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
            exit 0
            ;;
        *)
            echo "build-docs: unknown argument: $argument (try --help)" >&2
            exit 2
            ;;
    esac
done

strict_flags=()
if [[ "${PIPE_DOCS_STRICT:-0}" == "1" ]]; then
    strict_flags=(--warnings-as-errors)
fi

# The plugin moves each finished archive into its output path, so the parent directory must exist.
mkdir -p "$output"

if [[ "$articles_only" == false ]]; then
    for module in "${modules[@]}"; do
        echo "Building the documentation of $module…"
        "$swift" package --allow-writing-to-directory "$output" \
            generate-documentation --target "$module" \
            --output-path "$output/$module" \
            --disable-indexing \
            ${strict_flags[@]+"${strict_flags[@]}"}
    done
fi

# docc ships with the Swift toolchain (next to `swift` on Linux); on macOS it may only be reachable through xcrun.
docc="${DOCC:-}"
if [[ -z "$docc" ]]; then
    if command -v docc >/dev/null 2>&1; then
        docc="$(command -v docc)"
    elif command -v xcrun >/dev/null 2>&1 && xcrun --find docc >/dev/null 2>&1; then
        docc="$(xcrun --find docc)"
    else
        echo "build-docs: cannot find docc; put the Swift toolchain's bin directory on the PATH or set DOCC" >&2
        exit 1
    fi
fi

echo "Converting Documentation/Pipe.docc…"
rm -rf "${output:?}/Pipe"
"$docc" convert Documentation/Pipe.docc \
    --output-path "$output/Pipe" \
    --fallback-display-name Pipe \
    --fallback-bundle-identifier pipe.documentation \
    ${strict_flags[@]+"${strict_flags[@]}"}

echo
echo "Documentation built in $output/:"
if [[ "$articles_only" == false ]]; then
    for module in "${modules[@]}"; do
        lowercase="$(tr '[:upper:]' '[:lower:]' <<<"$module")"
        echo "  $output/$module/    (open /documentation/$lowercase)"
    done
fi
echo "  $output/Pipe/    (open /documentation/pipe)"
echo
echo "To read an archive, serve its directory, for example:"
echo "  python3 -m http.server --directory $output/Pipe 8000    # then http://localhost:8000/documentation/pipe"
