#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft) on 127.0.0.1, for development and tests. No Docker.
#
#   deploy/kafka/local-kafka.sh start        fetch the broker jars once, start a node on free ports;
#                                            if a stopped node's data is kept, start it again on that
#                                            data and the same ports
#   deploy/kafka/local-kafka.sh restart      stop the node and start it again on its data (try an outage)
#   deploy/kafka/local-kafka.sh status       say whether it runs, and where
#   deploy/kafka/local-kafka.sh env          print `export PANTAU_KAFKA=...` for the running node
#   deploy/kafka/local-kafka.sh stop         stop the node started here (by its pid); keep its data
#   deploy/kafka/local-kafka.sh stop --wipe  stop it and remove its data (the next start is fresh)
#
# Environment:
#   PANTAU_KAFKA_RUN    run directory (pid, bootstrap, config, log); default deploy/kafka/.run.
#                       deploy/test-env.sh points it at a temporary directory so a test run never
#                       touches the broker `make kafka` started.
#   PANTAU_KAFKA_CACHE  where the jars are kept between runs; default deploy/kafka/.cache
#   KAFKA_HEAP_OPTS     JVM heap; default -Xms256m -Xmx512m (enough on a 2-core machine)
#   PANTAU_KAFKA_READY_TIMEOUT  seconds to wait for the broker to answer; default 90
#
# The jars come from Maven Central through pom.xml next to this script
# (org.apache.kafka:kafka_2.13 3.9.1 + its runtime dependencies + a reload4j logging backend).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_VERSION="3.9.1"
CACHE="${PANTAU_KAFKA_CACHE:-$HERE/.cache}"
LIB="$CACHE/kafka-$KAFKA_VERSION/lib"
RUN="${PANTAU_KAFKA_RUN:-$HERE/.run}"
HEAP="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
READY_TIMEOUT="${PANTAU_KAFKA_READY_TIMEOUT:-90}"

