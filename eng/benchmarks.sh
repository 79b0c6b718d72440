#!/usr/bin/env bash
# Runs every benchmark (Invoke of each model in ../shared/models, and the generator on a 5 MB model)
# and writes docs/performance.md. Extra arguments go to BenchmarkDotNet, e.g. --filter '*Invoke*'.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo/benchmarks/TinyModel.Benchmarks"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
dotnet run -c Release -- "${args[@]}" --report
