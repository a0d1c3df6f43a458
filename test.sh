#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests need when they are missing, then runs
# every test project of the solution. Extra arguments go to `dotnet test` (e.g. --filter Name~Hold).
# Set CALLCONTROL_TEST_POSTGRES to a connection string to use an existing PostgreSQL server instead of a
# private cluster per test process.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests run: PostgreSQL's server binaries (initdb, pg_ctl, postgres), SIPp
# (sip-tester) as the SIP peer of the media worker's stack, baresip (baresip-core) as a real SIP
# station with media for its interoperability tests, and RabbitMQ (rabbitmq-server) as the broker
# between the API and separate media workers.
packages=(postgresql sip-tester baresip-core rabbitmq-server)

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }

missing=()
have_postgres || missing+=(postgresql)
command -v sipp >/dev/null || missing+=(sip-tester)
command -v baresip >/dev/null || missing+=(baresip-core)
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

if ((${#missing[@]} > 0)); then
  echo "test.sh: installing missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]] && ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
    echo "test.sh: cannot install ${missing[*]} without root. Run: sudo apt-get install ${packages[*]}" >&2
    exit 1
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" rabbitmq-server "* ]]; then
    # The package starts its own broker (and epmd) where services may start. Tests run private brokers
    # only (tests/CallControl.Testing/RabbitMqBroker.cs), so the machine's one is stopped and disabled.
    as_root service rabbitmq-server stop >/dev/null 2>&1 || true
    as_root systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
    as_root update-rc.d rabbitmq-server disable >/dev/null 2>&1 || true
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

# Private RabbitMQ brokers of an interrupted run: every process of one has the broker's folder as HOME.
tmp=${TMPDIR:-/tmp}
for dir in "${tmp%/}"/callcontrol-test-rabbitmq-*; do
  [[ -d $dir ]] || continue
  for proc in /proc/[0-9]*; do
    if grep -qzxF "HOME=$dir" "$proc/environ" 2>/dev/null; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
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
