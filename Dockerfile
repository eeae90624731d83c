# Visage: the face-identification service (and its `train` command) in a container.
#
#   ./mvnw -B package -DskipTests                 # 1. the jar, outside docker (see below)
#   docker build -t visage .                      # 2. the image: built with eclipse-temurin:17-jdk, run on
#                                                 #    debian:bookworm-slim
#   eval "$(.ci/docker.sh env)"                   #    or, where no registry is reachable, on local Debian images
#   docker build --build-arg BASE_IMAGE="$VISAGE_BASE_IMAGE" --build-arg JDK_IMAGE="$VISAGE_JDK_IMAGE" -t visage .
#   docker run -p 8080:8080 -v "$PWD/data/lfw:/data/lfw" -v visage-models:/models visage
#   docker run --rm -v "$PWD/data/lfw:/data/lfw" -v visage-models:/models visage train --visage.training.epochs=1
#
# Why the jar is built outside docker: Maven needs Maven Central and the local ~/.m2 cache (about 600 MB with
# LibTorch); a Maven stage in here would need a JDK/Maven image from a registry (none is reachable on our
# machines) and would download every dependency again on each build. CI has already built and tested
# visage-service/target/visage.jar, so the image ships exactly that jar, and .dockerignore sends nothing else.
#
# Only classic-builder syntax (no heredocs, cache mounts or COPY --link): Debian's docker.io 20.10 on CI has no
# buildx. JDK_IMAGE must be a JDK 17 with its jmods (jlink) for x86_64; BASE_IMAGE a Debian bookworm (or Ubuntu
# 22.04+: OpenCV's natives need glibc >= 2.35) with apt-get, bash (health check) and useradd:
# eclipse-temurin:17-jdk and debian:bookworm-slim are, as are visage/jdk17:local and visage/debian-bookworm:slim
# (.ci/docker.sh). Pin both by digest for repeatable builds (docs/deployment.md, "The image").
#
# What the image holds, and why it holds no more: a Java runtime made by jlink with the modules Visage uses
# (jdeps, plus the ones reached by reflection: logging, crypto, DNS, zip file systems, JFR); LibTorch with its
# static symbol table stripped (the dynamic symbols that linking and JNI use stay); OpenCV's and OpenBLAS's
# natives unpacked once, without the jars that carried them (their classes and the cascades stay on the class
# path) and without the libraries Visage never loads; and of GTK 2, which OpenCV's highgui module links against,
# only the shared libraries that the dynamic linker resolves for OpenCV and the base lacks, not the package's
# themes, icons and translations.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG BASE_IMAGE=debian:bookworm-slim

