#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests need when they are missing, then runs
# every test project of the solution. Extra arguments go to `dotnet test` (e.g. --filter Name~Hold).
# Set CALLCONTROL_TEST_POSTGRES to a connection string to use an existing PostgreSQL server instead of a
# private cluster per test process.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests run: PostgreSQL's server binaries (initdb, pg_ctl, postgres), SIPp
# (sip-tester) as the SIP peer of the media worker's stack, and baresip (baresip-core) as a real SIP
# station with media for its interoperability tests.
packages=(postgresql sip-tester baresip-core)

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }

missing=()
have_postgres || missing+=(postgresql)
command -v sipp >/dev/null || missing+=(sip-tester)
command -v baresip >/dev/null || missing+=(baresip-core)

if ((${#missing[@]} > 0)); then
  echo "test.sh: installing missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "test.sh: cannot install ${missing[*]} without root. Run: sudo apt-get install ${packages[*]}" >&2
    exit 1
  fi
fi

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install .NET 10 first." >&2
  exit 1
fi

# Private clusters left running by an interrupted earlier run would hold ports and memory.
for dir in "${TMPDIR:-/tmp}"/callcontrol-test-pg-*; do
  [[ -d $dir ]] || continue
  if [[ -f $dir/postmaster.pid ]]; then
    pid=$(head -n 1 "$dir/postmaster.pid")
    kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test CallControl.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole suite, summed over the test projects.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i + 1)
         if ($i == "Passed:") passed += $(i + 1)
         if ($i == "Skipped:") skipped += $(i + 1)
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' FS='[ ,]+' "$log"
exit "$status"
