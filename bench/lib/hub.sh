# Shared by bench/run-*.sh: describe the machine, find a JDK and the hub jar, start a hub on a free
# port, stop it.
# Source it after defining say, show and die, and with ROOT, HUB_LOG and BENCH_NAME set.
#
# HUB_JAVA_OPTS defaults to the JVM flags the README recommends for running the hub (HUB_JVM_FLAGS);
# set it (even to "") to run with others.

HUB_JVM_FLAGS="-XX:+UseSerialGC -Xms32m -Xmn24m"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS-$HUB_JVM_FLAGS}"
HUB_PID=""

# Sets JAVA (temurin 25 when installed, else JAVA_HOME, else the java on PATH) and HUB_JAR (built with
# ./mvnw only if missing).
find_java_and_jar() {
  if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
  if [[ -n "${JAVA_HOME:-}" ]]; then
    export JAVA_HOME
    JAVA="$JAVA_HOME/bin/java"
  else
    JAVA="$(command -v java)" || die "no JDK: set JAVA_HOME"
  fi
  [[ -x "$JAVA" ]] || die "not executable: $JAVA"
  HUB_JAR="${HUB_JAR:-$ROOT/hub-server/target/hub.jar}"
  if [[ ! -f "$HUB_JAR" ]]; then
    say "hub jar missing at $HUB_JAR: building it"
    show "./mvnw -q -B -DskipTests package"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
    [[ -f "$HUB_JAR" ]] || die "the build did not produce $HUB_JAR"
  fi
}

# start_hub DATABASE_URL ADMIN_TOKEN: starts the hub on a free port (HUB_PORT=0, read back from its
# log) and sets HUB_PID, HUB_PORT and HUB_URL; dies if it is not listening within 60 s.
start_hub() {
  local db_url="$1" admin_token="$2"
  # shellcheck disable=SC2086 # HUB_JAVA_OPTS is a list of JVM flags
  show "HUB_PORT=0 HUB_ADMIN_TOKEN=<generated> HUB_DATABASE_URL=$db_url $JAVA $HUB_JAVA_OPTS -jar $HUB_JAR > $HUB_LOG 2>&1 &"
  # shellcheck disable=SC2086
  HUB_PORT=0 HUB_ADMIN_TOKEN="$admin_token" HUB_DATABASE_URL="$db_url" \
    "$JAVA" $HUB_JAVA_OPTS -jar "$HUB_JAR" >"$HUB_LOG" 2>&1 &
  HUB_PID=$!
  HUB_PORT=""
  for _ in $(seq 1 120); do
    if ! kill -0 "$HUB_PID" 2>/dev/null; then
      tail -n 40 "$HUB_LOG" >&2
      die "the hub exited during start-up (log above, $HUB_LOG)"
    fi
    HUB_PORT="$(sed -n 's/.*AI Hub listening on port \([0-9][0-9]*\).*/\1/p' "$HUB_LOG" | head -1)"
    [[ -n "$HUB_PORT" ]] && break
    sleep 0.5
  done
  if [[ -z "$HUB_PORT" ]]; then
    tail -n 40 "$HUB_LOG" >&2
    die "the hub did not log 'AI Hub listening' within 60 s ($HUB_LOG)"
  fi
  HUB_URL="http://127.0.0.1:$HUB_PORT"
}

# Stops our hub (by its pid only: other people's hubs may share the machine): SIGTERM, then SIGKILL
# after 30 s.
stop_hub() {
  [[ -n "$HUB_PID" ]] || return 0
  if kill -0 "$HUB_PID" 2>/dev/null; then
    kill -TERM "$HUB_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$HUB_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$HUB_PID" 2>/dev/null; then
      echo "$BENCH_NAME: hub (pid $HUB_PID) did not stop within 30 s; killing it" >&2
      kill -KILL "$HUB_PID" 2>/dev/null || true
    fi
  fi
  wait "$HUB_PID" 2>/dev/null || true
  HUB_PID=""
}

# Prints the machine's date, cores, CPU model and memory: the first lines of every benchmark's report.
print_machine() {
  echo "date:       $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc:      $(nproc)"
  echo "cpu:        $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
  free -h | sed 's/^/free:       /'
}
