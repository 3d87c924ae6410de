# AI Hub container image.
#
#   docker build -t aihub .
#   docker compose up          # hub + PostgreSQL, see docker-compose.yml
#
# Stage 1 builds the fat jar with the Maven wrapper (Maven 3.9.16); stage 2 runs
# it on a JRE as a non-root user. Only hub.jar crosses from one stage to the other.

# ---------------------------------------------------------------------------
# Build stage
# ---------------------------------------------------------------------------
FROM eclipse-temurin:21-jdk-noble AS build
WORKDIR /src

# Dependency-caching layer: the wrapper and the POMs only, so that this layer
# (the Maven distribution plus every plugin and dependency in ~/.m2) is rebuilt
# only when a POM or the wrapper changes, not on every source edit.
#
# `dependency:go-offline` is not used: it also tries to resolve optional and
# transitive artifacts the build never needs, and fails on them. Instead the
# real `package` lifecycle runs once over the bare POMs (modules without
# sources): that resolves exactly what the build uses, including the plugins,
# the reactor modules and hub-store's test-jar that hub-server depends on. The
# empty artifacts it produces are thrown away.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY hub-protocol/pom.xml hub-protocol/
COPY hub-store/pom.xml hub-store/
COPY hub-server/pom.xml hub-server/
RUN ./mvnw -B -q -DskipTests package \
 && rm -rf hub-protocol/target hub-store/target hub-server/target

# Sources, then the real build. migrations/ is packaged into hub-store as the
# Flyway classpath location db/migration (see hub-store/pom.xml).
#
# -DskipTests skips running the tests but still compiles them, which the build
# needs: hub-server depends on hub-store's test-jar. (-Dmaven.test.skip=true
# would skip that jar and break the reactor.) Tests need a PostgreSQL server
# and run in CI (.ci/run), not here.
COPY migrations/ migrations/
COPY hub-protocol/src/ hub-protocol/src/
COPY hub-store/src/ hub-store/src/
COPY hub-server/src/ hub-server/src/
RUN ./mvnw -B -q -DskipTests package \
 && cp hub-server/target/hub.jar /hub.jar

# ---------------------------------------------------------------------------
# Runtime stage
# ---------------------------------------------------------------------------
FROM eclipse-temurin:21-jre-noble AS runtime

# A fixed, unprivileged uid/gid (numeric in USER, so that orchestrators such
# as Kubernetes can verify runAsNonRoot). The jar stays owned by root and
# read-only to the hub, which writes only to /tmp (JVM perf data, Vert.x's
# file cache).
RUN groupadd --system --gid 10001 hub \
 && useradd --system --uid 10001 --gid hub --no-create-home \
        --home-dir /app --shell /usr/sbin/nologin hub

WORKDIR /app
COPY --from=build /hub.jar /app/hub.jar

USER 10001:10001

# HUB_PORT defaults to 3001 (configuration: HUB_PORT, HUB_DATABASE_URL,
# HUB_PUBLIC_URL, HUB_ADMIN_TOKEN, HUB_SIGNING_KEY, HUB_MAX_BODY_BYTES,
# HUB_DB_POOL_SIZE; see docker-compose.yml).
EXPOSE 3001

# GET /health answers 200 once the database answers, 503 otherwise. The JRE
# image has no curl/wget, so this speaks HTTP/1.1 over bash's /dev/tcp: open
# the port, send the request, and require a "200" status line. It follows
# HUB_PORT if that is overridden. 127.0.0.1 rather than localhost: the hub
# binds 0.0.0.0 (IPv4), and localhost may resolve to ::1 first.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD bash -c 'exec 3<>"/dev/tcp/127.0.0.1/${HUB_PORT:-3001}" && printf "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && read -r -t 4 status <&3 && [[ "$status" == *" 200 "* ]]' || exit 1

# JVM flags (the README's recommended flags, plus two for containers):
#   -XX:+UseSerialGC -Xms32m    the smallest footprint: the heap starts small and
#                               grows only as live data needs; measured with
#                               bench/run-realtime-bench.sh, 10,000 idle sockets
#                               cost ~260 MiB RSS this way and ~400 MiB with the
#                               JVM's defaults (G1, initial heap 1/64 of RAM), at
#                               the same lifecycle throughput.
#   -Xmn24m                     a young generation of a fixed 24 MiB: under load
#                               the collector grows its own more slowly and
#                               collects twice as often at the same throughput,
#                               and once a burst is over the hub keeps 24 MiB of
#                               nursery resident rather than a third of the heap
#                               (docs/realtime-benchmarks.md).
#   -XX:MaxRAMPercentage=75.0   size the heap from the container's memory
#                               limit (the JVM is container-aware) instead of
#                               the default 25%; the remaining quarter is left
#                               for metaspace, thread stacks, Netty's direct
#                               buffers and the code cache.
#   -XX:+ExitOnOutOfMemoryError exit at the first OutOfMemoryError instead of
#                               limping on half-broken; the restart policy
#                               (compose `restart:`, Kubernetes) starts a
#                               clean JVM.
# More flags can be passed at run time with JAVA_TOOL_OPTIONS; to change the
# ones above, override the entrypoint. Exec form: java is PID 1 and receives
# SIGTERM from `docker stop` directly.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms32m", "-Xmn24m", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/hub.jar"]
