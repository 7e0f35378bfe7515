#!/usr/bin/env bash
# One command for every benchmark of bench/README.md, side by side on this machine:
#   bash bench/run.sh            (about 20 minutes on 2 cores)
# Installs what the runs need when it is missing (wrk from Debian, the Node peers and Azurite
# from npm), builds Release, and prints the tables; they are also added at the top of
# bench/results.md, which keeps every run before it (newest first).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
npm ci --prefix infra --no-audit --no-fund --loglevel=error
npm ci --prefix bench/peers --no-audit --no-fund --loglevel=error
dotnet build ServiceBot.sln -c Release -nologo -v quiet

bench() { dotnet bench/ServiceBot.Bench/bin/Release/net10.0/ServiceBot.Bench.dll "$@"; }
out=bench/results.md
run=$(mktemp)
{
  echo "# Benchmark run of $(date -u +%Y-%m-%d) on $(nproc) cores ($(git rev-parse --short HEAD))"
  echo
  echo "## Turns: load on every server"
  echo
  bench load 100000 600000 10
  echo
  echo "## No-spam policy"
  echo
  bench policy 2000000
  echo
  echo "## Campaign, 100,000 customers"
  echo
  bench campaign 100000
  echo
  echo "## Campaign, 1,000,000 customers"
  echo
  bench campaign 1000000
  echo
  echo "## Local store: durability and memory"
  echo
  bench store 20000 3
  echo
  bench memory 100000 1000000
} | tee "$run"

# The new run goes on top; the runs before it stay below.
{
  cat "$run"
  if [ -f "$out" ]; then
    echo
    cat "$out"
  fi
} > "$out.new"
mv "$out.new" "$out"
rm -f "$run"
