#!/usr/bin/env bash
# JSON-lines reading throughput: Hopwatch (read + normalise) against `jq -c .` on the same 200 MB
# file, built once from the Security-Datasets zips in ../shared (bench/corpus/, gitignored).
# Prints MB/s by wall clock and by CPU time (user+sys: the machine may be shared), and as the
# LAST line: "json read speedup vs jq: X.X" (wall clock).
# Usage: bench/json.sh [SIZE_MB]   (default 200)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
size_mb="${1:-200}"
corpus="$root/bench/corpus/security-datasets-${size_mb}mb.jsonl"
data="$root/../shared/data/security-datasets/atomic/windows"
command -v jq >/dev/null || ./scripts/deps.sh
command -v unzip >/dev/null || { echo "bench: needs unzip (apt-get install unzip)" >&2; exit 1; }

if [ ! -s "$corpus" ]; then
  mkdir -p "$(dirname "$corpus")"
  echo "bench: building ${size_mb} MB corpus from $data" >&2
  tmp="$corpus.tmp"
  : > "$tmp"
  limit=$((size_mb * 1000 * 1000))
  while [ "$(stat -c %s "$tmp")" -lt "$limit" ]; do
    for z in $(find "$data" -path '*/host/*.zip' | sort); do
      unzip -p "$z" '*.json' -x '__MACOSX/*' >> "$tmp" 2>/dev/null || true
      [ "$(stat -c %s "$tmp")" -ge "$limit" ] && break
    done
  done
  # Cut to whole lines at the size limit.
  head -c "$limit" "$tmp" | sed '$d' > "$corpus"
  rm -f "$tmp"
fi
bytes=$(stat -c %s "$corpus")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "corpus: $corpus ($mb MB, $(wc -l < "$corpus") lines)"

dotnet build src/Hopwatch.Cli -c Release --nologo -v q >/dev/null
hopwatch="$root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch"

# run NAME CMD...: prints "NAME wall_s cpu_s"
run() {
  local name="$1"; shift
  local t tf
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %U %S" "$@" > /dev/null 2>/dev/null
  t=$(tail -n 1 "$tf")
  rm -f "$tf"
  awk -v n="$name" -v t="$t" 'BEGIN { split(t, a, " "); printf "%s %s %.2f\n", n, a[1], a[2] + a[3] }'
}

cat "$corpus" > /dev/null # warm the page cache for both
jq_line=$(run jq jq -c . "$corpus")
hw_line=$(run hopwatch "$hopwatch" dump --normalised --count "$corpus")
hw_dump_line=$(run hopwatch-dump "$hopwatch" dump --normalised "$corpus")

report() {
  awk -v mb="$mb" -v line="$1" -v what="$2" 'BEGIN {
    split(line, a, " ");
    printf "%-40s %7.2f s wall %7.1f MB/s   %7.2f s cpu %7.1f MB/s\n", what, a[2], mb / a[2], a[3], mb / a[3] }'
}
report "$jq_line" "jq -c . (parse + print)"
report "$hw_line" "hopwatch read + normalise (--count)"
report "$hw_dump_line" "hopwatch dump --normalised (+ print)"
awk -v j="$jq_line" -v h="$hw_line" -v d="$hw_dump_line" 'BEGIN {
  split(j, a, " "); split(h, b, " "); split(d, c, " ");
  printf "cpu-time speedup vs jq: read+normalise %.1f, dump --normalised %.1f\n", a[3] / b[3], a[3] / c[3];
  printf "json read speedup vs jq: %.1f\n", a[2] / b[2] }'
