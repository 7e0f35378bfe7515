#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests start (Azurite, pinned by
# infra/package-lock.json; Chromium, PostgreSQL and Redis from Debian), builds with warnings as errors, checks formatting, runs both
# test projects, and prints one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n== %s\n' "$*"; }

step "Installing Azurite (npm ci --prefix infra)"
npm ci --prefix infra --no-audit --no-fund --loglevel=error || exit 1

# Debian packages the tests start: Chromium (browser tests, with CJK fonts), PostgreSQL (the
# clustered scheduler) and Redis (the agent console's backplane); each installed only when missing.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || exit 1
fi

step "Building (Release, warnings are errors)"
dotnet build ServiceBot.sln -c Release -warnaserror -nologo -v quiet || exit 1

# CSharpier lays the code out (120 columns, .csharpierrc.yaml); dotnet format checks the style
# rules and analyzers of .editorconfig. Its whitespace pass is left out: the two disagree there.
step "Checking formatting (CSharpier, dotnet format style and analyzers)"
dotnet tool restore || exit 1
dotnet csharpier check . || exit 1
dotnet format style ServiceBot.sln --verify-no-changes --no-restore || exit 1
dotnet format analyzers ServiceBot.sln --verify-no-changes --no-restore || exit 1

step "Checking documentation links (infra/scripts/check-links.py)"
python3 infra/scripts/check-links.py || exit 1

step "Testing"
log=$(mktemp)
dotnet test ServiceBot.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Failed:     0, Passed:   115, ...").
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ n += $2 } END { print n + 0 }')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ n += $2 } END { print n + 0 }')
rm -f "$log"
echo
echo "${passed:-0} passed, ${failed:-0} failed"
if [ "${passed:-0}" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
