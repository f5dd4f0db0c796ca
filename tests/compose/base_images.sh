#!/usr/bin/env bash
# Base images for the compose smoke test.
#
# Makes sure that every base image the project's Dockerfile (its FROM lines) and compose.yaml (the
# `image:` of every service but the app's own) name is in the local image store. The names are
# read from those two files, so this script follows them when they change.
#
# An image that is missing is pulled. Where the registry cannot be reached (the smoke test runs on
# machines that reach only Debian's package mirror, PyPI and the npm registry), a stand-in is built
# from Debian bookworm packages and tagged with exactly the name the files use, so that neither the
# Dockerfile nor compose.yaml has to change for the test:
#   debian:bookworm*        the rootfs itself, made by debootstrap (local/debian:bookworm)
#   python:3.11*            Debian's Python 3.11 with venv/ensurepip and pip
#   node:NN*                Node.js NN and npm from their npm registry packages
#   postgres:NN*            Debian's PostgreSQL 15 (bookworm's only one) with an entrypoint that
#                           honours POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB
# The stand-ins trust the certificate authorities this machine adds in
# /usr/local/share/ca-certificates (HTTPS may be intercepted by a local proxy). They are test-only
# images: never push them anywhere. All carry the label org.spends-tracker.standin=true, so
#   docker image ls --filter label=org.spends-tracker.standin=true
# finds them for a cleanup (images built on top of a stand-in, such as the app image made for the
# test, inherit the label: they must not be pushed either). Images already present are left alone:
# a second run does nothing.
#
# Needs: a running engine (tests/compose/engine.sh start), debootstrap, and npm for the Node one.
# Environment: DOCKER   docker client to use (default: docker).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

DOCKER=${DOCKER:-docker}
export DOCKER_BUILDKIT=0 # the classic builder takes base images from the local store
SUITE=bookworm
DEBIAN_BASE=local/debian:$SUITE
STANDIN_LABEL=org.spends-tracker.standin=true
APT_SOURCES=/etc/apt/sources.list.d/debian.sources
DEFAULT_MIRROR=http://deb.debian.org/debian
EXTRA_CA_DIR=/usr/local/share/ca-certificates
PG_MAJOR=15 # the PostgreSQL that Debian bookworm ships

say() { echo "== base images: $*"; }
die() {
    echo "== base images: ERROR: $*" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/spends-base-images.XXXXXX")
cleanup() {
    # A failed debootstrap may leave proc/sys mounted in the rootfs: unmount before removing.
    awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# --- Which images: FROM lines of the Dockerfile (not earlier stages), image: lines of compose.yaml
dockerfile_images() {
    awk '
        toupper($1) == "FROM" {
            i = 2
            while ($i ~ /^--/) i++ # --platform=...
            image = $i
            if (!(tolower(image) in stage) && image != "scratch") print image
            if (toupper($(i + 1)) == "AS") stage[tolower($(i + 2))] = 1
        }' Dockerfile
}

compose_images() {
    # The app's own image (${SPENDS_IMAGE:-spends-tracker:latest}) is built, not a base image.
    sed -n -E "s/^[[:space:]]*image:[[:space:]]*[\"']?([^\"'[:space:]#]+).*/\1/p" compose.yaml |
        awk '!/spends-tracker/ && !/\$\{/'
}

wanted_images() {
    local name
    { dockerfile_images; compose_images; } | sort -u | while read -r name; do
        case "$name" in
        *'$'*) echo "== base images: skipping $name: it depends on a build argument" >&2 ;;
        *) echo "$name" ;;
        esac
    done
}

# --- Building ------------------------------------------------------------------------------------
# build_image NAME CONTEXT_DIR: classic build of CONTEXT_DIR/Dockerfile, labelled, log shown on error.
build_image() {
    local name=$1 ctx=$2 log
    log="$WORK/build-$(echo "$name" | tr -c 'A-Za-z0-9.-' _).log"
    if ! "$DOCKER" build --force-rm --label "$STANDIN_LABEL" -t "$name" "$ctx" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "building the stand-in for $name failed (last lines above)"
    fi
}

