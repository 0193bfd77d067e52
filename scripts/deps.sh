#!/usr/bin/env bash
# Installs what Hopwatch's tests and benchmarks use as reference peers (libyal's evtxexport and
# python-evtx's evtx_dump.py) when they are missing. Safe to run repeatedly.
set -euo pipefail
need=()
command -v evtxexport >/dev/null 2>&1 || need+=(libevtx-utils)
command -v evtx_dump.py >/dev/null 2>&1 || need+=(python3-evtx)
command -v jq >/dev/null 2>&1 || need+=(jq)
# Headless browser for the HTML report tests (XSS, rendering at scale, docs/report-screenshot.png)
# and the service's Playwright web UI tests (/usr/bin/chromium, nothing downloaded).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# clang and zlib headers: the Release build compiles the CLI to a native (AOT) executable when clang is
# present (see src/Hopwatch.Cli/Hopwatch.Cli.csproj); without them it falls back to ReadyToRun.
[ -x /usr/bin/clang ] || need+=(clang)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
