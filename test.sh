#!/usr/bin/env bash
# The test command (README "The two commands"). On a fresh Debian/Ubuntu machine it installs what the tests need
# and the machine lacks, then builds and runs every test:
#   chromium            the browser tests (Playwright drives Debian's Chromium; it never downloads a browser)
#   redis-server        the multi-instance relay tests (the fixtures start their own throwaway server)
#   fonts-wqy-microhei  a CJK font, so screenshots of the zh-CN pages show characters, not boxes
#   postgresql-15       the PostgreSQL half of the integration tests (a throwaway cluster per run, never the system one)
# It installs through apt-get, as root or with sudo. Under CI=true (the default here) a test whose dependency is
# still missing fails instead of skipping, so a green run means nothing was left out.
# Any arguments go to `dotnet test` (e.g. ./test.sh --filter FullyQualifiedName~Booking).
# Results: TestResults/latest/*.trx and, last, one line: N passed, N failed, N skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export CI="${CI:-true}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RESULTS=TestResults/latest

missing=()
if [ -z "${BLAZORVAX_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ -z "${BLAZORVAX_TEST_REDIS:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
if [ -z "$(fc-list :lang=zh 2>/dev/null || true)" ]; then
  missing+=(fonts-wqy-microhei)
fi
if [ -z "${BLAZORVAX_TEST_POSTGRES:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql-15)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rm -rf "$RESULTS"
status=0
dotnet test BlazorVax.sln --logger "trx;LogFilePrefix=r" --logger "console;verbosity=minimal" --results-directory "$RESULTS" "$@" || status=$?

# Sum the <Counters .../> of every trx file. Skipped = not executed; errors, timeouts and aborts count as failures.
read -r total executed passed failed < <(
  find "$RESULTS" -name '*.trx' -print0 2>/dev/null | xargs -0 -r grep -ho '<Counters [^>]*>' |
    awk '{
      line = $0
      while (match(line, /[A-Za-z]+="[0-9]+"/)) {
        pair = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
        split(pair, kv, "="); gsub(/"/, "", kv[2]); sum[kv[1]] += kv[2]
      }
    }
    END { printf "%d %d %d %d\n", sum["total"], sum["executed"], sum["passed"], sum["failed"] + sum["error"] + sum["timeout"] + sum["aborted"] }'
)
echo "$passed passed, $failed failed, $((total - executed)) skipped"
if [ "$executed" -eq 0 ]; then echo "test.sh: no test ran"; status=1; fi
exit "$status"
