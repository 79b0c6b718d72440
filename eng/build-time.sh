#!/usr/bin/env bash
# What a large model costs a real build: a console project that uses TinyModel (from source, as the
# samples do) is built with `dotnet build -c Release` in one process (no build server, no node reuse, so
# the compiler runs as a child and its peak memory is counted), once without a model and once with a
# synthetic model of N MB of float32 weights (default 20). Prints wall time and peak memory of each.
# Usage: bash eng/build-time.sh [MB]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
megabytes=${1:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/tinymodel-buildtime.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet run "$repo/eng/tools/WriteLargeModel.cs" -- "$work/large.tflite" "$megabytes"

app=$work/app
mkdir -p "$app"
cat > "$app/BuildTime.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <RepositoryRoot>$repo/</RepositoryRoot>
  </PropertyGroup>
  <ItemGroup Condition="'\$(WithModel)' == 'true'">
    <AdditionalFiles Include="$work/large.tflite" />
  </ItemGroup>
  <Import Project="$repo/eng/UseTinyModelFromSource.targets" />
</Project>
XML
echo 'System.Console.WriteLine("built");' > "$app/Program.cs"

# Restore and build the generator and runtime first, so that only the consumer's compile is timed.
dotnet build "$app" -c Release --nologo -v:q -p:WithModel=false >/dev/null

measure() {
  local label=$1; shift
  rm -rf "$app/obj/Release" "$app/bin"
  dotnet build "$app" -c Release --nologo -v:q --no-restore -nodeReuse:false -m:1 -p:UseSharedCompilation=false "$@" >/dev/null 2>&1 || true
  rm -rf "$app/obj/Release" "$app/bin"
  /usr/bin/time -f "%e %M" -o "$work/time" dotnet build "$app" -c Release --nologo -v:q --no-restore -nodeReuse:false -m:1 -p:UseSharedCompilation=false "$@" >/dev/null
  read -r seconds kilobytes < "$work/time"
  printf '| %s | %s | %d |\n' "$label" "$seconds" $((kilobytes / 1024))
}

echo "| Build | Wall time (s) | Peak memory (MB) |"
echo "|---|---:|---:|"
measure "console project, no model" -p:WithModel=false
measure "the same with a ${megabytes} MB model" -p:WithModel=true
