#!/usr/bin/env bash
# .ci/docker.sh: a local Docker engine and registry-free base images, for CI and developers.
#
# No container registry is reachable from our machines, so neither debian:bookworm-slim nor eclipse-temurin can be
# pulled. This script runs dockerd by hand (there is no systemd) and builds the Dockerfile's two bases from Debian
# packages instead: debootstrap -> `docker import` -> visage/debian-bookworm:slim (the runtime base, without
# documentation, manual pages or translations, like Debian's official -slim images) -> apt-get install
# openjdk-17-jdk-headless -> visage/jdk17:local (the build stages' JDK, whose jlink makes the
# image's Java runtime).
#
# Call it (as root):
#   .ci/docker.sh start        install docker.io and debootstrap with apt-get if dockerd is missing, start dockerd
#                              (unless an engine already answers) and wait for `docker info`, at most
#                              VISAGE_DOCKER_TIMEOUT seconds (60); fails loudly, with the log's tail, otherwise.
#   .ci/docker.sh stop         TERM to the dockerd that `start` started, and wait for it to exit. An engine that
#                              this script did not start is left alone.
#   .ci/docker.sh base-image   build visage/debian-bookworm:slim and visage/jdk17:local, skipping each image that
#                              exists (a second run takes a second). Prints the runtime base's name, and nothing
#                              else, on stdout: BASE_IMAGE=$(.ci/docker.sh base-image).
#   .ci/docker.sh up           start, then base-image (prints the image name too).
#   .ci/docker.sh status       whether an engine answers, which one, and whether the images exist.
#   .ci/docker.sh env          `export` lines for the engine's clients: eval "$(.ci/docker.sh env)" sets DOCKER_HOST,
#                              DOCKER_BUILDKIT=0, VISAGE_BASE_IMAGE, VISAGE_JDK_IMAGE and what Testcontainers
#                              needs here (no Ryuk,
#                              host localhost, the local Debian image as its "tiny image" instead of alpine).
# or source it (`. .ci/docker.sh`): that defines visage_docker_start, visage_docker_stop, visage_docker_base_image,
# visage_docker_status and visage_docker_env, runs nothing, and leaves the caller's shell options alone;
# visage_docker_base_image exports VISAGE_BASE_IMAGE and VISAGE_JDK_IMAGE.
#
# The app image is then built from the repository's Dockerfile on them, after `./mvnw package`:
#   eval "$(.ci/docker.sh env)"
#   docker build --build-arg BASE_IMAGE="$VISAGE_BASE_IMAGE" --build-arg JDK_IMAGE="$VISAGE_JDK_IMAGE" -t visage:local .
#
# Progress goes to stderr. Settings, from the environment:
#   VISAGE_DOCKER_STATE_DIR  dockerd's PID file and log (/tmp/visage-docker): machine-wide, so that a `stop`
#                            from another clone of the repository finds the engine a `start` left running
#   VISAGE_DOCKER_WORK_DIR   scratch space for the Debian root file system (<repo>/.ci-work/docker, git-ignored);
#                            emptied after each build
#   VISAGE_DOCKER_TIMEOUT    seconds to wait for the engine to answer, or to exit (60)
#   VISAGE_DEBIAN_MIRROR     the Debian mirror (default: the bookworm one in /etc/apt/sources.list{,.d/*})
#   VISAGE_DEBIAN_IMAGE      visage/debian-bookworm:slim
#   VISAGE_JDK_IMAGE         visage/jdk17:local
#   VISAGE_DOCKER_REBUILD=1  rebuild both images even if they exist

VISAGE_DOCKER_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${VISAGE_DOCKER_STATE_DIR:=/tmp/visage-docker}"
: "${VISAGE_DOCKER_WORK_DIR:=$VISAGE_DOCKER_REPO_ROOT/.ci-work/docker}"
: "${VISAGE_DOCKER_TIMEOUT:=60}"
: "${VISAGE_DEBIAN_IMAGE:=visage/debian-bookworm:slim}"
: "${VISAGE_JDK_IMAGE:=visage/jdk17:local}"
VISAGE_DOCKER_SOCKET=/var/run/docker.sock

