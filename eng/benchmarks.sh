#!/usr/bin/env bash
# Measures Invoke of every model in ../shared/models and writes docs/performance.md (and, with the generator
# benchmark, docs/build-time.md):
#   1. NativeAOT: benchmarks/TinyModel.NativeAotBenchmarks published with NativeAOT's default instruction set and
#      with x86-64-v3 (when this CPU has AVX2) and with `native` (every instruction this CPU has, as the JIT uses),
#      and the same program under the JIT, run model by model,
#      interleaved, for $ROUNDS rounds (default 3) into artifacts/benchmarks/nativeaot.tsv. NATIVEAOT=0 skips it.
#   2. BenchmarkDotNet: TinyModel's Invoke, ONNX Runtime on the same model (../shared/peers), this machine's peak
#      MAC rates (PeakBenchmarks, for the report's "% of peak"), and the generator on a 5 MB model; then the report.
#      Extra arguments go to BenchmarkDotNet, e.g. --filter '*Invoke*' '*Peak*' (TinyModel, ONNX Runtime and the
#      peaks, without the generator).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
results=$repo/artifacts/benchmarks
rm -rf "$results"
mkdir -p "$results"
report_args=(--report)

if [ "${NATIVEAOT:-1}" != 0 ]; then
  aot=$repo/benchmarks/TinyModel.NativeAotBenchmarks
  dotnet build "$aot" -c Release -o "$results/jit" --nologo -v:q
  variants=(jit aot-default)
  dotnet publish "$aot" -c Release -r linux-x64 -o "$results/aot-default" --nologo -v:q
  if grep -qw avx2 /proc/cpuinfo; then
    dotnet publish "$aot" -c Release -r linux-x64 -p:IlcInstructionSet=x86-64-v3 -o "$results/aot-x86-64-v3" --nologo -v:q
    variants+=(aot-x86-64-v3)
  fi
  # `native`: the instruction sets the JIT uses on this CPU, so its ÷ JIT compares code generation alone.
  dotnet publish "$aot" -c Release -r linux-x64 -p:IlcInstructionSet=native -o "$results/aot-native" --nologo -v:q
  variants+=(aot-native)
  run_variant() { # <variant> <model>: one line per model, "fastest_us<TAB>matches"
    if [ "$1" = jit ]; then
      dotnet "$results/jit/TinyModel.NativeAotBenchmarks.dll" "$2"
    else
      "$results/$1/TinyModel.NativeAotBenchmarks" "$2"
    fi
  }
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for path in "$repo"/../shared/models/*.tflite; do
      model=$(basename "$path" .tflite)
      for variant in "${variants[@]}"; do
        run_variant "$variant" "$model" 2>/dev/null | sed "s/^/$variant\t$round\t/" >> "$results/nativeaot.tsv"
      done
    done
    echo "NativeAOT round $round done"
  done
  report_args+=(--nativeaot "$results/nativeaot.tsv")
fi

cd "$repo/benchmarks/TinyModel.Benchmarks"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
# BenchmarkDotNet builds each benchmark's program with a 120 s limit by default; a busy 2-core machine passes it.
[[ " ${args[*]} " == *" --buildTimeout "* ]] || args+=(--buildTimeout 900)
dotnet run -c Release -- "${args[@]}" "${report_args[@]}"
