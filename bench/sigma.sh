#!/usr/bin/env bash
# Sigma engine speed: `hopwatch hunt --no-analytics` with every Windows rule of the shared SigmaHQ snapshot
# against `hopwatch dump` on the same >= 100 MB EVTX corpus (the corpus bench/evtx.sh builds, in bench/corpus/evtx;
# built here the same way when missing). Prints both times, events/s, the alerts found, and as its last line
#   hunt/dump time ratio: X.X
# Usage: bench/sigma.sh      (SIGMA_BENCH_MB=N corpus of at least N MB, default 100; SIGMA_BENCH_THREADS=N, default 2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
shared="$root/../shared/data"
corpus="$root/bench/corpus/evtx"
results="$root/bench/results"
target_mb="${SIGMA_BENCH_MB:-100}"
threads="${SIGMA_BENCH_THREADS:-2}"
mkdir -p "$results"
log="$results/sigma-$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$log") 2>&1
say() { printf '%s\n' "$*"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

say "building hopwatch (Release)..."
dotnet build src/Hopwatch.Cli -c Release --nologo -v q >/dev/null
hopwatch="$root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch"

# --- corpus: the shared EVTX files, repeated whole until the target size (same layout and stamp as bench/evtx.sh) ---
mapfile -t list < <(find "$shared/evtx" "$shared/sigma/regression_data" -name '*.evtx' -type f | LC_ALL=C sort)
[ "${#list[@]}" -gt 0 ] || { say "bench: no .evtx files under $shared"; exit 1; }
list_bytes=$(stat -c %s "${list[@]}" | awk '{s+=$1} END {print s}')
copies=$(( (target_mb * 1000000 + list_bytes - 1) / list_bytes ))
stamp="${#list[@]} files, $list_bytes bytes, $copies copies"
if [ "$(cat "$corpus/.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "building corpus: $stamp -> $corpus"
  rm -rf "$corpus"
  for ((k = 1; k <= copies; k++)); do
    for f in "${list[@]}"; do
      rel="${f#"$shared"/}"
      mkdir -p "$corpus/copy$k/$(dirname "$rel")"
      cp "$f" "$corpus/copy$k/$rel"
    done
  done
  echo "$stamp" > "$corpus/.stamp"
fi
corpus_mb=$(du -sbL "$corpus" | awk '{printf "%.1f", $1/1000000}')
say "corpus: $corpus ($corpus_mb MB)"

rules="$shared/sigma/rules/windows"
nrules=$(find "$rules" -name '*.yml' | wc -l)
say "rules: $rules ($nrules files)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Warm the page cache once so both runs read from memory.
find "$corpus" -name '*.evtx' -print0 | xargs -0 cat > /dev/null

t0=$(now)
"$hopwatch" dump "$corpus" --threads "$threads" > /dev/null 2> "$out/dump.err"
t1=$(now)
dump_s=$(calc "%.2f" "$t1 - $t0")
say "dump:  $dump_s s   ($(tail -n 1 "$out/dump.err"))"

t0=$(now)
"$hopwatch" hunt "$corpus" --out "$out/hunt" --sigma "$rules" --no-analytics --threads "$threads" --quiet
t1=$(now)
hunt_s=$(calc "%.2f" "$t1 - $t0")
alerts=$(wc -l < "$out/hunt/alerts.jsonl")
say "hunt:  $hunt_s s   ($alerts alerts from $nrules Windows rules)"
say "top rules by alerts:"
jq -r '.title' "$out/hunt/alerts.jsonl" | sort | uniq -c | sort -rn | head -5 | sed 's/^/  /'
say "hunt/dump time ratio: $(calc "%.1f" "$hunt_s / $dump_s")"
