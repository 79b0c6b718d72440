#!/usr/bin/env bash
# Writes docs/footprint.md: for every model in ../shared/models, what TinyModel's compiled class costs
# (weights, arena vs TFLM's arena and the lower bound, MACs) and the size of a size-optimized NativeAOT
# binary that runs it, next to an empty NativeAOT program. Takes about a minute per model.
# Usage: eng/footprint.sh [model-name...]   (default: every model)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "$repo/../shared" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

publish() { # $1 = output dir, $2 = model path or empty
  mkdir -p "$1"
  dotnet publish "$repo/eng/footprint/Footprint.csproj" -c Release -r linux-x64 -o "$1" \
    -p:FootprintModel="$2" -nologo -v q >"$1.log" 2>&1
}

publish "$work/empty" ""
empty=$(stat -c %s "$work/empty/Footprint")

models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for f in "$shared"/models/*.tflite; do models+=("$(basename "$f" .tflite)"); done
fi

out="$repo/docs/footprint.md"
{
  echo "# Footprint of every model in ../shared/models"
  echo
  echo "Made by \`eng/footprint.sh\` on $(date -u +%Y-%m-%d) ($(uname -m), .NET SDK $(dotnet --version)). Arena: bytes of"
  echo "working memory per instance (TinyModel), TFLM's \`arena_used_bytes\` (activations plus its own"
  echo "persistent data, from ../shared/golden/<model>/meta.json), and the lower bound: the most bytes of"
  echo "tensors live at one step, which no plan can beat. Binary: a NativeAOT console program that runs the"
  echo "model once, published size-optimized (invariant globalization, no stack trace data, stripped);"
  echo "an empty program published the same way is $empty bytes."
  echo
  echo "| Model | Weights (B) | Arena (B) | TFLM arena (B) | Arena / TFLM | Lower bound (B) | Arena / bound | MACs | Binary (B) | Binary − empty (B) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for name in "${models[@]}"; do
    dir="$work/$name"
    tflm=$(grep -o '"tflm_arena_used_bytes": *[0-9]*' "$shared/golden/$name/meta.json" | grep -o '[0-9]*$' || echo "")
    if publish "$dir" "$shared/models/$name.tflite" && line=$("$dir/Footprint"); then
      read -r weights arena bound macs <<<"$line"
      size=$(stat -c %s "$dir/Footprint")
      ratio() { if [ -n "$2" ] && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "–"; fi; }
      echo "| $name | $weights | $arena | ${tflm:-–} | $(ratio "$arena" "$tflm") | $bound | $(ratio "$arena" "$bound") | $macs | $size | $((size - empty)) |"
    else
      reason=$(grep -o 'error TM[0-9]*[^[]*' "$dir.log" | head -1 || true)
      echo "| $name | not compiled: ${reason:-see the build log} | | ${tflm:-–} | | | | | | |"
    fi
  done
} >"$out"
echo "wrote $out"
