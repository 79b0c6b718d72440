#!/usr/bin/env bash
# Checks that samples/HelloWorld publishes as a NativeAOT binary and that the binary prints exactly
# what the JIT-compiled sample prints (generated code must be trimming- and AOT-safe), twice: with
# NativeAOT's default instruction set (x86-64-v2: the kernels' Vector128 paths) and with x86-64-v3
# (AVX2: their Vector256 paths), when this machine can run the latter; and that the package's targets
# warn TM1001 for the first (no instruction set chosen) and not for the second. Then the same, at the
# default instruction set, for samples/KeywordSpotting and samples/PersonDetection on their media.
# Needs clang (Debian ships clang-14 without the plain name: eng/UseTinyModelFromSource.targets picks
# it) and objcopy to split debug symbols, which clang-14's binutils dependency always brings.
# The ILCompiler package (runtime.linux-x64.Microsoft.DotNet.ILCompiler) comes from the NuGet registry.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tinymodel-aot.XXXXXX")
trap 'rm -rf "$work"' EXIT

# publish_and_compare <sample> <label> <expect TM1001: yes|no> [msbuild arguments...]
# Run from the sample's folder, so that the samples' default paths to ../shared/media resolve.
publish_and_compare() {
  local name=$1 label=$1-$2 expect_warning=$3 out=$work/$1-$2
  local sample=$repo/samples/$name
  shift 3
  # JIT reference first: it reuses the plain Release build; after the linux-x64 publish below, the
  # sample's restore is RID-specific and a plain build would start over.
  [ -e "$work/$name-jit.txt" ] || (cd "$sample" && dotnet run -c Release > "$work/$name-jit.txt")
  local start=$SECONDS
  dotnet publish "$sample" -c Release -r linux-x64 -p:PublishAot=true "$@" -o "$out" --nologo -v:q > "$work/$label.log" 2>&1 ||
    { cat "$work/$label.log"; echo "FAIL: NativeAOT publish ($label)"; return 1; }
  echo "NativeAOT publish ($label): $((SECONDS - start)) s, binary $(stat -c %s "$out/$name") bytes"
  # The package's targets warn (TM1001) exactly when no instruction set was chosen.
  if grep -q TM1001 "$work/$label.log"; then warned=yes; else warned=no; fi
  if [ "$warned" != "$expect_warning" ]; then
    cat "$work/$label.log"; echo "FAIL: publish ($label) should $([ "$expect_warning" = yes ] || echo "not ")warn TM1001"; return 1
  fi
  if [ -e "$out/$name.dll" ]; then
    echo "FAIL: publish ($label) produced $name.dll, not a native binary"; return 1
  fi
  (cd "$sample" && "$out/$name") > "$work/$label.txt"
  if diff -u "$work/$name-jit.txt" "$work/$label.txt"; then
    echo "PASS: NativeAOT $name ($label) prints the same $(wc -l < "$work/$label.txt") lines as dotnet run"
  else
    echo "FAIL: NativeAOT output ($label) differs from dotnet run (diff above)"; return 1
  fi
}

status=0
publish_and_compare HelloWorld default yes || status=1
if grep -qw avx2 /proc/cpuinfo; then
  publish_and_compare HelloWorld x86-64-v3 no -p:IlcInstructionSet=x86-64-v3 || status=1
else
  echo "SKIP: x86-64-v3 (this CPU has no AVX2 to run it)"
fi
publish_and_compare KeywordSpotting default yes || status=1
publish_and_compare PersonDetection default yes || status=1

# Every shared model in one NativeAOT binary, as a user's build compiles them: the models above
# TinyModelResourceMinBytes (1 MiB: ad01_fp32, mobilenet_v2) read their weights from the model file the
# package's targets embed as a manifest resource, so this checks that path end to end. The program prints
# one line per model: name, time, and whether the outputs equal TFLM's golden case 0.
bench=$repo/benchmarks/TinyModel.NativeAotBenchmarks
start=$SECONDS
if dotnet publish "$bench" -c Release -r linux-x64 -o "$work/all-models" --nologo -v:q > "$work/all-models.log" 2>&1; then
  echo "NativeAOT publish (all models): $((SECONDS - start)) s"
  "$work/all-models/TinyModel.NativeAotBenchmarks" > "$work/all-models.txt" 2>/dev/null || true
  models=$(ls "$repo"/../shared/models/*.tflite | wc -l)
  matched=$(awk -F'\t' '$3 == "yes"' "$work/all-models.txt" | wc -l)
  # The embedded model files travel in the binary under their resource names, TinyModel.<file>.<hash>.
  embedded=$(grep -a -o 'TinyModel\.[A-Za-z0-9_]*\.tflite\.[0-9a-f]\{8\}' "$work/all-models/TinyModel.NativeAotBenchmarks" | sort -u | wc -l)
  echo "NativeAOT, all models: $embedded model files embedded as resources"
  if [ "$matched" -eq "$models" ] && [ "$embedded" -ge 1 ]; then
    echo "PASS: NativeAOT, all models: $matched of $models match TFLM's golden case 0 (weights of the models above 1 MiB read from the embedded file)"
  else
    cat "$work/all-models.txt"; echo "FAIL: NativeAOT, all models: $matched of $models match TFLM's golden case 0"; status=1
  fi
else
  cat "$work/all-models.log"; echo "FAIL: NativeAOT publish (all models)"; status=1
fi
exit $status