# local/debian:bookworm: a minbase debootstrap imported as an image, like Debian's official one.
ensure_debian_base() {
    local t0=$SECONDS rootfs="$WORK/rootfs" mirror=""
    if have_image "$DEBIAN_BASE"; then
        return 0
    fi
    command -v debootstrap >/dev/null || die "debootstrap is missing (tests/compose/engine.sh start installs it)"
    [ -r "$APT_SOURCES" ] && mirror=$(awk '$1 == "URIs:" {print $2; exit}' "$APT_SOURCES")
    mirror=${mirror:-$DEFAULT_MIRROR}
    say "$DEBIAN_BASE: debootstrap --variant=minbase $SUITE from $mirror"
    if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
        tail -n 40 "$WORK/debootstrap.log" >&2
        die "debootstrap failed (last lines above)"
    fi
    say "$DEBIAN_BASE: debootstrap took $((SECONDS - t0)) s"
    # The machine's apt sources (deb822) instead of debootstrap's one-line sources.list.
    if [ -r "$APT_SOURCES" ]; then
        cp "$APT_SOURCES" "$rootfs/etc/apt/sources.list.d/debian.sources"
        rm -f "$rootfs/etc/apt/sources.list"
    fi
    # Nothing of this machine's identity: the engine provides resolv.conf, hostname and hosts.
    : >"$rootfs/etc/resolv.conf"
    : >"$rootfs/etc/hostname"
    chmod 0644 "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
    # Services are never started by package scripts inside an image.
    printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
    chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
    # The machine's extra CAs: any later `apt-get install ca-certificates` adds them to the bundle.
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    find "$EXTRA_CA_DIR" -maxdepth 1 -name '*.crt' -exec cp {} "$rootfs/usr/local/share/ca-certificates/" \; 2>/dev/null || true
    # As slim as the official image: no package lists or downloaded packages.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    # PATH must be set in the image: Dockerfiles extend it with `ENV PATH=...:$PATH`.
    tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -C "$rootfs" -c . |
        "$DOCKER" import \
            -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            -c 'CMD ["bash"]' \
            -c "LABEL $STANDIN_LABEL" \
            - "$DEBIAN_BASE" >/dev/null
    rm -rf --one-file-system "$rootfs"
    say "$DEBIAN_BASE: imported, $((SECONDS - t0)) s in all"
}

standin_debian() { # debian:bookworm, debian:bookworm-slim: the rootfs itself
    ensure_debian_base
    "$DOCKER" tag "$DEBIAN_BASE" "$1"
}

standin_python() { # python:3.11*: Debian's 3.11, reachable as /usr/local/bin/python like upstream's
    local name=$1 ctx="$WORK/python"
    ensure_debian_base
    mkdir -p "$ctx"
    cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_BASE
RUN apt-get update \\
    && apt-get install -y --no-install-recommends \\
        ca-certificates python3 python3-venv python3-pip python-is-python3 \\
    && rm -rf /var/lib/apt/lists/* \\
    && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
    && for f in python python3 pip pip3; do ln -s "/usr/bin/\$f" "/usr/local/bin/\$f"; done
# pip, requests and ssl trust the system bundle, which holds the machine's extra CAs.
ENV LANG=C.UTF-8 \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
RUN python --version && python -m venv /tmp/venv-check && rm -rf /tmp/venv-check
CMD ["python3"]
EOF
    build_image "$name" "$ctx"
}

standin_node() { # node:NN*: Node.js NN from the npm registry's node-linux-<arch> package, plus npm
    local name=$1 major npm_major arch ctx="$WORK/node" pkgs="$WORK/node-packages"
    major=$(echo "$name" | sed -n -E 's/^node:([0-9]+).*/\1/p')
    [ -n "$major" ] || die "no Node.js major version in $name"
    case "$major" in 18 | 20 | 22) npm_major=10 ;; *) npm_major=11 ;; esac
    case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "no Node.js package for $(uname -m)" ;;
    esac
    command -v npm >/dev/null || die "npm is needed on this machine to fetch Node.js for $name"
    ensure_debian_base
    mkdir -p "$pkgs" "$ctx/usr/local/lib/node_modules/npm" "$ctx/usr/local/bin"
    (cd "$pkgs" && npm pack --silent "node-linux-$arch@$major" "npm@$npm_major" >/dev/null)
    say "$name: $(cd "$pkgs" && echo *.tgz)"
    tar -xzf "$pkgs"/node-linux-"$arch"-*.tgz -C "$pkgs"
    [ -x "$pkgs/package/bin/node" ] || die "node-linux-$arch@$major has no bin/node"
    cp -a "$pkgs/package/bin" "$pkgs/package/include" "$pkgs/package/share" "$ctx/usr/local/"
    tar -xzf "$pkgs"/npm-*.tgz -C "$ctx/usr/local/lib/node_modules/npm" --strip-components=1
    chmod 0755 "$ctx/usr/local/lib/node_modules/npm/bin/"*-cli.js
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/usr/local/bin/npx"
    cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_BASE
