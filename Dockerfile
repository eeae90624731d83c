# Visage: the face-identification service (and its `train` command) in a container.
#
#   ./mvnw -B package -DskipTests                 # 1. the jar, outside docker (see below)
#   docker build -t visage .                      # 2. the image, on eclipse-temurin:17-jre
#   docker build --build-arg BASE_IMAGE="$(.ci/docker.sh base-image)" -t visage .
#                                                 #    or on the local Debian JRE, where no registry is reachable
#   docker run -p 8080:8080 -v "$PWD/data/lfw:/data/lfw" -v visage-models:/models visage
#   docker run --rm -v "$PWD/data/lfw:/data/lfw" -v visage-models:/models visage train --visage.training.epochs=1
#
# Why the jar is built outside docker: Maven needs Maven Central and the local ~/.m2 cache (about 600 MB with
# LibTorch); a Maven stage in here would need a JDK/Maven image from a registry (none is reachable on our
# machines) and would download every dependency again on each build. CI has already built and tested
# target/visage.jar, so the image ships exactly that jar, and .dockerignore sends nothing else.
#
# Only classic-builder syntax (no heredocs, cache mounts or COPY --link): Debian's docker.io 20.10 on CI has no
# buildx. BASE_IMAGE must be a glibc x86_64 Linux with a Java 17+ runtime on PATH, bash (health check),
# coreutils and useradd; eclipse-temurin:17-jre and visage/jre17:local (.ci/docker.sh) are.
ARG BASE_IMAGE=eclipse-temurin:17-jre

# ---- 1. the Spring Boot jar, split into its layers plus the launcher -------------------------------------
FROM ${BASE_IMAGE} AS extract
WORKDIR /build
COPY target/visage.jar visage.jar
RUN java -Djarmode=tools -jar visage.jar extract --layers --launcher --destination extracted \
 && ls extracted/dependencies/BOOT-INF/lib/pytorch-native-cpu-*.jar >/dev/null

# ---- 2. LibTorch, unpacked once at build time ------------------------------------------------------------
# On first use DJL copies LibTorch (about 450 MB) out of the pytorch-native-cpu jar into ENGINE_CACHE_DIR: 10 s
# or more at every container start, and in every container's writable layer, were it done at run time. Here
# Engine.getInstance() runs once, from the dependencies alone, through Spring's own generic main
# (SpringApplication with an XML bean definition: a JRE has no compiler for a Java helper). It does not depend
# on the app's code, and this stage copies only the dependencies, so its layer stays cached while just the
# application changes.
FROM ${BASE_IMAGE} AS engine
COPY --from=extract /build/extracted/dependencies/BOOT-INF/lib/ /build/lib/
ENV ENGINE_CACHE_DIR=/opt/djl/engine
RUN printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
      '<beans xmlns="http://www.springframework.org/schema/beans"' \
      '       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' \
      '       xsi:schemaLocation="http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd">' \
      '  <bean id="engine" class="ai.djl.engine.Engine" factory-method="getInstance"/>' \
      '</beans>' > /build/engine.xml \
 && timeout 600 java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -cp '/build/lib/*' \
      org.springframework.boot.SpringApplication --spring.main.sources=file:/build/engine.xml \
      --spring.main.web-application-type=none --spring.main.banner-mode=off \
 && ls "$ENGINE_CACHE_DIR"/pytorch/*/libtorch_cpu.so "$ENGINE_CACHE_DIR"/pytorch/*/*libdjl_torch.so \
 && chmod -R a+rX,go-w "$ENGINE_CACHE_DIR"

# ---- 3. the runtime image --------------------------------------------------------------------------------
FROM ${BASE_IMAGE}

# uid/gid 1000 `visage` (Ubuntu-based eclipse-temurin images already have uid 1000 `ubuntu`: it goes).
RUN set -e; \
    old_user="$(getent passwd 1000 | cut -d: -f1)"; \
    if [ -n "$old_user" ] && [ "$old_user" != visage ]; then userdel -r "$old_user" 2>/dev/null || userdel "$old_user"; fi; \
    old_group="$(getent group 1000 | cut -d: -f1)"; \
    if [ -n "$old_group" ] && [ "$old_group" != visage ]; then groupdel "$old_group"; fi; \
    getent group visage >/dev/null || groupadd --gid 1000 visage; \
    getent passwd visage >/dev/null || useradd --uid 1000 --gid 1000 --create-home --home-dir /home/visage \
        --shell /bin/bash visage; \
    mkdir -p /data/lfw /models; \
    chown visage:visage /data/lfw /models

# OpenCV's JavaCPP natives (face detection) link its highgui module against GTK 2; a JRE image lacks it.
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libgtk2.0-0 \
 && rm -rf /var/lib/apt/lists/*

# DJL never goes online and finds LibTorch where stage 2 left it (read-only, owned by root); its other cache
# stays in the user's home. VISAGE_LFW_DIR is the folder of people folders inside the /data/lfw volume, as LFW's
# archive (and the app's download) lays it out: mount the folder that holds lfw-deepfunneled/ at /data/lfw.
# MALLOC_ARENA_MAX from the start (Visage's own mallopt comes after the JVM's threads have their arenas): one
# arena keeps LibTorch's large tensors in reusable memory instead of faulting them in afresh every step.
# JAVA_TOOL_OPTIONS: a fixed, pre-touched 512 MiB heap, so resident memory stays flat under load (with a heap
# sized from the machine, G1 grew it from 260 to 376 MiB between a 10,000- and a 50,000-request run). Training
# peaks at about 120 MiB of live heap; LibTorch's tensors live outside it. Set the variable to replace these.
ENV DJL_OFFLINE=true \
    OPT_OUT_TRACKING=true \
    ENGINE_CACHE_DIR=/opt/djl/engine \
    DJL_CACHE_DIR=/home/visage/.djl.ai \
    VISAGE_LFW_DIR=/data/lfw/lfw-deepfunneled \
    VISAGE_MODELS_DIR=/models \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    MALLOC_ARENA_MAX=1 \
    JAVA_TOOL_OPTIONS="-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError"

WORKDIR /app
# Least to most often changed, so that a code change rebuilds only the last, small layer.
COPY --from=engine /opt/djl/engine/ /opt/djl/engine/
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./

USER 1000:1000
VOLUME ["/data/lfw", "/models"]
EXPOSE 8080

# Without curl: bash's /dev/tcp, HTTP/1.0 (the server closes the connection), and the status line must say 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 4 _ status _ <&3 && [ \"$status\" = 200 ]"]

# `java -jar visage.jar` on the extracted layout; arguments go to the app, so `docker run IMAGE train ...` trains.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
