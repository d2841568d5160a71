#!/usr/bin/env bash
# Run a command (the test suite) with everything real it needs: a Kafka broker, promtool, kcat,
# and a real browser for the web page (Debian's chromium + chromium-driver).
#
#   bash deploy/test-env.sh .venv/bin/python -m pytest [ARGS...]     (what `make test` runs)
#
# - Installs Debian's `prometheus` (promtool, prometheus), `kcat`, and `chromium` + `chromium-driver`
#   (with a Korean font, so screenshots show Hangul) when missing and we are root.
# - Starts a private single-node Kafka on free ports (deploy/kafka/local-kafka.sh) unless
#   PANTAU_KAFKA already names one, exports PANTAU_KAFKA, runs the command, stops the broker.
# - Without Java or Maven it says plainly which tests cannot run; they skip (outside CI).
#   Under CI=true nothing may skip: a missing broker is a failure.
# Returns the command's exit status (pytest's 5, "no tests collected", counts as success
# outside CI, so that `make test PYTEST_ARGS=-k...` with an empty selection is not an error).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${CI:-}" in 1 | true | TRUE | True | yes) IN_CI=1 ;; *) IN_CI=0 ;; esac

if [[ -t 2 ]]; then TAG=$'\033[1mtest-env:\033[0m'; else TAG="test-env:"; fi
say() { printf '%s %s\n' "$TAG" "$*" >&2; }

(($# > 0)) || { say "usage: $0 COMMAND [ARGS...]"; exit 2; }

missing=()

# Debian packages the tests use as real, independent tools.
install_debian_tools() {
    local want=()
    command -v promtool >/dev/null || want+=(prometheus)
    command -v kcat >/dev/null || want+=(kcat)
    [[ -x /usr/bin/chromium ]] || want+=(chromium)
    [[ -x /usr/bin/chromedriver ]] || want+=(chromium-driver)
    # Fonts the screenshots need: Latin with Vietnamese diacritics, and Hangul.
    [[ -x /usr/bin/fc-list && -n "$(/usr/bin/fc-list :lang=vi 2>/dev/null)" ]] || want+=(fonts-dejavu-core)
    [[ -x /usr/bin/fc-list && -n "$(/usr/bin/fc-list :lang=ko 2>/dev/null)" ]] || want+=(fonts-nanum)
    ((${#want[@]})) || return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing ${want[*]} (Debian packages) for the tests"
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}"; } >/dev/null 2>&1; then
            say "could not install ${want[*]} with apt-get"
        fi
    else
        say "missing ${want[*]}; install them with: sudo apt-get install ${want[*]}"
    fi
    command -v promtool >/dev/null || missing+=("promtool/prometheus (Prometheus metric, rule and dashboard tests)")
    [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] ||
        missing+=("chromium and chromium-driver (the web page tests in a real browser: tests/e2e/test_web_browser.py)")
    command -v kcat >/dev/null || say "kcat missing: broker readiness falls back to the log line; topic checks use kafka-python"
}

BROKER_RUN=""
stop_broker() {
    if [[ -n "$BROKER_RUN" ]]; then
        PANTAU_KAFKA_RUN="$BROKER_RUN" bash "$HERE/kafka/local-kafka.sh" stop --wipe || true
        rm -rf "$BROKER_RUN"
        BROKER_RUN=""
    fi
}
trap stop_broker EXIT
trap 'stop_broker; exit 130' INT
trap 'stop_broker; exit 143' TERM

start_broker() {
    if [[ -n "${PANTAU_KAFKA:-}" ]]; then
        say "using the Kafka broker at PANTAU_KAFKA=$PANTAU_KAFKA"
        return 0
    fi
    local why=""
    command -v java >/dev/null || why="java is not installed"
    command -v mvn >/dev/null || why="${why:+$why and }mvn is not installed"
    if [[ -z "$why" ]]; then
        BROKER_RUN="$(mktemp -d "${TMPDIR:-/tmp}/pantau-test-kafka.XXXXXX")"
        local line
        if line="$(PANTAU_KAFKA_RUN="$BROKER_RUN" bash "$HERE/kafka/local-kafka.sh" start)"; then
            export PANTAU_KAFKA="${line#export PANTAU_KAFKA=}"
            return 0
        fi
        why="the local broker did not start (see above)"
    fi
    missing+=("a Kafka broker: $why (tests using the kafka_bootstrap fixture: tests/kafka, tests/e2e/test_distributed.py, Faust worker tests)")
    return 1
}

install_debian_tools
start_broker

if ((${#missing[@]})); then
    say "these tests cannot run on this machine:"
    for m in "${missing[@]}"; do say "  - $m"; done
    if ((IN_CI)); then
        say "CI=true: nothing may skip, so this is a failure"
        exit 1
    fi
    say "they will be reported as skipped; install the missing parts to run them"
fi

"$@"
status=$?

if ((status == 5)); then
    if ((IN_CI)); then
        say "pytest collected no tests (exit 5): under CI that is a failure"
    else
        say "pytest collected no tests (exit 5) for this selection"
        status=0
    fi
fi
if ((${#missing[@]})); then
    say "reminder: skipped for lack of tools: ${missing[*]}"
fi
exit "$status"
