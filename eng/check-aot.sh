#!/usr/bin/env bash
# Checks that samples/HelloWorld publishes as a NativeAOT binary and that the binary prints exactly
# what the JIT-compiled sample prints (generated code must be trimming- and AOT-safe).
# Needs clang (Debian ships clang-14 without the plain name: eng/UseTinyModelFromSource.targets picks
# it) and objcopy to split debug symbols, which clang-14's binutils dependency always brings.
# The ILCompiler package (runtime.linux-x64.Microsoft.DotNet.ILCompiler) comes from the NuGet registry.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sample=$repo/samples/HelloWorld
work=$(mktemp -d "${TMPDIR:-/tmp}/tinymodel-aot.XXXXXX")
trap 'rm -rf "$work"' EXIT

# JIT reference first: it reuses the plain Release build; after the linux-x64 publish below, the
# sample's restore is RID-specific and a plain build would start over.
dotnet run --project "$sample" -c Release > "$work/jit.txt"

start=$SECONDS
dotnet publish "$sample" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" --nologo -v:q
echo "NativeAOT publish: $((SECONDS - start)) s, binary $(stat -c %s "$work/aot/HelloWorld") bytes"
if [ -e "$work/aot/HelloWorld.dll" ]; then
  echo "FAIL: publish produced HelloWorld.dll, not a native binary"; exit 1
fi

"$work/aot/HelloWorld" > "$work/aot.txt"
if diff -u "$work/jit.txt" "$work/aot.txt"; then
  echo "PASS: NativeAOT HelloWorld prints the same $(wc -l < "$work/aot.txt") lines as dotnet run"
else
  echo "FAIL: NativeAOT output differs from dotnet run (diff above)"; exit 1
fi
