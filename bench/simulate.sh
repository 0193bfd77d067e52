#!/usr/bin/env bash
# Simulator speed: `hopwatch simulate` of about 10 million events (2000 hosts x 67 days with every
# attack scenario), once per output format set, printing events/s and output size; the output is
# deleted afterwards. The last line is
#   simulate events/s (FORMATS): N wall, M per CPU second   (the last format set run)
# Usage: bench/simulate.sh   (SIM_BENCH_HOSTS / SIM_BENCH_DAYS change the size, default 2000 / 67;
#                             SIM_BENCH_FORMATS a space-separated list of format sets,
#                             default "evtx,authlog json"; SIM_BENCH_OUT where to write, default bench/out;
#                             HOPWATCH_DLL an already built hopwatch.dll to run instead of building)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
hosts="${SIM_BENCH_HOSTS:-2000}"
days="${SIM_BENCH_DAYS:-67}"
format_sets="${SIM_BENCH_FORMATS:-evtx,authlog json}"
out="${SIM_BENCH_OUT:-$root/bench/out/simulate}"
results="$root/bench/results"
mkdir -p "$results"
log="$results/simulate-$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$log") 2>&1

if [ -n "${HOPWATCH_DLL:-}" ]; then
  hopwatch="dotnet $HOPWATCH_DLL"           # an already built copy (so rebuilding the tree cannot disturb a run)
else
  dotnet build src/Hopwatch.Cli -c Release -nologo -v q >/dev/null
  hopwatch="dotnet $root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch.dll"
fi
echo "simulate: $hosts hosts x $days days, all scenarios, seed 1; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
last=""
for formats in $format_sets; do
  rm -rf "$out"
  start=$(date +%s.%N)
  report=$($hopwatch simulate --out "$out" --seed 1 --hosts "$hosts" --days "$days" --all-scenarios --formats "$formats")
  echo "$report" | head -1
  line=$(echo "$report" | tail -1)
  end=$(date +%s.%N)
  size=$(du -sm "$out" | cut -f1)
  files=$(find "$out" -type f | wc -l)
  eps=$(echo "$line" | sed -E 's/^([0-9,]+) events\/s.*/\1/' | tr -d ,)
  printf 'formats %-14s %s  (wall %.1f s incl. startup, %s MB in %s files)\n' "$formats" "$line" "$(awk "BEGIN{print $end-$start}")" "$size" "$files"
  cpu_eps=$(echo "$line" | sed -E 's/.*= ([0-9,]+) events per CPU second.*/\1/' | tr -d ,)
  last="simulate events/s ($formats): $eps wall, $cpu_eps per CPU second"
  rm -rf "$out"
done
echo "$last"
