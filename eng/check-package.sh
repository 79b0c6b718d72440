#!/usr/bin/env bash
# Checks the NuGet packages the way a user meets them: pack TinyModel.Generator and TinyModel.Runtime
# into a folder feed, then build and run a brand-new console project, outside the repository (so none
# of its Directory.*.props apply), whose only TinyModel reference is
#   <PackageReference Include="TinyModel.Generator" />
# plus hello_world_int8.tflite as AdditionalFiles. Its output on golden case 0 must equal TFLM's.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}          # models and golden data live beside the repository
shared=$(cd "$shared" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tinymodel-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# An isolated package folder: a tinymodel.* left in ~/.nuget/packages by an earlier run (same
# version, other bits) would otherwise be used instead of the packages packed here.
export NUGET_PACKAGES=$work/packages

feed=$work/feed
for project in src/Runtime/TinyModel.Runtime.csproj src/Generator/TinyModel.Generator.csproj; do
  dotnet pack "$repo/$project" -c Release -p:PackageOutputPath="$feed/" --nologo -v:q
done
generator=$(basename "$feed"/TinyModel.Generator.*.nupkg .nupkg)
version=${generator#TinyModel.Generator.}
echo "packed: $(cd "$feed" && echo *.nupkg)"

# The generator pins the Runtime to its exact version: "[X]", since NuGet reads a plain "X" as "X or later".
# (The nuspec the pack wrote under obj/ is the one packed: no unzip needed on a fresh machine.)
if ! grep -q "id=\"TinyModel.Runtime\" version=\"\[$version\]\"" "$repo/src/Generator/obj/Release/TinyModel.Generator.$version.nuspec"; then
  echo "FAIL: TinyModel.Generator does not pin TinyModel.Runtime to [$version]" >&2; exit 1
fi

# The consumer: the local feed first, and the machine's own sources (user NuGet.Config) after it.
app=$work/app
mkdir -p "$app"
cat > "$app/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="tinymodel-local" value="$feed" />
  </packageSources>
</configuration>
XML
# As 'dotnet new console' writes it, plus warnings as errors: generated code must compile cleanly.
cat > "$app/PackageCheck.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TinyModel.Generator" Version="$version" />
    <AdditionalFiles Include="$shared/models/hello_world_int8.tflite" />
  </ItemGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
// Runs the packaged generator's class on TFLM's golden case 0 and compares the bytes exactly.
using PackageCheck;

string golden = args[0];
sbyte[] x = Array.ConvertAll(File.ReadAllBytes(Path.Combine(golden, "case0.input0.bin")), b => (sbyte)b);
byte[] expected = File.ReadAllBytes(Path.Combine(golden, "case0.output0.bin"));
var y = new sbyte[expected.Length];

new HelloWorldInt8().Invoke(x, y);

byte[] actual = Array.ConvertAll(y, v => (byte)v);
bool pass = actual.AsSpan().SequenceEqual(expected);
Console.WriteLine($"hello_world_int8 case0: x={x[0]} y={y[0]} expected={(sbyte)expected[0]}");
Console.WriteLine(pass ? "PASS" : "FAIL");
return pass ? 0 : 1;
CS

dotnet build "$app" -c Release --nologo -v:q

# A second build with nothing changed must not read or encode the model again.
if ! dotnet build "$app" -c Release --nologo -v:d | grep -q 'Skipping target "TinyModelEncodeModels" because all output files are up-to-date'; then
  echo "FAIL: a build with no model changed encoded the models again" >&2; exit 1
fi

dotnet "$app/bin/Release/net10.0/PackageCheck.dll" "$shared/golden/hello_world_int8"