# ---- 1. the Spring Boot jar, split into its layers plus the launcher -------------------------------------
# The native jars leave the class path: pytorch-native-cpu for stage 3, JavaCPP's three for stage 4. Of them,
# only OpenCV's cascades are read at run time, as class-path resources: they stay, in a jar of their own, in the
# same place of the class path.
FROM ${JDK_IMAGE} AS extract
WORKDIR /build
COPY visage-service/target/visage.jar visage.jar
RUN java -Djarmode=tools -jar visage.jar extract --layers --launcher --destination extracted \
 && lib=extracted/dependencies/BOOT-INF/lib \
 && mkdir -p native/djl native/javacpp cascades \
 && mv "$lib"/pytorch-native-cpu-*.jar native/djl/ \
 && mv "$lib"/*-linux-x86_64.jar native/javacpp/ \
 && opencv_natives="$(basename native/javacpp/opencv-*-linux-x86_64.jar)" \
 && (cd cascades && jar xf "../native/javacpp/$opencv_natives" org/bytedeco/opencv/linux-x86_64/share/opencv4) \
 && ls cascades/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml \
 && jar --create --no-manifest --file "$lib/${opencv_natives%.jar}-cascades.jar" -C cascades org \
 && sed -i -e '/pytorch-native-cpu-/d' -e '/openblas-.*-linux-x86_64\.jar/d' -e '/javacpp-.*-linux-x86_64\.jar/d' \
      -e 's/\(opencv-.*-linux-x86_64\)\.jar/\1-cascades.jar/' extracted/application/BOOT-INF/classpath.idx \
 && grep -c -- '-cascades.jar' extracted/application/BOOT-INF/classpath.idx

# ---- 2. the Java runtime: jlink with the modules Visage needs ---------------------------------------------
FROM ${JDK_IMAGE} AS jre
RUN "$JAVA_HOME/bin/jlink" --module-path "$JAVA_HOME/jmods" --output /opt/java \
      --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,java.xml,jdk.charsets,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.unsupported,jdk.zipfs \
      --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 \
 && /opt/java/bin/java -version

# ---- 3. LibTorch, unpacked once at build time ------------------------------------------------------------
# On first use DJL copies LibTorch (about 430 MB) out of the pytorch-native-cpu jar into its cache: 10 s or more at
# every container start, and in every container's writable layer, were it done at run time. Here
# Engine.getInstance() runs once, from the dependencies alone, through Spring's own generic main (SpringApplication
# with an XML bean definition, so no helper class needs compiling). It does not depend on the app's code, and this
# stage copies only the dependencies, so its layer stays cached while just the application changes.
# Then LibTorch moves to a fixed folder that PYTORCH_LIBRARY_PATH names, and the engine loads a second time without
# the 112 MB jar (which the runtime image leaves out: it only duplicated these files), so the JNI glue is unpacked
# beside it too and the runtime needs neither the jar nor a writable cache.
FROM ${JDK_IMAGE} AS engine
COPY --from=extract /build/extracted/dependencies/BOOT-INF/lib/ /build/lib/
COPY --from=extract /build/native/djl/ /build/native/
ENV ENGINE_CACHE_DIR=/opt/djl/engine
RUN printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
      '<beans xmlns="http://www.springframework.org/schema/beans"' \
      '       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' \
      '       xsi:schemaLocation="http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd">' \
      '  <bean id="engine" class="ai.djl.engine.Engine" factory-method="getInstance"/>' \
      '</beans>' > /build/engine.xml \
 && load_engine() { timeout 600 java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -cp "$1" \
      org.springframework.boot.SpringApplication --spring.main.sources=file:/build/engine.xml \
      --spring.main.web-application-type=none --spring.main.banner-mode=off; } \
 && load_engine '/build/lib/*:/build/native/*' \
 && mv "$ENGINE_CACHE_DIR"/pytorch/*-cpu-linux-x86_64 /opt/djl/libtorch \
 && rm -f /opt/djl/libtorch/*libdjl_torch.so \
 && PYTORCH_LIBRARY_PATH=/opt/djl/libtorch PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu load_engine '/build/lib/*' \
 && ls /opt/djl/libtorch/libtorch_cpu.so "$ENGINE_CACHE_DIR"/pytorch/*/*libdjl_torch.so \
 && chmod -R a+rX,go-w /opt/djl