say() { printf 'local-kafka: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

need_tools() {
    command -v java >/dev/null || die "java not found (need Java 17+); on Debian: apt-get install openjdk-17-jre-headless"
    command -v mvn >/dev/null || die "mvn not found (Maven fetches the broker jars); on Debian: apt-get install maven"
}

# Gather the broker jars once; a marker file says the copy finished (an interrupted
# download must not pass for a complete one).
fetch_jars() {
    if [[ -f "$LIB/.complete" ]]; then
        return
    fi
    say "fetching Apache Kafka $KAFKA_VERSION jars through Maven into $LIB (once)"
    rm -rf "$LIB"
    mkdir -p "$LIB"
    local out
    if ! out="$(mvn -B -q -f "$HERE/pom.xml" dependency:copy-dependencies \
            -DincludeScope=runtime -Dkafka.version="$KAFKA_VERSION" \
            -DoutputDirectory="$LIB" 2>&1)"; then
        printf '%s\n' "$out" | tail -30 >&2
        die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (is Maven Central reachable?)"
    fi
    [[ -f "$LIB/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "kafka_2.13-$KAFKA_VERSION.jar missing from $LIB after Maven ran"
    touch "$LIB/.complete"
}

# Two distinct free TCP ports on 127.0.0.1 (broker and controller), chosen by the kernel.
free_ports() {
    python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

running_pid() {
    [[ -f "$RUN/kafka.pid" ]] || return 1
    local pid
    pid="$(cat "$RUN/kafka.pid")"
    # Only a live java process with our config counts; a recycled pid is not ours.
    if kill -0 "$pid" 2>/dev/null && grep -q "$RUN/server.properties" "/proc/$pid/cmdline" 2>/dev/null; then
        echo "$pid"
        return 0
    fi
    return 1
}

write_config() {
    local port="$1" ctrl="$2" data="$3"
    cat >"$RUN/server.properties" <<EOF
# Written by local-kafka.sh: a single combined KRaft node for development and tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctrl
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
# One node: internal topics cannot have more replicas than brokers.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
# Tests start many consumer groups; the default 3 s delay would cost 3 s each.
group.initial.rebalance.delay.ms=0
# Faust's changelog topics are compacted: the cleaner must run.
log.cleaner.enable=true
num.partitions=1
auto.create.topics.enable=true
EOF
    cat >"$RUN/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$RUN/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=WARN
EOF
}

# Ready when the broker answers a metadata request (kcat), else when it logs that it started.
wait_ready() {
    local pid="$1" bootstrap="$2" deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || {
            tail -40 "$RUN/server.log" "$RUN/console.log" 2>/dev/null >&2 || true
            die "the broker exited during start-up (logs above, full log in $RUN)"
        }
        if command -v kcat >/dev/null; then
            kcat -L -b "$bootstrap" -m 2 >/dev/null 2>&1 && return 0
        elif grep -q "Kafka Server started" "$RUN/server.log" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    die "the broker at $bootstrap was not ready after ${READY_TIMEOUT}s (log: $RUN/server.log)"
}

start() {
    if pid="$(running_pid)"; then
        say "already running (pid $pid) at $(cat "$RUN/bootstrap")"
        print_env
        return
    fi
    need_tools
    fetch_jars
    mkdir -p "$RUN"
    local data port ctrl cp="$LIB/*"
    if kept_data; then
        # A node stopped without --wipe: the same data, the same ports (clients keep their address).
        data="$(cat "$RUN/data-dir")"
        port="$(sed -n 's/^advertised.listeners=PLAINTEXT:\/\/127.0.0.1://p' "$RUN/server.properties")"
        say "starting again on the kept data in $data (port $port; \`stop --wipe\` starts fresh)"
    else
        data="$(mktemp -d "${TMPDIR:-/tmp}/pantau-kafka-data.XXXXXX")"
        echo "$data" >"$RUN/data-dir"
        read -r port ctrl < <(free_ports)
        write_config "$port" "$ctrl" "$data"
        local cluster
        cluster="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
        java -cp "$cp" -Dlog4j.configuration="file:$RUN/log4j.properties" kafka.tools.StorageTool \
            format -t "$cluster" -c "$RUN/server.properties" --ignore-formatted >"$RUN/format.log" 2>&1 \
            || { cat "$RUN/format.log" >&2; die "formatting KRaft storage in $data failed"; }
    fi
    # setsid: the broker must not die with the shell that started it (make, a CI step).
    # shellcheck disable=SC2086
    setsid java $HEAP -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j.configuration="file:$RUN/log4j.properties" \
        -cp "$cp" kafka.Kafka "$RUN/server.properties" >"$RUN/console.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$RUN/kafka.pid"
    echo "127.0.0.1:$port" >"$RUN/bootstrap"
    wait_ready "$pid" "127.0.0.1:$port"
    say "Kafka $KAFKA_VERSION ready at 127.0.0.1:$port (pid $pid, data $data)"
    if [[ -z "${PANTAU_KAFKA_RUN:-}" ]]; then  # the development broker, not a test run's
        say "use it in this shell with: eval \"\$($0 env)\"   (stop it with: $0 stop)"
    fi
    print_env
}

stop() {
    local wipe="${1:-}" pid
    [[ -z "$wipe" || "$wipe" == "--wipe" ]] || die "unknown option to stop: $wipe (only --wipe)"
    if ! pid="$(running_pid)"; then
        say "not running (run dir $RUN)"
        [[ -n "$wipe" ]] && cleanup_run
        return 0
    fi
    kill -TERM "$pid"
    # A controlled shutdown takes a few seconds; past 30 s it is stuck, so end it hard.
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "broker pid $pid ignored SIGTERM for 30 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/kafka.pid"
    if [[ -n "$wipe" ]]; then
        cleanup_run
        say "stopped (pid $pid), data removed"
    else
        say "stopped (pid $pid); data kept in $(cat "$RUN/data-dir" 2>/dev/null) (\`start\` resumes it, \`stop --wipe\` removes it)"
    fi
}

# True when a stopped node left its config and formatted data behind here.
kept_data() {
    [[ -f "$RUN/data-dir" && -f "$RUN/server.properties" ]] || return 1
    [[ -f "$(cat "$RUN/data-dir")/meta.properties" ]]
}

restart() {
    running_pid >/dev/null || die "no broker running (run dir $RUN); start one with: $0 start"
    stop
    start
}

cleanup_run() {
    if [[ -f "$RUN/data-dir" ]]; then
        local data
        data="$(cat "$RUN/data-dir")"
        # Only ever remove the temporary data directory this script created.
        [[ "$data" == */pantau-kafka-data.* ]] && rm -rf "$data"
    fi
    rm -f "$RUN/kafka.pid" "$RUN/bootstrap" "$RUN/data-dir"
}

status() {
    if pid="$(running_pid)"; then
        echo "running: pid $pid, bootstrap $(cat "$RUN/bootstrap"), log $RUN/server.log"
    else
        echo "not running"
        return 3
    fi
}

print_env() {
    running_pid >/dev/null || die "no broker running (run dir $RUN); start one with: $0 start"
    echo "export PANTAU_KAFKA=$(cat "$RUN/bootstrap")"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    restart) restart ;;
    status) status ;;
    env) print_env ;;
    *)
        sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
