#!/usr/bin/env bash
# EVTX reading speed: Hopwatch `dump --format jsonl` (1 and 2 threads) against libevtx's evtxexport and
# python-evtx's evtx_dump.py, on the same corpus of >= 100 MB built from the shared EVTX files.
# Prints MB/s, records/s, Hopwatch's allocated bytes per record, the 2-thread scaling (and beside it the machine's
# own ceiling: two independent 1-thread dumps of half the corpus each, run at once), and as its last line
#   evtx speedup vs evtxexport (1 thread): X.X
# Usage: bench/evtx.sh            (EVTX_BENCH_MB=N for a corpus of at least N MB, default 100;
#                                  EVTX_BENCH_RUNS=N best-of-N timing for the fast tools, default 2;
#                                  EVTX_BENCH_PY_MB=N size of the evtx_dump.py subset, default 6;
#                                  EVTX_BENCH_SET=all|dense which shared files, see below;
#                                  EVTX_BENCH_PEERS=evtxexport skips evtx_dump.py, ~2 minutes, for quick iterations)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
shared="$root/../shared/data"
corpus="$root/bench/corpus/evtx-${EVTX_BENCH_SET:-all}"
results="$root/bench/results"
target_mb="${EVTX_BENCH_MB:-100}"
runs="${EVTX_BENCH_RUNS:-2}"
py_mb="${EVTX_BENCH_PY_MB:-6}"
peers="${EVTX_BENCH_PEERS:-evtxexport,evtx_dump.py}"
with_py=0
case ",$peers," in *,evtx_dump.py,*) with_py=1 ;; esac
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
hopwatch_dll="$root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch.dll"
hook="$root/bench/AllocStats/bin/Release/net10.0/AllocStats.dll"

# --- corpus: the list of shared EVTX files, repeated whole until it reaches the target size ---------
# EVTX_BENCH_SET=all (default): every shared file — many small re-exported attack samples, so per-file cost counts;
# EVTX_BENCH_SET=dense: only the parser edge-case files, whole 1-2 MB logs full of records, like real evidence.
source "$root/bench/lib/evtx-corpus.sh"
build_evtx_corpus "${EVTX_BENCH_SET:-all}" "$corpus" "$target_mb" "$shared" || exit $?
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
say "corpus (${EVTX_BENCH_SET:-all}): ${#files[@]} files, $corpus_mb MB ($copies copies of ${#list[@]} shared EVTX files), evtxexport prints $ref_records records"
say "machine: $(nproc) cores; each figure is the best of $runs run(s) unless stated"
say ""

