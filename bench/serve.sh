#!/usr/bin/env bash
# Load test of `hopwatch serve` over loopback only, bounded in count and time.
# Usage: bench/serve.sh [EVENTS] [SECONDS] [RATE]   (defaults 1,000,000 events, 60 s, RATE 0)
# RATE 0 posts as fast as the service accepts (a burst: alert latency then includes the backlog);
# RATE N offers N events/s, to check the service keeps up at that rate and see its alert latency.
# The load is a `hopwatch simulate` enterprise (json format, every attack scenario) sized to EVENTS:
# a SOC's real mix (logons, logoffs, Kerberos, share access, Sysmon, RDP session events, ...) with
# lateral movement in it, posted in time order; built once into bench/out/serve-corpus-* and reused.
# Prints ingest and processing figures; the last line is "serve: N events/s, M lost".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
events="${1:-1000000}"
seconds="${2:-60}"
rate="${3:-0}"
# HOPWATCH_BIN: an already built hopwatch to measure instead (e.g. an older commit's, for before/after).
hopwatch="${HOPWATCH_BIN:-$root/src/Hopwatch.Cli/bin/Release/net10.0/hopwatch}"
[ -n "${HOPWATCH_BIN:-}" ] || dotnet build "$root/src/Hopwatch.Cli" -c Release --nologo -v q >/dev/null
dotnet build "$root/bench/ServeLoad" -c Release --nologo -v q >/dev/null
# ~79 events per simulated host and day: 3 days of enough hosts to hold EVENTS (5% spare).
days=3
hosts=$(( (events * 105 / 100) / (days * 79) + 1 ))
[ "$hosts" -lt 50 ] && hosts=50
corpus="$root/bench/out/serve-corpus-${hosts}x${days}"
if [ ! -f "$corpus/truth.json" ]; then
  rm -rf "$corpus"
  echo "building the load: hopwatch simulate --hosts $hosts --days $days --all-scenarios --formats json"
  "$hopwatch" simulate --out "$corpus" --hosts "$hosts" --days "$days" \
    --all-scenarios --formats json --seed 1 >/dev/null
fi
state="$(mktemp -d)"
log="$state/serve.log"
token="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HOPWATCH_TOKENS="bench:$token" "$hopwatch" serve \
  --state "$state/state" --listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT
url=""
for _ in $(seq 1 200); do
  url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n1)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "serve did not start:" >&2; cat "$log" >&2; exit 1; }
echo "hopwatch serve pid $pid at $url ($(nproc) cores, fsync policy: always)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_before=$(cpu_ticks)
set +e
out="$(HOPWATCH_BENCH_TOKEN="$token" "$root/bench/ServeLoad/bin/Release/net10.0/serve-load" \
  --url "$url" --corpus "$corpus" --events "$events" --seconds "$seconds" --rate "$rate" --batch 2000 --concurrency 4)"
rc=$?
set -e
ticks_after=$(cpu_ticks)
hz=$(getconf CLK_TCK)
# The machine may be shared: CPU time used by the server tells what it costs per event,
# whatever else is running. Events per CPU-second x 2 is what 2 dedicated cores would sustain.
cpu=$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
accepted=$(echo "$out" | sed -n 's/^posted: \([0-9]*\) events accepted.*/\1/p')
echo "$out" | sed '$d'
echo "server CPU: ${cpu} s for ${accepted} events ($(awk -v n="$accepted" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "n/a" }') events per CPU-second; load average $(cut -d' ' -f1 /proc/loadavg))"
client=$(echo "$out" | sed -n 's/^client CPU: \([0-9.]*\) s.*/\1/p')
# What 2 dedicated cores would sustain with the load generator on them too: events per CPU-second
# of server + client together, times 2 (the wall-clock rate above depends on what else runs).
echo "server + client CPU: $(awk -v c="$cpu" -v l="$client" 'BEGIN { printf "%.2f", c + l }') s for ${accepted} events ($(awk -v n="$accepted" -v c="$cpu" -v l="$client" 'BEGIN { if (c + l > 0) printf "%.0f", n / (c + l) * 2; else print "n/a" }') events/s on 2 dedicated cores)"
echo "$out" | tail -n1
exit $rc
