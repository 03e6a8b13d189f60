#!/usr/bin/env bash
# Benchmark (not a test): time from launch to /readyz 200, the CPU the process spent by then, and
# idle RSS ten seconds after ready, for the sidecar as the image runs it (Java 17, jvm.options, a
# class-data-sharing archive trained with --exit-when-ready) and, when a newer JDK is given, for
# the same jar on it with its ahead-of-time cache (JDK 24+: -XX:AOTCacheOutput, trained the same
# way). Starts alternate between the candidates; medians of STARTS each.
# CANDIDATES adds flag sets to compare, one "name|java command" a line, @JSA@ standing for the
# Java 17 archive; JAVA_NEW= (empty) leaves the newer JDK out. B_JAR=<jar> adds that build as the
# image runs it, with an archive trained on it, to compare a change.
# Usage: [STARTS=5] [JAVA_NEW=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [CANDIDATES=...]
#        [JAR=...] [B_JAR=...] bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
STARTS=${STARTS:-5}
JAVA_NEW=${JAVA_NEW-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
[ -f sidecar/target/keyrelay-sidecar.jar ] || mvn -B -q package -DskipTests
export MALLOC_ARENA_MAX=2
jar=${JAR:-sidecar/target/keyrelay-sidecar.jar}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
admin=$(free_port)
mkdir -p "$work/cfg"
printf 'token\n' > "$work/cfg/token"
cat > "$work/cfg/keyrelay.yaml" <<YAML
proxy: { listen: "127.0.0.1:$(free_port)" }
admin: { listen: "127.0.0.1:$admin" }
ca: { dir: ../ca }
routes:
  - name: api
    match: { host: api.example.com }
    auth: { type: header, headerName: Authorization, scheme: Bearer }
    secret: { file: token }
YAML

# Training runs, as the image build does them.
java -XX:ArchiveClassesAtExit="$work/jdk17.jsa" @sidecar/jvm.options -jar "$jar" \
  --config sidecar/cds-training.yaml --exit-when-ready >/dev/null 2>&1
candidates=("jdk17-cds|java @sidecar/jvm.options -XX:SharedArchiveFile=$work/jdk17.jsa -XX:MaxRAM=256m")
declare -A jar_of
if [ -n "${B_JAR:-}" ]; then
  java -XX:ArchiveClassesAtExit="$work/b.jsa" @sidecar/jvm.options -jar "$B_JAR" \
    --config sidecar/cds-training.yaml --exit-when-ready >/dev/null 2>&1
  candidates+=("b-cds|java @sidecar/jvm.options -XX:SharedArchiveFile=$work/b.jsa -XX:MaxRAM=256m")
  jar_of[b-cds]=$B_JAR
fi
while IFS= read -r line; do
  [ -z "$line" ] || candidates+=("${line//@JSA@/$work/jdk17.jsa}")
done <<<"${CANDIDATES:-}"
if [ -n "$JAVA_NEW" ] && [ -x "$JAVA_NEW" ]; then
  "$JAVA_NEW" -XX:AOTCacheOutput="$work/new.aot" @sidecar/jvm.options -jar "$jar" \
    --config sidecar/cds-training.yaml --exit-when-ready >/dev/null 2>&1
  version=$("$JAVA_NEW" -version 2>&1 | awk -F'"' 'NR==1 {print $2}')
  candidates+=("jdk$version-aot|$JAVA_NEW @sidecar/jvm.options -XX:AOTCache=$work/new.aot -XX:MaxRAM=256m")
fi

hz=$(getconf CLK_TCK)
start_once() { # flags, keep, jar: prints "ready_ms cpu_ms rss_mb"
  local flags=$1 keep=$2 jar=$3 begin pid ms cpu rss=-
  begin=$(date +%s%N)
  # shellcheck disable=SC2086
  exec_java=(${flags})
  "${exec_java[@]}" -jar "$jar" --config "$work/cfg/keyrelay.yaml" > "$work/run.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; do sleep 0.005; done
  ms=$(( ($(date +%s%N) - begin) / 1000000 ))
  cpu=$(awk -v hz="$hz" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
  if [ "$keep" = 1 ]; then
    sleep 10
    rss=$(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {printf "%d(anon:%d)", r/1024, a/1024}' "/proc/$pid/status")
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms $cpu $rss"
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
declare -A ready cpu rss
for i in $(seq 1 "$STARTS"); do
  for c in "${candidates[@]}"; do
    name=${c%%|*}
    read -r r p m < <(start_once "${c#*|}" "$([ "$i" = "$STARTS" ] && echo 1 || echo 0)" \
      "${jar_of[$name]:-$jar}")
    ready[$name]+="$r "; cpu[$name]+="$p "; [ "$m" = - ] || rss[$name]=$m
  done
done
echo "load $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores, $STARTS starts each, alternating"
for c in "${candidates[@]}"; do
  name=${c%%|*}
  echo "$name ready_ms=$(tr ' ' '\n' <<<"${ready[$name]}" | grep . | median) (${ready[$name]% })" \
    "cpu_to_ready_ms=$(tr ' ' '\n' <<<"${cpu[$name]}" | grep . | median) idle_rss_mb=${rss[$name]}"
done
