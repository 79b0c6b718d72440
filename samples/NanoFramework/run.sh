#!/usr/bin/env bash
# Builds the nanoFramework sample (person_detect) and runs it on the nanoCLR of ../shared/nanoframework.
# The photos' pixels (TFLM's person.bmp and no_person.bmp, 96x96 grayscale as int8) come from
# ../shared/golden/person_detect (cases 3 and 4) and are written into obj/Photos.g.cs first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../../shared" && pwd)
obj="$here/obj/Release/netstandard2.0"
mkdir -p "$obj"
{
  echo "namespace NanoSample"
  echo "{"
  echo "    internal static class Photos"
  echo "    {"
  for pair in "Person:3" "NoPerson:4"; do
    name=${pair%%:*}; case=${pair##*:}
    echo "        public static readonly sbyte[] $name = new sbyte[]"
    echo "        {"
    od -An -v -t d1 -w24 "$shared/golden/person_detect/case$case.input0.bin" | sed -E 's/^ +//; s/ +/, /g; s/^/            /; s/$/,/'
    echo "        };"
  done
  echo "    }"
  echo "}"
} > "$obj/Photos.g.cs"
dotnet build "$here/NanoFramework.csproj" -c Release -nologo -v:q
"$shared/nanoframework/run-nano" --ref "$shared/nanoframework/assemblies/nanoFramework.ResourceManager.dll" "$here/bin/Release/netstandard2.0/NanoFramework.dll"