RUN apt-get update \\
    && apt-get install -y --no-install-recommends ca-certificates \\
    && rm -rf /var/lib/apt/lists/* \\
    && groupadd --gid 1000 node \\
    && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY usr/local/ /usr/local/
# Node's own CA list lacks the machine's extra CAs; the system bundle has them.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN node --version && npm --version
CMD ["node"]
EOF
    build_image "$name" "$ctx"
}

standin_postgres() { # postgres:NN*: Debian's PostgreSQL, started like the official image
    local name=$1 ctx="$WORK/postgres"
    ensure_debian_base
    say "$name: Debian bookworm has PostgreSQL $PG_MAJOR only: the stand-in runs $PG_MAJOR"
    mkdir -p "$ctx"
    cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
# Stand-in PostgreSQL image's entrypoint: on the first start (empty PGDATA) it creates the cluster
# with POSTGRES_USER (default postgres) as superuser, whose password is POSTGRES_PASSWORD, and the
# database POSTGRES_DB (default: the user's name); then, and on every later start, it runs the
# server in the foreground as the postgres user. Any other command (psql, pg_isready...) just runs.
set -euo pipefail
export PGDATA=${PGDATA:-/var/lib/postgresql/data}

[ $# -gt 0 ] || set -- postgres
case "$1" in
postgres) ;;
-*) set -- postgres "$@" ;;
*) exec "$@" ;;
esac

if [ "$(id -u)" = 0 ]; then
    # A fresh named volume belongs to root: hand it to postgres, then drop root.
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" /var/run/postgresql ! -user postgres -exec chown postgres:postgres {} +
    chmod 0700 "$PGDATA"
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?is not set: the first start needs a superuser password}"
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    if [ "$db" != postgres ]; then
        printf 'CREATE DATABASE "%s";\n' "${db//\"/\"\"}" |
            postgres --single -D "$PGDATA" -c listen_addresses= postgres >/dev/null
    fi
    echo "entrypoint: initialised $PGDATA (superuser $user, database $db)"
fi

exec "$@"
EOF
    chmod 0755 "$ctx/docker-entrypoint.sh"
    cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_BASE
# No default cluster from the package: the entrypoint makes one in PGDATA.
RUN apt-get update \\
    && apt-get install -y --no-install-recommends postgresql-common \\
    && sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \\
        /etc/postgresql-common/createcluster.conf \\
    && apt-get install -y --no-install-recommends ca-certificates postgresql-$PG_MAJOR \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /var/run/postgresql /var/lib/postgresql/data \\
    && chown postgres:postgres /var/run/postgresql /var/lib/postgresql/data \\
    && chmod 0700 /var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV LANG=C.UTF-8 \\
    PATH=/usr/lib/postgresql/$PG_MAJOR/bin:\$PATH \\
    PGDATA=/var/lib/postgresql/data
RUN pg_isready --version && postgres --version
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
EOF
    build_image "$name" "$ctx"
}

# --- Main ----------------------------------------------------------------------------------------
"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die "no Docker engine answers to '$DOCKER' (run tests/compose/engine.sh start)"

mapfile -t images < <(wanted_images)
[ ${#images[@]} -gt 0 ] || die "found no base image in Dockerfile or compose.yaml"
say "wanted: ${images[*]}"

for image in "${images[@]}"; do
    if have_image "$image"; then
        say "$image: present"
        continue
    fi
    t0=$SECONDS
    if timeout 20 "$DOCKER" pull --quiet "$image" >/dev/null 2>&1; then
        say "$image: pulled in $((SECONDS - t0)) s"
        continue
    fi
    case "$image" in
    debian:"$SUITE"* | debian:12*) recipe=standin_debian ;;
    python:3.11*) recipe=standin_python ;;
    node:[0-9]*) recipe=standin_node ;;
    postgres:[0-9]*) recipe=standin_postgres ;;
    *) die "$image cannot be pulled and has no stand-in recipe: teach tests/compose/base_images.sh one" ;;
    esac
    say "$image: cannot be pulled: building a stand-in from Debian $SUITE"
    "$recipe" "$image"
    say "$image: stand-in ready in $((SECONDS - t0)) s"
done
