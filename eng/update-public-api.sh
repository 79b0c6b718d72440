#!/usr/bin/env bash
# Brings src/Runtime/PublicAPI.Unshipped.txt up to date with the Runtime's public surface: adds every symbol
# the public API analyzer reports as undeclared (RS0016) and removes every declared symbol it no longer
# finds (RS0017). Run it after an intended change to the Runtime's public API, then review the diff: it is
# the change to the contract that generated code relies on.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=$repo/src/Runtime/TinyModel.Runtime.csproj
unshipped=$repo/src/Runtime/PublicAPI.Unshipped.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# -p:TreatWarningsAsErrors=false: the build must get past the analyzer's errors to list them all.
dotnet build "$project" -c Release --no-incremental -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
added=$(grep -o "RS0016: Symbol '[^']*'" "$log" | sed "s/^RS0016: Symbol '//; s/'\$//" | sort -u || true)
removed=$(grep -o "RS0017: Symbol '[^']*'" "$log" | sed "s/^RS0017: Symbol '//; s/'\$//" | sort -u || true)

{
  echo '#nullable enable'
  { grep -v '^#nullable' "$unshipped" || true; printf '%s\n' "$added"; } \
    | { grep -v -x -F -f <(printf '%s\n' "$removed" | sed '/^$/d'; echo '#nullable enable') || true; } \
    | sed '/^$/d' | LC_ALL=C sort -u
} > "$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "PublicAPI.Unshipped.txt: $(printf '%s\n' "$added" | sed '/^$/d' | wc -l) added, $(printf '%s\n' "$removed" | sed '/^$/d' | wc -l) removed"
