#!/usr/bin/env bash
# Sigma engine speed: `hopwatch hunt --no-analytics` with every Windows rule of the shared SigmaHQ snapshot
# against `hopwatch dump` on the same >= 100 MB EVTX corpus (the corpus bench/evtx.sh builds, in
# bench/corpus/evtx-SET; built here the same way when missing). Prints wall and CPU (user+sys) time of both, the
# alerts found, and as its last line the CPU-time ratio (CPU time, because the shared build machine's load swamps
# wall time):
#   hunt/dump time ratio: X.X
# hunt first runs once with a fresh parsed-rule cache (a private XDG_CACHE_HOME): cold (every rule file parsed,
# as on a first run), then warm (unchanged rule files come from the cache, as on every later run). The last line
# is the warm ratio; the cold one is printed just before it. dump and the warm hunt each take the best of
# SIGMA_BENCH_RUNS runs (default 3): single runs on a shared machine moved by 10-20%.
# Usage: bench/sigma.sh   (SIGMA_BENCH_MB=N corpus of at least N MB, default 100; SIGMA_BENCH_THREADS=N, default 2;
#                          SIGMA_BENCH_SET=all|dense as EVTX_BENCH_SET in bench/evtx.sh, default all;
#                          SIGMA_BENCH_RUNS=N, default 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
shared="$root/../shared/data"
corpus="$root/bench/corpus/evtx-${SIGMA_BENCH_SET:-all}"
results="$root/bench/results"
target_mb="${SIGMA_BENCH_MB:-100}"
threads="${SIGMA_BENCH_THREADS:-2}"
runs="${SIGMA_BENCH_RUNS:-3}"
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
source "$root/bench/lib/evtx-corpus.sh"
build_evtx_corpus "${SIGMA_BENCH_SET:-all}" "$corpus" "$target_mb" "$shared" || exit $?
corpus_mb=$(du -sbL "$corpus" | awk '{printf "%.1f", $1/1000000}')
say "corpus: $corpus ($corpus_mb MB)"

rules="$shared/sigma/rules/windows"
nrules=$(find "$rules" -name '*.yml' | wc -l)
say "rules: $rules ($nrules files)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export XDG_CACHE_HOME="$out/cache" # hunt's parsed-rule cache: starts empty, kept for the warm run

# Warm the page cache once so both runs read from memory.
find "$corpus" -name '*.evtx' -print0 | xargs -0 cat > /dev/null

# timed NAME RUNS [timeit.py options] -- CMD... : best wall and CPU (user+sys) seconds of RUNS runs into $NAME_wall / $NAME_cpu.
# bench/lib/timeit.py spawns CMD itself (no shell or /usr/bin/time inside the timed interval) and takes CPU
# time from the kernel's rusage in microseconds (/usr/bin/time's 10 ms steps were 7% of a 0.15 s dump).
timed() {
  local name=$1 n=$2; shift 2
  local out; out=$(python3 "$root/bench/lib/timeit.py" "$n" "$@")
  printf -v "${name}_wall" '%.3f' "${out% *}"
  printf -v "${name}_cpu" '%.3f' "${out#* }"
}
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
timed dump "$runs" --stderr "$out/dump.err" -- "$hopwatch" dump "$corpus" --threads "$threads"
say "dump:  wall $dump_wall s, CPU $dump_cpu s   (best of $runs; $(tail -n 1 "$out/dump.err"))"
timed cold 1 -- "$hopwatch" hunt "$corpus" --out "$out/hunt" --sigma "$rules" --no-analytics --threads "$threads" --quiet
say "hunt:  wall $cold_wall s, CPU $cold_cpu s   (rule cache cold: every rule file parsed)"
timed hunt "$runs" -- "$hopwatch" hunt "$corpus" --out "$out/hunt" --sigma "$rules" --no-analytics --threads "$threads" --quiet
alerts=$(wc -l < "$out/hunt/alerts.jsonl")
say "hunt:  wall $hunt_wall s, CPU $hunt_cpu s   (best of $runs, rule cache warm; $alerts alerts from $nrules Windows rules)"
# Where the warm hunt's CPU goes (one more run with the phase log, which writes the reports one after another).
say "warm hunt phases (CPU s, one run): $(HOPWATCH_HUNT_PHASES=1 "$hopwatch" hunt "$corpus" --out "$out/hunt" --sigma "$rules" --no-analytics --threads "$threads" --quiet 2>&1 >/dev/null \
  | awk '/^phase / { name = $2; for (i = 3; $i != "wall"; i++) name = name " " $i; for (j = i; $j != "cpu"; j++) {}; printf "%s%s %s", sep, name, $(j + 1); sep = ", " }')"
say "sigma engine alone (rules scan, CPU): $("$hopwatch" rules scan "$rules" --in "$corpus" --top 0 | tail -n 1)"
say "top rules by alerts:"
jq -r '.title' "$out/hunt/alerts.jsonl" | sort | uniq -c | sort -rn | awk 'NR <= 5 { print "  " $0 }' # awk, not head: head's early exit would fail the pipe (pipefail)
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
say "hunt/dump wall time ratio: $(calc "%.1f" "$hunt_wall / $dump_wall")"
say "hunt/dump time ratio with a cold rule cache: $(calc "%.1f" "$cold_cpu / $dump_cpu")"
say "hunt/dump time ratio: $(calc "%.1f" "$hunt_cpu / $dump_cpu")"
