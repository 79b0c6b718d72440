#!/usr/bin/env bash
# ARM64 (Raspberry Pi and its kind), checked on this x64 machine under qemu-aarch64:
#   1. tests/TinyModel.GoldenRunner (every model of ../shared/models, ../shared/ops and ../shared/signal,
#      compiled by the generator) published self-contained for linux-arm64 passes every golden case and
#      sequence case under emulation, after printing the instruction tier each kernel takes there, once as
#      the emulated CPU is (with SDOT) and once without the dot-product extension (a Raspberry Pi 3 or 4);
#   2. each sample (HelloWorld, KeywordSpotting, PersonDetection) cross-compiled with NativeAOT for
#      linux-arm64 prints what the x64 sample prints.
# Installs what it needs from Debian's packages when missing (qemu-user, the arm64 cross C libraries,
# lld, the cross binutils). Timings under emulation mean nothing; only results are checked.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}
shared=$(cd "$shared" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tinymodel-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT

packages=(qemu-user libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross lld-14
          libc6-dev-arm64-cross libgcc-12-dev-arm64-cross libstdc++-12-dev-arm64-cross binutils-aarch64-linux-gnu)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu)

echo "--- golden runner, linux-arm64, JIT under emulation"
dotnet publish "$repo/tests/TinyModel.GoldenRunner" -c Release -r linux-arm64 --self-contained -o "$work/runner" --nologo -v:q
# run_runner <output file> [VAR=value ...]: the runner under qemu, once, with W^X off (DOTNET_EnableWriteXorExecute=0).
# Why: with W^X (the runtime's default) the runtime writes code through a second, writable mapping of its executable
# memory, and qemu-user (Debian 12's 7.2) never sees those writes: it goes on running its translation of the old code.
# The runtime rewrites code in place when it switches the GC write barrier (to the write-watch variant for each
# background GC, and back) and when it reuses the memory of collected dynamic methods. Measured on 2026-11-30 with two
# programs that contain no TinyModel code: swapping elements of a gen2 array while background GCs mark it corrupted
# 5,040 to 28,027 of 200,000 objects in round 0 or 1 in 10 runs of 10 under qemu (the marker, missing the
# write-watch barrier, misses moved objects, which are then swept), and 1,873 of 2,000 dynamic methods, created after
# earlier ones were collected, returned an earlier method's constant; with W^X off both ran clean (30 of 30 runs, and
# 0 of 2,000), as they do on x64. Heap corruption of that kind is what made about one runner run in three or four abort
# before (an ArrayPool array with a corrupt length in LINQ's ToArray; reflection failing while the tier table was
# printed, before any kernel had run), which a retry used to cover; with W^X off the runner passed every case in
# 30 of 30 runs. Real ARM64 hardware sees the rewritten code (the runtime flushes the instruction cache), and
# NativeAOT binaries (the samples below) have no JIT and no double mapping, so neither needs this.
run_runner() {
  local out=$1
  shift
  env DOTNET_EnableWriteXorExecute=0 "$@" "${qemu[@]}" "$work/runner/TinyModel.GoldenRunner" "$shared" | tee "$out" || true
  grep -Eq '^[0-9]+ passed, 0 failed$' "$out"
}
run_runner "$work/runner.txt"
# Again without the dot-product extension, as on a Raspberry Pi 3 or 4 (ARMv8.0): the AdvSimd paths.
echo "--- golden runner, linux-arm64, JIT under emulation, DOTNET_EnableArm64Dp=0"
run_runner "$work/runner-nodp.txt" DOTNET_EnableArm64Dp=0

# Each sample runs from its own folder (its default paths to ../shared/media are relative to it).
status=0
for sample in HelloWorld KeywordSpotting PersonDetection; do
  echo "--- $sample, NativeAOT for linux-arm64, cross-compiled"
  (cd "$repo/samples/$sample" && dotnet run -c Release) > "$work/$sample-x64.txt"
  dotnet publish "$repo/samples/$sample" -c Release -r linux-arm64 -p:PublishAot=true -o "$work/aot-$sample" --nologo -v:q
  # ELF e_machine (2 bytes at offset 18) is 183 for AArch64.
  [ "$(od -An -tu2 -j18 -N2 "$work/aot-$sample/$sample" | tr -d ' ')" = 183 ] || { echo "FAIL: $sample is not an ARM64 binary"; status=1; continue; }
  (cd "$repo/samples/$sample" && "${qemu[@]}" "$work/aot-$sample/$sample") > "$work/$sample-arm64.txt"
  if diff -u "$work/$sample-x64.txt" "$work/$sample-arm64.txt"; then
    echo "PASS: the ARM64 NativeAOT $sample prints the same $(wc -l < "$work/$sample-arm64.txt") lines as the x64 sample"
  else
    echo "FAIL: the ARM64 NativeAOT $sample output differs (diff above)"; status=1
  fi
done
exit $status