# ---- 4. the native libraries, made small on the runtime's own base ----------------------------------------
# OpenCV's natives (face detection and decoding), unpacked once by JavaCPP: it would otherwise unpack about 140 MB
# at every start, and a read-only root leaves it only /tmp. JavaCPP loads OpenCV's highgui module with the
# detector, and highgui links against GTK 2: it is installed here, and what the runtime takes of it is the
# libraries the dynamic linker resolves for OpenCV that the bare base does not have (a build fails on any library
# not found). OpenBLAS's own JNI bindings and its variant without LAPACK are never loaded: they go. And LibTorch
# loses its static symbol table (89 MB of names for debuggers; the dynamic symbols stay).
FROM ${BASE_IMAGE} AS natives
COPY --from=jre /opt/java/ /opt/java/
RUN find / -xdev \( -name '*.so' -o -name '*.so.*' \) -printf '%f\n' | sort -u > /tmp/base-libraries \
 && apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libgtk2.0-0 binutils \
 && rm -rf /var/lib/apt/lists/*
COPY --from=extract /build/extracted/dependencies/BOOT-INF/lib/ /build/lib/
COPY --from=extract /build/native/javacpp/ /build/native/
COPY --from=engine /opt/djl/ /opt/djl/
RUN strip --strip-unneeded /opt/djl/libtorch/libtorch_cpu.so \
 && printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
      '<beans xmlns="http://www.springframework.org/schema/beans"' \
      '       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' \
      '       xsi:schemaLocation="http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd">' \
      '  <bean id="objdetect" class="org.bytedeco.javacpp.Loader" factory-method="load">' \
      '    <constructor-arg type="java.lang.Class" value="org.bytedeco.opencv.global.opencv_objdetect"/></bean>' \
      '  <bean id="imgcodecs" class="org.bytedeco.javacpp.Loader" factory-method="load">' \
      '    <constructor-arg type="java.lang.Class" value="org.bytedeco.opencv.global.opencv_imgcodecs"/></bean>' \
      '</beans>' > /build/opencv.xml \
 && timeout 300 /opt/java/bin/java -Dorg.bytedeco.javacpp.cachedir=/opt/javacpp -cp '/build/lib/*:/build/native/*' \
      org.springframework.boot.SpringApplication --spring.main.sources=file:/build/opencv.xml \
      --spring.main.web-application-type=none --spring.main.banner-mode=off \
 && mkdir -p /opt/javacpp/lib/blas /opt/javacpp/lib/system \
 && for module in javacpp opencv; do \
      ln -s "$(echo /opt/javacpp/"$module"-*-linux-x86_64.jar/org/bytedeco/"$module"/linux-x86_64)" /opt/javacpp/lib/"$module"; \
    done \
 && openblas="$(echo /opt/javacpp/openblas-*-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64)" \
 && rm -f "$openblas"/libjniopenblas*.so "$openblas"/libopenblas_nolapack.so* \
 && for library in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0; do ln -s "$openblas/$library" /opt/javacpp/lib/blas/; done \
 && LD_LIBRARY_PATH=/opt/javacpp/lib/blas:/opt/javacpp/lib/opencv ldd /opt/javacpp/lib/opencv/*.so* \
      /opt/javacpp/lib/javacpp/*.so /opt/javacpp/lib/blas/* > /tmp/ldd \
 && if grep 'not found' /tmp/ldd; then exit 1; fi \
 && awk '$2 == "=>" && $3 ~ /^\// && $3 !~ /^\/opt\// { print $1, $3 }' /tmp/ldd | sort -u > /tmp/resolved \
 && while read -r soname path; do \
      grep -qxF "$soname" /tmp/base-libraries || cp -L "$path" "/opt/javacpp/lib/system/$soname"; \
    done < /tmp/resolved \
 && ls /opt/javacpp/lib/system/libgtk-x11-2.0.so.0 \
 && chmod -R a+rX,go-w /opt/javacpp /opt/djl

# ---- 5. the runtime image --------------------------------------------------------------------------------
FROM ${BASE_IMAGE}

# uid/gid 1000 `visage` (Ubuntu-based images may already have uid 1000 `ubuntu`: it goes).
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

# DJL never goes online and finds LibTorch where stages 3-4 left it (read-only, owned by root): PYTORCH_LIBRARY_PATH,
# with its version and flavour, and the JNI glue in ENGINE_CACHE_DIR. VISAGE_LFW_DIR is the folder of people
# folders inside the /data/lfw volume, as LFW's archive (and the app's download) lays it out: mount the folder that
# holds lfw-deepfunneled/ at /data/lfw.
# MALLOC_*: Visage's allocator settings (one arena, fixed mmap and trim thresholds: LibTorch's large tensors stay in
# reusable memory instead of being faulted in afresh every step), from the start and for every thread. With all
# three in the environment Visage does not load JNA to set them.
# JAVA_TOOL_OPTIONS: the heap is a quarter of the container's memory limit, fixed and pre-touched, so resident memory
# stays flat under load and returns to its idle size after it (with a heap that grows on demand, G1 kept the
# 530 MiB it had grown to under the hostile load for minutes). Fixed takes MaxHeapFreeRatio=100 too: the
# percentages set the initial size but not the minimum, and G1 otherwise gives most of the heap back after start-up
# and takes it again under load. The rest of the limit is LibTorch's (its tensors
# live outside the heap) and the JVM's. Give the container a memory limit (compose does): without one the heap is
# a quarter of the host's memory, all of it resident. Set the variable to replace these. No
# -XX:+ExitOnOutOfMemoryError: requests are bounded by Visage's memory budgets, and a request that still runs out
# of memory is answered 503 (retry), where exiting would cut every connection.
# /tmp must be writable (Tomcat's work folder); with --read-only, give it a tmpfs (noexec is fine).
# JAVA_HOME and PATH: the runtime of stage 2. LD_LIBRARY_PATH: OpenBLAS and GTK's libraries from stage 4.
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:$PATH \
    DJL_OFFLINE=true \
    OPT_OUT_TRACKING=true \
    ENGINE_CACHE_DIR=/opt/djl/engine \
    DJL_CACHE_DIR=/tmp/djl \
    PYTORCH_LIBRARY_PATH=/opt/djl/libtorch \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cpu \
    VISAGE_LFW_DIR=/data/lfw/lfw-deepfunneled \
    VISAGE_MODELS_DIR=/models \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    MANAGEMENT_SERVER_PORT=8081 \
    MALLOC_ARENA_MAX=1 \
    MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=536870912 \
    LD_LIBRARY_PATH=/opt/javacpp/lib/blas:/opt/javacpp/lib/system \
    JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=25 -XX:MaxHeapFreeRatio=100 -XX:+AlwaysPreTouch"

WORKDIR /app
# Least to most often changed, so that a code change rebuilds only the last, small layer.
COPY --from=jre /opt/java/ /opt/java/
COPY --from=natives /opt/djl/ /opt/djl/
COPY --from=natives /opt/javacpp/ /opt/javacpp/
COPY --from=extract /build/extracted/dependencies/ ./
# OpenCV loads here as it will at run time, from /opt/javacpp alone: the entry point puts OpenCV's folder on
# java.library.path and has JavaCPP search there first, and OpenBLAS, which OpenCV links against as
# libopenblas.so.0, comes from LD_LIBRARY_PATH with JavaCPP's own OpenBLAS loading off
# (org.bytedeco.openblas.load=none). No native jar is on the class path, so nothing can be unpacked at run time
# (JavaCPP's cache folder stays empty); this proves the image has every library OpenCV links against.
RUN printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
      '<beans xmlns="http://www.springframework.org/schema/beans"' \
      '       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' \
      '       xsi:schemaLocation="http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd">' \
      '  <bean id="objdetect" class="org.bytedeco.javacpp.Loader" factory-method="load">' \
      '    <constructor-arg type="java.lang.Class" value="org.bytedeco.opencv.global.opencv_objdetect"/></bean>' \
      '</beans>' > /tmp/opencv.xml \
 && JAVA_TOOL_OPTIONS= timeout 300 java -XX:-UsePerfData -Dorg.bytedeco.javacpp.pathsFirst=true \
      -Dorg.bytedeco.openblas.load=none -Djava.library.path=/opt/javacpp/lib/javacpp:/opt/javacpp/lib/opencv \
      -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache -cp '/app/BOOT-INF/lib/*' \
      org.springframework.boot.SpringApplication --spring.main.sources=file:/tmp/opencv.xml \
      --spring.main.web-application-type=none --spring.main.banner-mode=off \
 && if [ -n "$(ls -A /tmp/javacpp-cache)" ]; then echo "JavaCPP unpacked natives at run time" >&2; exit 1; fi \
 && rm -rf /tmp/opencv.xml /tmp/javacpp-cache
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./

USER 1000:1000
VOLUME ["/data/lfw", "/models"]
# 8080: the API; 8081: health and Prometheus (management), on their own threads, so probes answer under a flood.
EXPOSE 8080 8081

# Healthy means serving: readiness, UP once a model is loaded (so a first start that trains stays "starting", then
# "unhealthy", until its model is stored). Without curl: bash's /dev/tcp, HTTP/1.0 (the server closes the
# connection), and the status line must say 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_SERVER_PORT:-8081} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 4 _ status _ <&3 && [ \"$status\" = 200 ]"]

# `java -jar visage.jar` on the extracted layout; arguments go to the app, so `docker run IMAGE train ...` trains.
ENTRYPOINT ["java", "-Dorg.bytedeco.javacpp.pathsFirst=true", "-Dorg.bytedeco.openblas.load=none", \
    "-Djava.library.path=/opt/javacpp/lib/javacpp:/opt/javacpp/lib/opencv", \
    "org.springframework.boot.loader.launch.JarLauncher"]
