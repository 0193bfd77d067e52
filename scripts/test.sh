#!/usr/bin/env bash
# Runs every Hopwatch test. Installs the reference peers the tests compare against first.
# The last line printed is the human summary: "TESTS: N passed, M failed, K skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
log=$(mktemp)
# Build everything first, then run the tests without building: `dotnet test` alone builds each test
# project on its own and starts its tests while other projects still build, so a test could run the
# CLI while the native (AOT) compile of it was still in progress.
dotnet build Hopwatch.slnx -c Release --nologo -v q 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
  dotnet test Hopwatch.slnx -c Release --nologo --no-build "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
fi
summary=$(grep -E '(Passed|Failed)!? +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$log" | tail -n 50)
failed=$(echo "$summary" | sed -nE 's/.*Failed: +([0-9]+).*/\1/p' | awk '{s+=$1} END {print s+0}')
passed=$(echo "$summary" | sed -nE 's/.*Passed: +([0-9]+).*/\1/p' | awk '{s+=$1} END {print s+0}')
skipped=$(echo "$summary" | sed -nE 's/.*Skipped: +([0-9]+).*/\1/p' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed="build-or-run-error"; fi
echo "TESTS: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