# --- timing helpers -------------------------------------------------------------------------------
# Wall time is what a user waits; CPU time (user+sys of the process and its children) is what the work
# costs and stays meaningful when the machine is shared. Both are printed; speedups use both.
best=""; best_cpu=""
tfile=$(mktemp)
# time_best N [timeit.py options] -- CMD... : runs CMD N times; $best = fastest wall s, $best_cpu = least CPU s.
# bench/lib/timeit.py spawns CMD itself, so nothing but CMD is inside the timed interval (timing a `bash -c`
# wrapper under /usr/bin/time between two `date` calls put 5-12 ms of forks into every figure, serial time that
# understated the 2-thread scaling), and takes CPU time from the kernel's rusage in microseconds.
time_best() {
  local out
  out=$(python3 "$root/bench/lib/timeit.py" "$@")
  best=${out% *}
  best_cpu=${out#* }
}

hop_err=$(mktemp)
trap 'rm -f "$hop_err" "$tfile" "$tfile.files" "$tfile.peak"' EXIT
printf '%s\0' "${files[@]}" > "$tfile.files"

# Start-up: the same process reading nothing. Timed runs go without the allocation-stats hook (loading it
# costs start-up time of its own); one extra run with the hook gives the allocation baseline, so
# per-record figures exclude start-up.
empty=$(mktemp -d)
time_best "$runs" --stderr "$hop_err" --any-exit -- "$hopwatch" dump "$empty" --format jsonl
startup_wall=$best
startup_cpu=$best_cpu
DOTNET_STARTUP_HOOKS="$hook" dotnet "$hopwatch_dll" dump "$empty" --format jsonl > /dev/null 2> "$hop_err" || true
rmdir "$empty"
base_alloc=$(sed -nE 's/.*allocated_bytes=([0-9]+).*/\1/p' "$hop_err" | tail -1)
base_alloc=${base_alloc:-0}

say "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg) (wall times are only comparable on a quiet machine; CPU times hold up better)"
declare -A secs cpu recs alloc peak
for th in 1 2; do
  time_best "$runs" --stderr "$hop_err" -- "$hopwatch" dump "$corpus" --format jsonl --threads "$th"
  secs[hop$th]=$best
  cpu[hop$th]=$best_cpu
  recs[hop$th]=$(sed -nE 's/^dump: .* ([0-9]+) records.*/\1/p' "$hop_err" | tail -1)
  # Allocation figures, untimed: the startup hook needs the JIT build (the same code; a native build runs no
  # hooks). Peak memory: the timed binary's own peak resident set.
  DOTNET_STARTUP_HOOKS="$hook" dotnet "$hopwatch_dll" dump "$corpus" --format jsonl --threads "$th" > /dev/null 2> "$hop_err"
  alloc[hop$th]=$(sed -nE 's/.*allocated_bytes=([0-9]+).*/\1/p' "$hop_err" | tail -1)
  /usr/bin/time -f '%M' -o "$tfile.peak" "$hopwatch" dump "$corpus" --format jsonl --threads "$th" > /dev/null 2> /dev/null
  peak[hop$th]=$(( $(tail -n 1 "$tfile.peak") * 1024 ))
  warn=$(sed -nE 's/^dump: .* ([0-9]+) warnings.*/\1/p' "$hop_err" | tail -1)
  say "hopwatch --threads $th: ${secs[hop$th]} s wall, ${cpu[hop$th]} s CPU, ${recs[hop$th]:-?} records, ${warn:-?} warnings"
done

# What this machine gives two busy cores, with no coordination at all: two independent 1-thread dumps, one of
# each half of the corpus, started at once. Their wall time against the whole 1-thread dump is the 2-thread
# scaling a perfect parallel dump could reach here (shared caches, memory and the host's scheduling of the
# virtual cores all count in it); the 2-thread dump is judged against it. Halves: the corpus's copies split in
# two when their number is even (equal work, each half walked as a folder like the whole), else every
# other file of the list.
halves=("" "")
if [ $((copies % 2)) -eq 0 ]; then
  for ((k = 1; k <= copies; k++)); do halves[$(( (k - 1) * 2 / copies ))]+="$corpus/copy$k"$'\n'; done
else
  for i in "${!files[@]}"; do halves[$((i % 2))]+="${files[$i]}"$'\n'; done
fi
mapfile -t half_a < <(printf '%s' "${halves[0]}")
mapfile -t half_b < <(printf '%s' "${halves[1]}")
time_best "$runs" --stderr "$hop_err" -- "$hopwatch" dump "${half_a[@]}" --format jsonl --threads 1 --and "$hopwatch" dump "${half_b[@]}" --format jsonl --threads 1
secs[pair]=$best
cpu[pair]=$best_cpu
say "two 1-thread dumps of half the corpus each, at once: ${secs[pair]} s wall, ${cpu[pair]} s CPU (added up)"

# evtxexport takes one file per call, so it runs once per file (its start-up is part of its cost).
time_best "$runs" -- bash -c 'while IFS= read -r -d "" f; do evtxexport -f xml "$f" > /dev/null 2>&1 || true; done < "$0"' "$tfile.files"
secs[ee]=$best
cpu[ee]=$best_cpu
say "evtxexport -f xml, one process per file: ${secs[ee]} s wall, ${cpu[ee]} s CPU"

# evtx_dump.py is ~100x slower: time it once on a deterministic subset (every 5th file of the list until
# py_mb MB) and scale by bytes. Its records/s are measured on the subset (records counted by evtxexport).
if [ "$with_py" = 1 ]; then
subset=()
sub_bytes=0
for ((i = 0; i < ${#list[@]} && sub_bytes < py_mb * 1000000; i += 5)); do
  subset+=("${list[$i]}")
  sub_bytes=$((sub_bytes + $(stat -c %s "${list[$i]}")))
done
sub_records=0
for f in "${subset[@]}"; do
  n=$(evtxexport -f xml "$f" 2>/dev/null | grep -c '^<Event ' || true)
  sub_records=$((sub_records + n))
done
printf '%s\0' "${subset[@]}" > "$tfile.files"
time_best 1 -- bash -c 'while IFS= read -r -d "" f; do evtx_dump.py "$f" > /dev/null 2>&1 || echo "evtx_dump.py failed on $f" >&2; done < "$0"' "$tfile.files"
py_sub=$best
py_sub_cpu=$best_cpu
scale=$(calc '%.4f' "$corpus_bytes / $sub_bytes")
secs[py]=$(calc '%.1f' "$py_sub * $scale")
cpu[py]=$(calc '%.1f' "$py_sub_cpu * $scale")
say "evtx_dump.py: $py_sub s wall, $py_sub_cpu s CPU on a ${#subset[@]}-file subset of $(calc '%.1f' "$sub_bytes / 1e6") MB ($sub_records records); SCALED to the corpus by bytes (x$scale): ${secs[py]} s wall, ${cpu[py]} s CPU"
else
  say "evtx_dump.py: skipped (EVTX_BENCH_PEERS=$peers)"
fi
say ""

# --- table ---------------------------------------------------------------------------------------
mbps() { calc '%.1f' "$corpus_bytes / 1e6 / $1"; }
rps() { calc '%.0f' "$1 / $2"; }
per_rec() { if [ -n "$1" ] && [ "${2:-0}" -gt 0 ]; then calc '%.0f' "($1 - $base_alloc) / $2"; else echo "-"; fi; }
row() { printf '%-40s %8s %8s %9s %10s %12s %12s %8s\n' "$@"; }
row "tool" "wall s" "CPU s" "MB/s" "MB/CPU-s" "records/s" "alloc B/rec" "peak MB"
for th in 1 2; do
  row "hopwatch dump --format jsonl --threads $th" "${secs[hop$th]}" "${cpu[hop$th]}" "$(mbps "${secs[hop$th]}")" "$(mbps "${cpu[hop$th]}")" \
    "$(rps "${recs[hop$th]:-0}" "${secs[hop$th]}")" "$(per_rec "${alloc[hop$th]:-}" "${recs[hop$th]:-0}")" "$(calc '%.0f' "${peak[hop$th]:-0} / 1048576")"
done
row "evtxexport -f xml" "${secs[ee]}" "${cpu[ee]}" "$(mbps "${secs[ee]}")" "$(mbps "${cpu[ee]}")" "$(rps "$ref_records" "${secs[ee]}")" "-" "-"
if [ "$with_py" = 1 ]; then
  row "evtx_dump.py (scaled from subset)" "${secs[py]}" "${cpu[py]}" "$(mbps "${secs[py]}")" "$(mbps "${cpu[py]}")" "$(rps "$sub_records" "$py_sub")" "-" "-"
fi
say ""
say "records/s: Hopwatch's own count (it also returns records evtxexport prints only with -m recovered); evtxexport's count"
say "allocated bytes per record exclude start-up ($base_alloc bytes for a run that reads nothing; measured on the JIT build, dotnet hopwatch.dll, same code); peak = peak resident set of the timed binary"
if [ "$(stat -c %s "$hopwatch")" -gt 5000000 ]; then say "hopwatch binary: native (AOT) build"; else say "hopwatch binary: ReadyToRun build (no clang: see README)"; fi
say "hopwatch start-up (dump of an empty folder): $startup_wall s wall, $startup_cpu s CPU — included in its figures above"
say "evtx speedup vs evtxexport (1 thread), CPU time: $(calc '%.1f' "${cpu[ee]} / ${cpu[hop1]}")"
if [ "$with_py" = 1 ]; then
  say "evtx speedup vs evtx_dump.py (1 thread), wall / CPU: $(calc '%.1f' "${secs[py]} / ${secs[hop1]}") / $(calc '%.1f' "${cpu[py]} / ${cpu[hop1]}")"
fi
say "this machine's 2-core ceiling (wall time threads 1 / two independent 1-thread halves at once): $(calc '%.2f' "${secs[hop1]} / ${secs[pair]}"); CPU time of the pair / threads 1: $(calc '%.3f' "${cpu[pair]} / ${cpu[hop1]}"), of threads 2 / threads 1: $(calc '%.3f' "${cpu[hop2]} / ${cpu[hop1]}")"
say "evtx 2-thread scaling (wall time threads 1 / threads 2): $(calc '%.2f' "${secs[hop1]} / ${secs[hop2]}")"
say "evtx speedup vs evtxexport (1 thread): $(calc '%.1f' "${secs[ee]} / ${secs[hop1]}")"