visage_docker_log() {
    printf '[docker.sh] %s\n' "$*" >&2
}

visage_docker_fail() {
    visage_docker_log "ERROR: $*"
    return 1
}

# Whether PID $2 is a live (not zombie) process named $1.
visage_docker_is() {
    [[ "$2" =~ ^[0-9]+$ ]] || return 1
    [[ "$(cat "/proc/$2/comm" 2>/dev/null)" == "$1" ]] || return 1
    [[ "$(awk '{print $3}' "/proc/$2/stat" 2>/dev/null)" != Z ]]
}

# The PID of the dockerd that this script started, if it still runs.
visage_docker_our_pid() {
    local pid
    pid="$(cat "$VISAGE_DOCKER_STATE_DIR/dockerd.pid" 2>/dev/null)" || return 1
    visage_docker_is dockerd "$pid" || return 1
    echo "$pid"
}

visage_docker_answers() {
    docker info >/dev/null 2>&1
}

visage_docker_install() {
    local packages=()
    command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
    command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
    (( ${#packages[@]} )) || return 0
    [[ $EUID -eq 0 ]] || { visage_docker_fail "installing ${packages[*]} needs root"; return 1; }
    visage_docker_log "installing ${packages[*]} with apt-get"
    # No init system runs here: keep the packages' scripts from trying to start services.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created_policy=1
    fi
    local rc=0
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${packages[@]}"; } >&2 || rc=$?
    if (( created_policy )); then rm -f "$policy"; fi
    (( rc == 0 )) || { visage_docker_fail "apt-get install ${packages[*]} failed ($rc)"; return 1; }
    command -v dockerd >/dev/null 2>&1 || { visage_docker_fail "dockerd still missing after install"; return 1; }
    command -v docker >/dev/null 2>&1 || { visage_docker_fail "docker (the client) still missing after install"; return 1; }
}

visage_docker_start() {
    visage_docker_install || return 1
    if visage_docker_answers; then
        local pid
        if pid="$(visage_docker_our_pid)"; then
            visage_docker_log "engine already running (dockerd $pid, started by this script)"
        else
            visage_docker_log "an engine already answers at ${DOCKER_HOST:-$VISAGE_DOCKER_SOCKET}; not starting another"
        fi
        return 0
    fi
    [[ $EUID -eq 0 ]] || { visage_docker_fail "starting dockerd needs root"; return 1; }
    mkdir -p "$VISAGE_DOCKER_STATE_DIR" || return 1
    local log="$VISAGE_DOCKER_STATE_DIR/dockerd.log" pid
    if ! pid="$(visage_docker_our_pid)"; then
        # A dockerd killed without cleaning up (or a machine restart: /run is on disk here) leaves its PID file
        # behind, and a new dockerd then refuses to start.
        local stale name old
        for stale in /var/run/docker.pid:dockerd /var/run/docker/containerd/containerd.pid:containerd; do
            name=${stale#*:} stale=${stale%:*}
            old="$(cat "$stale" 2>/dev/null)" || continue
            if ! visage_docker_is "$name" "$old"; then
                visage_docker_log "removing stale $stale ($old)"
                rm -f "$stale"
            fi
        done
        if [[ -S $VISAGE_DOCKER_SOCKET ]] && ! visage_docker_is dockerd "$(cat /var/run/docker.pid 2>/dev/null)"; then
            rm -f "$VISAGE_DOCKER_SOCKET"
        fi
        visage_docker_log "starting dockerd (log: $log)"
        # setsid: the engine outlives this script and is not hit by the caller's Ctrl-C. With job control on (an
        # interactive shell that sourced this file) the job would lead its own process group, setsid would fork
        # and $! would not be dockerd: job control is off for the launch.
        local monitor=0
        if [[ $- == *m* ]]; then monitor=1; set +m; fi
        setsid dockerd --host "unix://$VISAGE_DOCKER_SOCKET" >"$log" 2>&1 </dev/null &
        pid=$!
        if (( monitor )); then set -m; fi
        echo "$pid" > "$VISAGE_DOCKER_STATE_DIR/dockerd.pid"
    else
        visage_docker_log "dockerd $pid (started earlier by this script) does not answer yet; waiting"
    fi
    local start=$SECONDS
    while ! visage_docker_answers; do
        if [[ ! -d /proc/$pid || "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
            rm -f "$VISAGE_DOCKER_STATE_DIR/dockerd.pid"
            tail -n 30 "$log" >&2
            visage_docker_fail "dockerd exited during start-up; its log is above and in $log"
            return 1
        fi
        if (( SECONDS - start >= VISAGE_DOCKER_TIMEOUT )); then
            tail -n 30 "$log" >&2
            visage_docker_fail "dockerd $pid did not answer within ${VISAGE_DOCKER_TIMEOUT}s; its log is above and in $log"
            return 1
        fi
        sleep 0.5
    done
    visage_docker_log "engine up in $((SECONDS - start))s: dockerd $pid, server $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
}

visage_docker_stop() {
    local pid
    if ! pid="$(visage_docker_our_pid)"; then
        rm -f "$VISAGE_DOCKER_STATE_DIR/dockerd.pid"
        if visage_docker_answers; then
            visage_docker_log "the engine that answers was not started by this script; leaving it running"
        else
            visage_docker_log "no dockerd started by this script is running"
        fi
        return 0
    fi
    local running
    running="$(docker ps -q 2>/dev/null | wc -l)"
    if (( running > 0 )); then
        visage_docker_log "warning: $running container(s) still running; dockerd stops them on its way out:"
        docker ps --format '  {{.ID}} {{.Image}} {{.Names}} {{.Status}}' >&2 2>/dev/null
    fi
    visage_docker_log "stopping dockerd $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local start=$SECONDS
    while [[ -d /proc/$pid ]]; do
        if (( SECONDS - start >= VISAGE_DOCKER_TIMEOUT )); then
            visage_docker_fail "dockerd $pid still runs ${VISAGE_DOCKER_TIMEOUT}s after TERM (log: $VISAGE_DOCKER_STATE_DIR/dockerd.log)"
            return 1
        fi
        # A zombie (our own child when sourced) counts as gone.
        if [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]]; then
            wait "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    rm -f "$VISAGE_DOCKER_STATE_DIR/dockerd.pid"
    visage_docker_log "dockerd $pid stopped after $((SECONDS - start))s"
}

# The bookworm mirror that apt on this machine uses (deb822 .sources or one-line .list files).
visage_docker_debian_mirror() {
    if [[ -n "${VISAGE_DEBIAN_MIRROR:-}" ]]; then
        echo "$VISAGE_DEBIAN_MIRROR"
        return 0
    fi
    local f mirror=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        mirror="$(awk '
            function flush() { if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uris != "" && !found) { print uris; found = 1 } types = suites = uris = "" }
            /^[[:space:]]*$/ { flush(); next }
            /^[[:space:]]*#/ { next }
            tolower($1) == "types:" { $1 = ""; types = $0 " " }
            tolower($1) == "suites:" { $1 = ""; suites = $0 " " }
            tolower($1) == "uris:" { uris = $2 }
            END { flush() }' "$f")"
        [[ -n $mirror ]] && break
    done
    if [[ -z $mirror ]]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -f $f ]] || continue
            mirror="$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                                       if ($(i + 1) == "bookworm") { print $i; exit } }' "$f")"
            [[ -n $mirror ]] && break
        done
    fi
    [[ -n $mirror ]] || { visage_docker_fail "no bookworm mirror in /etc/apt/sources.list{,.d/*}; set VISAGE_DEBIAN_MIRROR"; return 1; }
    echo "${mirror%/}"
}

visage_docker_image_exists() {
    docker image inspect "$1" >/dev/null 2>&1
}

# Unmounts whatever debootstrap left mounted under $1 (an interrupted run), then removes $1.
visage_docker_remove_rootfs() {
    local dir=$1 mnt
    [[ -e $dir ]] || return 0
    while read -r mnt; do
        umount -l "$mnt" 2>/dev/null
    done < <(awk -v d="$(realpath "$dir")" 'index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
    rm -rf --one-file-system "$dir"
}

visage_docker_build_debian() {
    local mirror rootfs="$VISAGE_DOCKER_WORK_DIR/rootfs" start=$SECONDS
    mirror="$(visage_docker_debian_mirror)" || return 1
    command -v debootstrap >/dev/null 2>&1 || { visage_docker_fail "debootstrap is missing (run start first)"; return 1; }
    mkdir -p "$VISAGE_DOCKER_WORK_DIR" || return 1
    visage_docker_remove_rootfs "$rootfs"
    visage_docker_log "debootstrap --variant=minbase bookworm from $mirror"
    if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$VISAGE_DOCKER_WORK_DIR/debootstrap.log" 2>&1; then
        tail -n 30 "$VISAGE_DOCKER_WORK_DIR/debootstrap.log" >&2
        [[ -f $rootfs/debootstrap/debootstrap.log ]] && tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2
        visage_docker_remove_rootfs "$rootfs"
        visage_docker_fail "debootstrap failed (log: $VISAGE_DOCKER_WORK_DIR/debootstrap.log)"
        return 1
    fi
    # What the host lent to the chroot, or what only makes the image bigger.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/* "$rootfs"/var/tmp/*
    : > "$rootfs/etc/resolv.conf"
    echo localhost > "$rootfs/etc/hostname"
    # bookworm-updates and security updates too, from the machine's mirrors.
    local security="${mirror%/debian}/debian-security"
    {
        echo "deb $mirror bookworm main"
        echo "deb $mirror bookworm-updates main"
        echo "deb $security bookworm-security main"
    } > "$rootfs/etc/apt/sources.list"
    # Keep apt lean inside images, as the official Debian images do.
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$rootfs/etc/apt/apt.conf.d/90visage-no-recommends"
    # And slim, as their -slim variants are: no documentation (but the copyrights), manual pages or translations,
    # neither now nor from packages installed later.
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
        'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/lintian/*' \
        'path-exclude /usr/share/linda/*' 'path-exclude /usr/share/locale/*' > "$rootfs/etc/dpkg/dpkg.cfg.d/90visage-slim"
    find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/*
    visage_docker_log "importing the root file system as $VISAGE_DEBIAN_IMAGE"
    if ! tar -C "$rootfs" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
            | docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$VISAGE_DEBIAN_IMAGE" >/dev/null; then
        visage_docker_remove_rootfs "$rootfs"
        visage_docker_fail "docker import of the Debian root file system failed"
        return 1
    fi
    visage_docker_remove_rootfs "$rootfs"
    visage_docker_log "$VISAGE_DEBIAN_IMAGE built in $((SECONDS - start))s"
}

visage_docker_build_jdk() {
    local context="$VISAGE_DOCKER_WORK_DIR/jdk17" start=$SECONDS
    rm -rf "$context" && mkdir -p "$context" || return 1
    # The Dockerfile's build stages: java and jar, and jlink with the JDK's modules for the image's own runtime.
    # man1 must exist for the JDK's alternatives, which the slim base's dpkg settings would otherwise leave out.
    cat > "$context/Dockerfile" <<'EOF'
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && java -version && ls /usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
    LANG=C.UTF-8
CMD ["java", "-version"]
EOF
    visage_docker_log "building $VISAGE_JDK_IMAGE (apt-get install openjdk-17-jdk-headless)"
    # Host network: apt reaches the mirror the way the host does, with no dependence on the bridge's NAT.
    # DOCKER_BUILDKIT=0: the classic builder needs no buildx plugin and no image from a registry.
    if ! DOCKER_BUILDKIT=0 docker build --network host --build-arg DEBIAN_IMAGE="$VISAGE_DEBIAN_IMAGE" \
            -t "$VISAGE_JDK_IMAGE" "$context" >"$VISAGE_DOCKER_WORK_DIR/jdk17-build.log" 2>&1; then
        tail -n 30 "$VISAGE_DOCKER_WORK_DIR/jdk17-build.log" >&2
        visage_docker_fail "building $VISAGE_JDK_IMAGE failed (log: $VISAGE_DOCKER_WORK_DIR/jdk17-build.log)"
        return 1
    fi
    rm -rf "$context"
    visage_docker_log "$VISAGE_JDK_IMAGE built in $((SECONDS - start))s"
}

visage_docker_image_size() {
    docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1e6}'
}

visage_docker_base_image() {
    visage_docker_answers || { visage_docker_fail "no Docker engine answers (run: .ci/docker.sh start)"; return 1; }
    local start=$SECONDS
    if [[ "${VISAGE_DOCKER_REBUILD:-0}" == 1 ]] || ! visage_docker_image_exists "$VISAGE_JDK_IMAGE"; then
        if [[ "${VISAGE_DOCKER_REBUILD:-0}" == 1 ]] || ! visage_docker_image_exists "$VISAGE_DEBIAN_IMAGE"; then
            visage_docker_build_debian || return 1
        else
            visage_docker_log "$VISAGE_DEBIAN_IMAGE exists"
        fi
        visage_docker_build_jdk || return 1
    else
        visage_docker_log "$VISAGE_JDK_IMAGE exists"
    fi
    export VISAGE_BASE_IMAGE="$VISAGE_DEBIAN_IMAGE" VISAGE_JDK_IMAGE
    visage_docker_log "base images ready in $((SECONDS - start))s: $VISAGE_BASE_IMAGE ($(visage_docker_image_size "$VISAGE_BASE_IMAGE")), $VISAGE_JDK_IMAGE ($(visage_docker_image_size "$VISAGE_JDK_IMAGE"))"
    echo "$VISAGE_BASE_IMAGE"
}

# What clients of this engine need, as `export` lines: eval "$(.ci/docker.sh env)". Testcontainers (2.0.x) must
# not pull testcontainers/ryuk, nor alpine: /.dockerenv on our machines makes it think it runs inside a container
# and look for the host's gateway with an alpine container. The engine is local, so the host is localhost.
visage_docker_env() {
    local var
    for var in "DOCKER_HOST=unix://$VISAGE_DOCKER_SOCKET" \
            "DOCKER_BUILDKIT=0" \
            "VISAGE_BASE_IMAGE=$VISAGE_DEBIAN_IMAGE" \
            "VISAGE_JDK_IMAGE=$VISAGE_JDK_IMAGE" \
            "TESTCONTAINERS_RYUK_DISABLED=true" \
            "TESTCONTAINERS_HOST_OVERRIDE=localhost" \
            "TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=$VISAGE_DEBIAN_IMAGE"; do
        printf 'export %s=%q\n' "${var%%=*}" "${var#*=}"
    done
}

visage_docker_status() {
    local pid image
    if visage_docker_answers; then
        if pid="$(visage_docker_our_pid)"; then
            echo "engine: running, dockerd $pid started by this script"
        else
            echo "engine: running, not started by this script"
        fi
        echo "server: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"
        for image in "$VISAGE_DEBIAN_IMAGE" "$VISAGE_JDK_IMAGE"; do
            if visage_docker_image_exists "$image"; then echo "image $image: present"; else echo "image $image: missing"; fi
        done
        echo "containers running: $(docker ps -q | wc -l)"
    else
        echo "engine: not answering"
        return 1
    fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    case "${1:-}" in
        start) visage_docker_start ;;
        stop) visage_docker_stop ;;
        base-image) visage_docker_base_image ;;
        up) visage_docker_start && visage_docker_base_image ;;
        status) visage_docker_status ;;
        env) visage_docker_env ;;
        *)
            echo "usage: $0 start|stop|base-image|up|status|env" >&2
            exit 2
            ;;
    esac
fi
