#!/usr/bin/env bash
# Analytics benchmark: 10 million generated events from 50,000 hosts through every Hopwatch
# analytic; prints events/s (analytics only) and the peak working set (target: < 1 GB).
# Usage: bench/analytics.sh [--events N] [--hosts H]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./hopwatch bench-analytics "$@"
