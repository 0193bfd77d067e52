#!/usr/bin/env bash
# Builds the fuzzing seed corpus in fuzz/corpus/ (gitignored) from the shared EVTX files: the header and
# first chunk of every parser edge-case file and of the 40 smallest attack samples, checksums valid.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared/data/evtx"
out="${1:-$root/fuzz/corpus}"
[ -d "$shared" ] || { echo "make-corpus: $shared not found (shared/ must sit beside the repository)" >&2; exit 1; }
dotnet build "$root/fuzz/Hopwatch.Fuzz" -c Release --nologo -v q >/dev/null
rm -rf "$out"
mapfile -t files < <(
  find "$shared/parser-edge-cases" -name '*.evtx' | sort
  find "$shared/attack-samples" -name '*.evtx' -printf '%s\t%p\n' | sort -n | head -n 40 | cut -f2-
)
dotnet "$root/fuzz/Hopwatch.Fuzz/bin/Release/net10.0/Hopwatch.Fuzz.dll" seeds "$out" "${files[@]}"
