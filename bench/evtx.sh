#!/usr/bin/env bash
# EVTX reading speed: Hopwatch `dump --format jsonl` (1 and 2 threads) against libevtx's evtxexport and
# python-evtx's evtx_dump.py, on the same corpus of >= 100 MB built from the shared EVTX files.
# Prints MB/s, records/s, Hopwatch's allocated bytes per record, the 2-thread scaling, and as its last line
#   evtx speedup vs evtxexport (1 thread): X.X
# Usage: bench/evtx.sh            (EVTX_BENCH_MB=N for a corpus of at least N MB, default 100;
#                                  EVTX_BENCH_RUNS=N best-of-N timing for the fast tools, default 2;
#                                  EVTX_BENCH_PY_MB=N size of the evtx_dump.py subset, default 4)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
shared="$root/../shared/data"
corpus="$root/bench/corpus/evtx"
results="$root/bench/results"
target_mb="${EVTX_BENCH_MB:-100}"
runs="${EVTX_BENCH_RUNS:-2}"
py_mb="${EVTX_BENCH_PY_MB:-4}"
mkdir -p "$results"
log="$results/evtx-$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$log") 2>&1

say() { printf '%s\n' "$*"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# --- tools --------------------------------------------------------------------------------------
./scripts/deps.sh
for t in evtxexport evtx_dump.py; do
  command -v "$t" >/dev/null || { say "bench: $t not found (scripts/deps.sh installs it)"; exit 1; }
done
say "building hopwatch (Release) and the allocation-stats startup hook..."
dotnet build src/Hopwatch.Cli -c Release --nologo -v q >/dev/null
dotnet build bench/AllocStats -c Release --nologo -v q >/dev/null
hopwatch="$root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch"
hook="$root/bench/AllocStats/bin/Release/net10.0/AllocStats.dll"

# --- corpus: the list of shared EVTX files, repeated whole until it reaches the target size ---------
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
mapfile -t files < <(find "$corpus" -name '*.evtx' -type f | LC_ALL=C sort)
corpus_bytes=$(stat -c %s "${files[@]}" | awk '{s+=$1} END {print s}')
corpus_mb=$(calc '%.1f' "$corpus_bytes / 1e6")
cat "${files[@]}" > /dev/null # page cache warm for every tool alike

# Records per the reference, counted once on the unique list (untimed) and multiplied by the copies.
ref_records=0
for f in "${list[@]}"; do
  n=$(evtxexport -f xml "$f" 2>/dev/null | grep -c '^<Event ' || true)
  ref_records=$((ref_records + n))
done
ref_records=$((ref_records * copies))

say ""
say "corpus: ${#files[@]} files, $corpus_mb MB ($copies copies of ${#list[@]} shared EVTX files), evtxexport prints $ref_records records"
say "machine: $(nproc) cores; each figure is the best of $runs run(s) unless stated"
say ""

# --- timing helpers -------------------------------------------------------------------------------
best=""
time_best() { # time_best N CMD... : runs CMD N times, sets $best to the fastest wall time in seconds
  best=""
  for ((r = 0; r < $1; r++)); do
    local s e t
    s=$(now); "${@:2}"; e=$(now)
    t=$(calc '%.3f' "$e - $s")
    if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t; fi
  done
}

hop_err=$(mktemp)
trap 'rm -f "$hop_err"' EXIT
run_hopwatch() { # threads
  DOTNET_STARTUP_HOOKS="$hook" "$hopwatch" dump "$corpus" --format jsonl --threads "$1" > /dev/null 2> "$hop_err"
}
run_evtxexport() {
  local f
  for f in "${files[@]}"; do evtxexport -f xml "$f" > /dev/null 2>&1 || true; done
}

# Allocation baseline: the same process reading nothing, so per-record figures exclude start-up.
empty=$(mktemp -d)
DOTNET_STARTUP_HOOKS="$hook" "$hopwatch" dump "$empty" --format jsonl > /dev/null 2> "$hop_err" || true
rmdir "$empty"
base_alloc=$(sed -nE 's/.*allocated_bytes=([0-9]+).*/\1/p' "$hop_err" | tail -1)
base_alloc=${base_alloc:-0}

declare -A secs recs alloc peak
for th in 1 2; do
  time_best "$runs" run_hopwatch "$th"
  secs[hop$th]=$best
  recs[hop$th]=$(sed -nE 's/^dump: .* ([0-9]+) records.*/\1/p' "$hop_err" | tail -1)
  alloc[hop$th]=$(sed -nE 's/.*allocated_bytes=([0-9]+).*/\1/p' "$hop_err" | tail -1)
  peak[hop$th]=$(sed -nE 's/.*peak_working_set=([0-9]+).*/\1/p' "$hop_err" | tail -1)
  warn=$(sed -nE 's/^dump: .* ([0-9]+) warnings.*/\1/p' "$hop_err" | tail -1)
  say "hopwatch --threads $th: ${secs[hop$th]} s, ${recs[hop$th]:-?} records, ${warn:-?} warnings"
done

time_best "$runs" run_evtxexport
secs[ee]=$best
say "evtxexport -f xml (one process per file, as it takes one file): ${secs[ee]} s"

# evtx_dump.py is ~100x slower: time it on a deterministic subset (every k-th file of the first copy until
# py_mb MB) and scale by bytes. Records on the subset are counted by evtxexport (untimed) for records/s.
subset=()
sub_bytes=0
step=7
for ((i = 0; i < ${#list[@]} && sub_bytes < py_mb * 1000000; i += step)); do
  subset+=("${list[$i]}")
  sub_bytes=$((sub_bytes + $(stat -c %s "${list[$i]}")))
done
sub_records=0
for f in "${subset[@]}"; do
  n=$(evtxexport -f xml "$f" 2>/dev/null | grep -c '^<Event ' || true)
  sub_records=$((sub_records + n))
done
py_fail=0
s=$(now)
for f in "${subset[@]}"; do evtx_dump.py "$f" > /dev/null 2>&1 || py_fail=$((py_fail + 1)); done
e=$(now)
py_sub=$(calc '%.3f' "$e - $s")
secs[py]=$(calc '%.1f' "$py_sub * $corpus_bytes / $sub_bytes")
say "evtx_dump.py: $py_sub s on a ${#subset[@]}-file subset of $(calc '%.1f' "$sub_bytes / 1e6") MB ($sub_records records, $py_fail file(s) failed), scaled to the corpus by bytes: ${secs[py]} s"
say ""

# --- table ---------------------------------------------------------------------------------------
mbps() { calc '%.1f' "$corpus_bytes / 1e6 / $1"; }
rps() { calc '%.0f' "$1 / $2"; }
per_rec() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt 0 ] && calc '%.0f' "($1 - $base_alloc) / $2" || echo "-"; }
printf '%-44s %9s %9s %11s %14s %10s\n' "tool" "seconds" "MB/s" "records/s" "alloc B/rec" "peak MB"
printf '%-44s %9s %9s %11s %14s %10s\n' "hopwatch dump --format jsonl --threads 1" "${secs[hop1]}" "$(mbps "${secs[hop1]}")" \
  "$(rps "${recs[hop1]:-0}" "${secs[hop1]}")" "$(per_rec "${alloc[hop1]:-}" "${recs[hop1]:-0}")" "$(calc '%.0f' "${peak[hop1]:-0} / 1048576")"
printf '%-44s %9s %9s %11s %14s %10s\n' "hopwatch dump --format jsonl --threads 2" "${secs[hop2]}" "$(mbps "${secs[hop2]}")" \
  "$(rps "${recs[hop2]:-0}" "${secs[hop2]}")" "$(per_rec "${alloc[hop2]:-}" "${recs[hop2]:-0}")" "$(calc '%.0f' "${peak[hop2]:-0} / 1048576")"
printf '%-44s %9s %9s %11s %14s %10s\n' "evtxexport -f xml" "${secs[ee]}" "$(mbps "${secs[ee]}")" "$(rps "$ref_records" "${secs[ee]}")" "-" "-"
printf '%-44s %9s %9s %11s %14s %10s\n' "evtx_dump.py (scaled from subset)" "${secs[py]}" "$(mbps "${secs[py]}")" \
  "$(rps "$sub_records" "$py_sub")" "-" "-"
say ""
say "allocated bytes per record exclude start-up ($base_alloc bytes for a run that reads nothing)"
say "evtx speedup vs evtx_dump.py (1 thread): $(calc '%.1f' "${secs[py]} / ${secs[hop1]}")"
say "evtx 2-thread scaling (threads 1 / threads 2 wall time): $(calc '%.2f' "${secs[hop1]} / ${secs[hop2]}")"
say "evtx speedup vs evtxexport (1 thread): $(calc '%.1f' "${secs[ee]} / ${secs[hop1]}")"
