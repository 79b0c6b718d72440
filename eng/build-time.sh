#!/usr/bin/env bash
# What a large model costs a real build: a console project that uses TinyModel (from source, as the
# samples do) is built with `dotnet build -c Release` in one process (no build server, no node reuse, so
# the compiler runs as a child and its peak memory is counted), once without a model and once with a
# synthetic model of N MB of float32 weights (default 20), its weights once inline in C# and once read from the
# model file embedded as a resource (the default for models over 1 MiB). Prints wall time and peak memory of each,
# runs each built program and checks that both compute the same output. With AOT=1, also publishes the
# embedded-weights program with NativeAOT (which maps manifest resources too) and checks its output.
# Usage: [AOT=1] bash eng/build-time.sh [MB]
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
  <PropertyGroup Condition="'\$(WithModel)' == 'true'">
    <DefineConstants>\$(DefineConstants);WITH_MODEL</DefineConstants>
  </PropertyGroup>
  <ItemGroup Condition="'\$(WithModel)' == 'true'">
    <AdditionalFiles Include="$work/large.tflite" />
  </ItemGroup>
  <Import Project="$repo/eng/UseTinyModelFromSource.targets" />
</Project>
XML
# With the model, the program runs it once on a fixed input and prints a checksum of the output's bits, so the
# builds with the weights inline and from the embedded resource can be compared.
cat > "$app/Program.cs" <<'CS'
#if WITH_MODEL
var model = new BuildTime.Large();
var input = new float[BuildTime.Large.Inputs[0].ElementCount];
var output = new float[BuildTime.Large.Outputs[0].ElementCount];
for (int i = 0; i < input.Length; i++)
{
    input[i] = (i % 17 - 8) / 8f;
}
model.Invoke(input, output);
ulong hash = 14695981039346656037UL;
foreach (float value in output)
{
    hash = (hash ^ (uint)System.BitConverter.SingleToInt32Bits(value)) * 1099511628211UL;
}
System.Console.WriteLine($"output[0] = {output[0]:R}, checksum {hash:x16}");
foreach (string name in typeof(BuildTime.Large).Assembly.GetManifestResourceNames())
{
    // An UnmanagedMemoryStream is read in place by TinyModel.ModelResource; any other stream would be copied once.
    System.Console.Error.WriteLine($"resource {name}: {typeof(BuildTime.Large).Assembly.GetManifestResourceStream(name)!.GetType().FullName}");
}
#else
System.Console.WriteLine("built");
#endif
CS

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
  dotnet "$app/bin/Release/net10.0/BuildTime.dll" > "$work/run-$label.txt"
}

echo "| Build | Wall time (s) | Peak memory (MB) |"
echo "|---|---:|---:|"
measure "console project, no model" -p:WithModel=false
measure "the same with a ${megabytes} MB model, weights inline (TinyModelResourceMinBytes=-1)" -p:WithModel=true -p:TinyModelResourceMinBytes=-1
measure "the same with a ${megabytes} MB model, weights from the embedded file (default)" -p:WithModel=true
echo
# The two builds must compute the same output, bit for bit.
for run in "$work"/run-the*.txt; do echo "$(basename "$run" .txt | sed 's/^run-//'): $(cat "$run")"; done
if [ "$(cat "$work"/run-the*inline*.txt)" != "$(cat "$work"/run-the*embedded*.txt)" ]; then
  echo "The builds with inline and embedded weights compute different outputs." >&2
  exit 1
fi

if [ "${AOT:-0}" = 1 ]; then
  dotnet publish "$app" -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=x86-64-v2 -p:WithModel=true --nologo -v:q -o "$work/aot" >/dev/null
  aot=$("$work/aot/BuildTime" 2> "$work/aot-resources.txt")
  cat "$work/aot-resources.txt"
  echo "NativeAOT, weights from the embedded file: $aot"
  if [ "$aot" != "$(cat "$work"/run-the*embedded*.txt)" ]; then
    echo "The NativeAOT program computes another output." >&2
    exit 1
  fi
fi
