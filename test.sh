#!/usr/bin/env bash
# Runs every test against real MariaDB and Redis. Installs them from Debian's packages when missing; the test
# harness itself starts throwaway servers on free loopback ports in temp folders and stops them at the end.
# Ends with one line "N passed, N failed, N skipped" taken from the TRX results, and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")"

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
missing=()
have mariadbd || missing+=(mariadb-server)
have mariadb || missing+=(mariadb-client)
have redis-server || missing+=(redis-server)
# The generated TypeScript client is checked with Node.js tools (openapi-typescript, tsc), fetched by npm.
have node || missing+=(nodejs)
have npm || missing+=(npm)
# The web app is tested in a real headless Chromium (Playwright drives Debian's build; no browser download).
have chromium || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from Debian's packages"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "test.sh: could not install ${missing[*]}; install them and run again"; exit 1; }
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test StockAlerts.sln -c Release --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; total=0
shopt -s nullglob
trx_files=("$results"/*.trx)
if [ ${#trx_files[@]} -eq 0 ]; then
  echo "test.sh: no test results were written (did the build fail?)"
  exit 1
fi
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(count total)))
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done
skipped=$((total - passed - failed))
if [ "$failed" -ne 0 ]; then
  # The console log is long; name each failed test and the start of its message right above the count line.
  for trx in "${trx_files[@]}"; do
    awk '
      /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
        gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name); print "FAILED " name; inside = 1; lines = 0; next }
      inside && /<\/UnitTestResult>/ { inside = 0; msg = 0 }
      inside && /<Message>/ { msg = 1 }
      inside && msg && lines < 6 { line = $0; gsub(/<\/?Message>|^[ \t]+/, "", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line); print "  " line; lines++ }
      inside && /<\/Message>/ { msg = 0 }
    ' "$trx"
  done
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$total" -eq 0 ]; then
  exit 1
fi
