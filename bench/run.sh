#!/usr/bin/env bash
# Benchmark (not a test): every yardstick in one run, in interleaved rounds, one table of results.
#
# HTTPS, hey keep-alive with 16 connections against a TLS nginx upstream on loopback (small body):
#   direct; nginx as a TLS reverse proxy adding a header (own process, one worker), and the same
#   writing a buffered JSON access-log line per request (the sidecar's audit line); mitmproxy
#   (mitmdump, intercepting forward proxy adding the header) when installed; the sidecar
#   (CONNECT interception, credential injected, audit line per request); the Netty floor
#   (bench/floor/NettyFloor.java: the sidecar's libraries and flags doing only what the leg needs).
# PostgreSQL, pgbench select-only (scale 10, scram-sha-256 server), then with -C (a new connection
#   per transaction): direct; pgbouncer in session mode; the sidecar's listener. sslMode disable on
#   both legs, so only the relay differs.
# Each round runs every yardstick once, and each round's ratios use that round's figures, because
# a shared machine's speed drifts; the table shows every round and the median. CPU per request
# (/proc/<pid>/stat over the run) moves less with the machine's load than requests per second.
# Also: ready time (median of five starts), idle RSS, added latency on one kept-alive connection,
# new-host certificate mint, SSE delay (bench/load-shapes.py --shapes sse).
#
# The sidecar runs as the image runs it (Dockerfile.sidecar): @sidecar/jvm.options, a CDS archive
# trained by --exit-when-ready, MALLOC_ARENA_MAX=2, and -XX:MaxRAM=256m (the injector's default
# memory limit). JVM_FLAGS=... replaces those flags (the archive is added unless it names one).
# B_JAR=... and/or B_FLAGS=... run a second sidecar (another build, other flags) in the same rounds
# and add a table of B against A, with PAIRED_ROUNDS (8) of both under load at once.
# PROFILE=<path of async-profiler's libasyncProfiler.so> profiles A.
# Usage: [ROUNDS=3] [HTTP_SECONDS=8] [PG_SECONDS=10] [JAR=...] [JVM_FLAGS=...] [B_JAR=...] [B_FLAGS=...]
#        [PAIRED_ROUNDS=8] [HTTP_BODY=file] [PROFILE=... [PROFILE_OUT=profile.collapsed]] bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
HTTP_SECONDS=${HTTP_SECONDS:-8}
PG_SECONDS=${PG_SECONDS:-10}
C=16
PG_C=8
work=$(mktemp -d)
chmod 755 "$work"
hz=$(getconf CLK_TCK)

# --- tools -------------------------------------------------------------------------------------
missing=()
for tool in hey:hey nginx:nginx openssl:openssl pgbouncer:pgbouncer pgbench:postgresql-client \
    psql:postgresql-client; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ] || ! command -v mitmdump >/dev/null; then
  apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  # The yardstick the agent world knows best; optional: the run goes on without it.
  command -v mitmdump >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mitmproxy \
    || echo "mitmproxy could not be installed: its column stays empty"
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar=${JAR:-sidecar/target/keyrelay-sidecar.jar}
[ -f "$jar" ] || mvn -B -q -pl sidecar -am package -DskipTests

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ms() { awk -v hz="$hz" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }
# CPU in nanoseconds summed over all threads (schedstat): fine enough for an idle process.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{n += $1} END {printf "%.0f", n}'; }
# CPU of a JVM's JIT compiler threads (0 for other processes): a JVM that is still compiling pays
# for it in the rounds, so its CPU per request is also shown without them.
jit_ms() {
  local task total=0
  for task in /proc/"$1"/task/*; do
    case $(cat "$task/comm" 2>/dev/null) in
      C1\ CompilerThre* | C2\ CompilerThre*)
        total=$(awk -v t="$total" -v hz="$hz" '{sub(/.*\) /, ""); print t + ($12 + $13) * 1000 / hz}' \
          "$task/stat") ;;
    esac
  done
  echo "$total"
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
UP=$(free_port); RP=$(free_port); RPLOG=$(free_port); MITM=$(free_port); PROXY=$(free_port); ADMIN=$(free_port)
PG=$(free_port); LISTENER=$(free_port); BOUNCER=$(free_port)
PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SECRET=bench-secret

cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for conf in up/nginx.conf rp/nginx.conf rplog/nginx.conf; do nginx -p "$work" -c "$conf" -s stop 2>/dev/null || true; done
  [ -f "$work/pg/pgbouncer.pid" ] && kill "$(cat "$work/pg/pgbouncer.pid")" 2>/dev/null || true
  [ -d "$work/pg/data" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# PostgreSQL's files live under $work: as root, the postgres user must be able to enter it.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && ! as_pg test -x "$work"; then
  echo "bench/run.sh: the postgres user cannot enter $work; point TMPDIR (now ${TMPDIR:-unset})" \
    "at a directory every user may traverse, or unset it" >&2
  exit 1
fi

# --- HTTPS upstream and yardsticks ---------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=bench CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 1 -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null

nginx_conf() { # dir, http block body: one worker, its own process
  mkdir -p "$work/$1/logs"
  cat > "$work/$1/nginx.conf" <<NGINX
worker_processes 1;
pid $work/$1/nginx.pid;
error_log $work/$1/logs/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; $2 }
NGINX
  nginx -p "$work" -c "$1/nginx.conf"
}
tls="ssl_certificate $work/server.pem; ssl_certificate_key $work/server.key;"
nginx_conf up "server { listen 127.0.0.1:$UP ssl; $tls location / { return 200 '{\"ok\":true}'; } }"
# The reverse proxy is its own process: one worker serving both would pass requests to itself
# without waking another process, which flattered it (docs/appendix/benchmark-history.md).
nginx_conf rp "upstream origin { server 127.0.0.1:$UP; keepalive 32; }
  server { listen 127.0.0.1:$RP ssl; $tls location / { proxy_pass https://origin;
    proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header x-api-key $SECRET;
    proxy_ssl_server_name on; proxy_ssl_name localhost; } }"
# The same reverse proxy writing a JSON access-log line per request, buffered as the sidecar's audit
# lines are: what nginx pays for the audit trail the sidecar always keeps.
nginx_conf rplog "log_format audit escape=json '{\"time\":\"\$time_iso8601\",\"host\":\"\$host\",'
    '\"method\":\"\$request_method\",\"path\":\"\$uri\",\"status\":\$status,'
    '\"duration_ms\":\$request_time}';
  upstream origin { server 127.0.0.1:$UP; keepalive 32; }
  server { listen 127.0.0.1:$RPLOG ssl; $tls access_log $work/rplog/logs/access.log audit buffer=64k flush=20ms;
    location / { proxy_pass https://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
    proxy_set_header x-api-key $SECRET; proxy_ssl_server_name on; proxy_ssl_name localhost; } }"
sleep 0.5
up_worker=$(pgrep -P "$(cat "$work/up/nginx.pid")")
rp_worker=$(pgrep -P "$(cat "$work/rp/nginx.pid")")
rplog_worker=$(pgrep -P "$(cat "$work/rplog/nginx.pid")")
mitm_pid=
if command -v mitmdump >/dev/null; then
  mitmdump -q --mode regular --listen-host 127.0.0.1 --listen-port "$MITM" \
    --set confdir="$work/mitm" --set ssl_verify_upstream_trusted_ca="$work/ca.pem" \
    --modify-headers "/~q/x-api-key/$SECRET" > "$work/mitm.log" 2>&1 &
  mitm_pid=$!
  mitm_version=$(mitmdump --version | awk '/Mitmproxy/ {print $2}')
fi

# --- PostgreSQL and pgbouncer --------------------------------------------------------------------
# PostgreSQL and pgbouncer run as postgres when this runs as root: their files live in pg/.
mkdir -m 700 "$work/pg"
[ "$(id -u)" != 0 ] || chown postgres "$work/pg"
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U bench_admin --auth=trust --no-sync >/dev/null
cat >> "$work/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG
unix_socket_directories = '$work/pg'
max_connections = 100
password_encryption = 'scram-sha-256'
CONF
printf 'local all all trust\nhost all bench_admin 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n' \
  > "$work/pg/data/pg_hba.conf"
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w start >/dev/null
psql -q -h 127.0.0.1 -p "$PG" -U bench_admin -d postgres \
  -c "CREATE ROLE bench LOGIN PASSWORD '$PASSWORD'" -c "CREATE DATABASE bench OWNER bench"
PGPASSWORD="$PASSWORD" pgbench -q -i -s 10 -h 127.0.0.1 -p "$PG" -U bench bench >/dev/null 2>&1
# pgbouncer in session mode, one process as the sidecar is, logging in with the password from its
# connection string; loopback clients are trusted, as the listener trusts the pod's processes.
cat > "$work/pg/pgbouncer.ini" <<INI
[databases]
bench = host=127.0.0.1 port=$PG dbname=bench user=bench password=$PASSWORD
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER
unix_socket_dir =
auth_type = trust
auth_file = $work/pg/userlist.txt
pool_mode = session
max_client_conn = 200
default_pool_size = 50
logfile = $work/pg/pgbouncer.log
pidfile = $work/pg/pgbouncer.pid
INI
echo '"bench" ""' > "$work/pg/userlist.txt"
chmod 644 "$work/pg/pgbouncer.ini" "$work/pg/userlist.txt"
as_pg pgbouncer -d "$work/pg/pgbouncer.ini"
for _ in $(seq 50); do [ -s "$work/pg/pgbouncer.pid" ] && break; sleep 0.1; done
bouncer_pid=$(cat "$work/pg/pgbouncer.pid")

# --- the sidecar ---------------------------------------------------------------------------------
sidecar_config() { # dir, proxy port, admin port, listener port
  # The config lives in its own directory: the sidecar watches that directory for edits.
  mkdir -p "$work/$1/cfg"
  cp "$work/ca.pem" "$work/$1/cfg/ca.pem"
  printf '%s' "$PASSWORD" > "$work/$1/cfg/password"
  {
  cat <<YAML
proxy: { listen: "127.0.0.1:$2" }
admin: { listen: "127.0.0.1:$3" }
ca: { dir: ../ca }
routes:
  - name: bench
    match: { host: localhost, port: $UP }
    upstream: { caFile: ca.pem }
    auth: { type: header, headerName: x-api-key }
    secret: { env: BENCH_API_KEY }
YAML
  # Routed hosts that are never called, only CONNECTed to: each costs one certificate mint.
  for i in $(seq 1 300); do
    printf '  - name: mint-%d\n    match: { host: m%d.mint.test }\n' "$i" "$i"
    printf '    auth: { type: header, headerName: x-api-key }\n    secret: { env: BENCH_API_KEY }\n'
  done
  cat <<YAML
listeners:
  - name: pgbench
    postgres:
      listen: "127.0.0.1:$4"
      upstream: { host: 127.0.0.1, port: $PG, sslMode: disable }
      user: bench
    secret: { file: password }
YAML
  } > "$work/$1/cfg/keyrelay.yaml"
}
start_sidecar() { # dir, admin port, jar, flags...: starts it, waits for ready; sets $started
  local dir=$1 admin=$2 jar=$3; shift 3
  BENCH_API_KEY=$SECRET java "$@" -jar "$jar" --config "$work/$dir/cfg/keyrelay.yaml" \
    > "$work/$dir/sidecar.log" 2>&1 &
  started=$!
  until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; do
    kill -0 $started 2>/dev/null || { cat "$work/$dir/sidecar.log"; exit 1; }
    sleep 0.005
  done
}
rss() { # pid
  awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2}
    END {printf "%d MB (%d anonymous + %d file-backed)", r/1024, a/1024, f/1024}' "/proc/$1/status"
}
sidecar_config a "$PROXY" "$ADMIN" "$LISTENER"

export MALLOC_ARENA_MAX=2
java -XX:ArchiveClassesAtExit="$work/sidecar.jsa" @sidecar/jvm.options \
  -jar "$jar" --config sidecar/cds-training.yaml --exit-when-ready >/dev/null 2>&1
JVM_FLAGS=${JVM_FLAGS:-@sidecar/jvm.options -XX:MaxRAM=256m}
# A candidate's flags default to these, with an archive of its own jar.
B_FLAGS=${B_FLAGS:-${B_JAR:+$JVM_FLAGS}}
[[ $JVM_FLAGS == *SharedArchiveFile* ]] || JVM_FLAGS="$JVM_FLAGS -XX:SharedArchiveFile=$work/sidecar.jsa"
# Time to ready: five starts, the median; the last sidecar stays up for the load.
ready_runs=()
for attempt in 1 2 3 4 5; do
  begin=$(date +%s%N)
  # shellcheck disable=SC2086
  start_sidecar a "$ADMIN" "$jar" $JVM_FLAGS
  ready_runs+=($(( ($(date +%s%N) - begin) / 1000000 )))
  sidecar=$started
  if [ "$attempt" -lt 5 ]; then kill $sidecar; wait $sidecar 2>/dev/null || true; fi
done
# A candidate to compare with (B_JAR, B_FLAGS): in the same rounds, as its own process.
b=
if [ -n "$B_FLAGS" ]; then
  B_JAR=${B_JAR:-$jar}
  [[ $B_FLAGS == *SharedArchiveFile* ]] || B_FLAGS="$B_FLAGS -XX:SharedArchiveFile=$work/b.jsa"
  java -XX:ArchiveClassesAtExit="$work/b.jsa" @sidecar/jvm.options \
    -jar "$B_JAR" --config sidecar/cds-training.yaml --exit-when-ready >/dev/null 2>&1
  B_PROXY=$(free_port); B_ADMIN=$(free_port); B_LISTENER=$(free_port)
  sidecar_config b "$B_PROXY" "$B_ADMIN" "$B_LISTENER"
  # shellcheck disable=SC2086
  start_sidecar b "$B_ADMIN" "$B_JAR" $B_FLAGS
  b=$started
fi
# The platform floor (bench/floor/NettyFloor.java): the sidecar's libraries and flags doing only
# CONNECT, TLS on both legs and one header, with a class-data archive of its own as the sidecar has.
# What keyrelay spends above it is keyrelay's; what it spends above nginx is the JVM's and Netty's.
FLOOR=$(free_port)
mkdir "$work/floor"
javac -d "$work/floor/classes" -cp "$jar" bench/floor/NettyFloor.java
# A jar: a class-data archive takes no directory on the class path.
jar cf "$work/floor/floor.jar" -C "$work/floor/classes" .
floor_args=(-cp "$jar:$work/floor/floor.jar" NettyFloor "$FLOOR" "$UP" "$work/ca.pem" "$work/server.pem"
  "$work/server.key" x-api-key "$SECRET")
java -XX:ArchiveClassesAtExit="$work/floor.jsa" @sidecar/jvm.options -Dfloor.exitWhenReady=true \
  "${floor_args[@]}" >/dev/null 2>&1
floor_flags="${JVM_FLAGS%% -XX:SharedArchiveFile=*} -XX:SharedArchiveFile=$work/floor.jsa"
floor_ready_runs=()
for attempt in 1 2 3 4 5; do
  begin=$(date +%s%N)
  # shellcheck disable=SC2086
  java $floor_flags "${floor_args[@]}" > "$work/floor/log" 2>&1 &
  floor=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$FLOOR") 2>/dev/null; do
    kill -0 $floor 2>/dev/null || { cat "$work/floor/log"; exit 1; }
    sleep 0.005
  done
  floor_ready_runs+=($(( ($(date +%s%N) - begin) / 1000000 )))
  if [ "$attempt" -lt 5 ]; then kill $floor; wait $floor 2>/dev/null || true; fi
done
# Idle: ten seconds after ready, past the sidecar's post-start collection and a native heap trim.
# The sidecar is already idle here; its CPU over the same ten seconds is what an idle pod pays.
idle_before=$(cpu_ns $sidecar)
sleep 10
idle_cpu=$(awk -v a="$(cpu_ns $sidecar)" -v b="$idle_before" 'BEGIN {printf "%.2f", (a - b) / 1e7}')
idle_rss=$(rss $sidecar)
floor_idle_rss=$(rss $floor)
[ -z "$b" ] || b_idle_rss=$(rss $b)

# --- load ----------------------------------------------------------------------------------------
declare -A fig # figure name -> the value of each round, space-separated
# HTTP_BODY=<file>: every request is a POST of that file (application/json) instead of a GET.
load() { if [ -n "${HTTP_BODY:-}" ]; then hey -m POST -D "$HTTP_BODY" -T application/json "$@"; else hey "$@"; fi; }
hey_run() { # name, pid or -, hey args...: records name_rps and, for a pid, its CPU (per_request)
  local name=$1 pid=$2 before=0 jit_before=0 out n rps; shift 2
  [ "$pid" = - ] || { before=$(cpu_ms "$pid"); jit_before=$(jit_ms "$pid"); }
  out=$(load -z "${HTTP_SECONDS}s" -c "$C" "$@")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  n=$(answered "$name" "$out")
  fig[${name}_rps]+="$(printf '%.0f' "$rps") "
  [ "$pid" = - ] || per_request "$name" "$pid" "$before" "$jit_before" "$n"
}
answered() { # name, hey's output: the requests answered; fails the run when none got a 200
  grep -q '^ *\[200\]' <<<"$2" || { echo "$1: no 200 answers" >&2; echo "$2" >&2; exit 1; }
  awk '/^ *\[[0-9]+\]/ {n += $2} END {print n + 0}' <<<"$2"
}
per_request() { # name, pid, CPU ms before, JIT ms before, requests: name_cpu, name_jit, name_net
  local cpu jit
  cpu=$(awk -v a="$(cpu_ms "$2")" -v b="$3" -v n="$5" 'BEGIN {printf "%.1f", (a - b) * 1000 / n}')
  jit=$(awk -v a="$(jit_ms "$2")" -v b="$4" -v n="$5" 'BEGIN {printf "%.1f", (a - b) * 1000 / n}')
  fig[${1}_cpu]+="$cpu "
  fig[${1}_jit]+="$jit "
  fig[${1}_net]+="$(awk -v c="$cpu" -v j="$jit" 'BEGIN {printf "%.1f", c - j}') "
}
pg_run() { # name, port, password, pid or -, pgbench args...: records tps, CPU us per tx, connect ms
  local name=$1 port=$2 password=$3 pid=$4 before=0 jit_before=0 out tps; shift 4
  [ "$pid" = - ] || { before=$(cpu_ms "$pid"); jit_before=$(jit_ms "$pid"); }
  out=$(PGPASSWORD="$password" PGSSLMODE=disable pgbench -n -h 127.0.0.1 -p "$port" -U bench \
    -c "$PG_C" -j 2 "$@" bench 2>&1)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  [ -n "$tps" ] || { echo "$name: $out" >&2; exit 1; }
  fig[${name}_tps]+="$(printf '%.0f' "$tps") "
  fig[${name}_conn]+="$(sed -n 's/^average connection time = \([0-9.]*\) ms/\1/p' <<<"$out") "
  [ "$pid" = - ] || per_request "$name" "$pid" "$before" "$jit_before" \
    "$(awk -v t="$tps" -v s="$PG_SECONDS" 'BEGIN {print t * s}')"
}
https="https://localhost:$UP/"
# Warm the sidecar as it spends its life, warm: rounds of load until a round adds under 0.15 s of
# CPU in the JIT compiler threads (the image runs without hsperfdata, so jstat cannot tell).
# Measured while the JIT still compiles, the proxy shares the cores with the compiler threads.
warm() { # pid, proxy port[, listener port]
  local compiled now settled
  compiled=$(jit_ms "$1")
  for _ in $(seq 1 10); do
    load -n 50000 -c "$C" -x "http://127.0.0.1:$2" "$https" >/dev/null
    now=$(jit_ms "$1")
    settled=$(awk -v a="$now" -v b="$compiled" 'BEGIN {print (a - b < 150) ? 1 : 0}')
    compiled=$now
    [ "$settled" = 1 ] && break
  done
  [ -z "${3:-}" ] || PG_SECONDS=5 pg_run warm "$3" "" - -S -T 5
}
warm $sidecar "$PROXY" "$LISTENER"
[ -z "$b" ] || warm $b "$B_PROXY" "$B_LISTENER"
warm $floor "$FLOOR"
load -n 20000 -c "$C" "https://localhost:$RP/" >/dev/null
load -n 20000 -c "$C" "https://localhost:$RPLOG/" >/dev/null
[ -z "$mitm_pid" ] || load -n 2000 -c "$C" -x "http://127.0.0.1:$MITM" "$https" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  hey_run direct - "$https"
  hey_run nginx "$rp_worker" "https://localhost:$RP/"
  hey_run nginx_log "$rplog_worker" "https://localhost:$RPLOG/"
  [ -z "$mitm_pid" ] || hey_run mitm "$mitm_pid" -x "http://127.0.0.1:$MITM" "$https"
  hey_run keyrelay "$sidecar" -x "http://127.0.0.1:$PROXY" "$https"
  [ -z "$b" ] || hey_run b "$b" -x "http://127.0.0.1:$B_PROXY" "$https"
  hey_run floor "$floor" -x "http://127.0.0.1:$FLOOR" "$https"
  pg_run pg_direct "$PG" "$PASSWORD" - -S -T "$PG_SECONDS"
  pg_run pgbouncer "$BOUNCER" "" "$bouncer_pid" -S -T "$PG_SECONDS"
  pg_run listener "$LISTENER" "" "$sidecar" -S -T "$PG_SECONDS"
  [ -z "$b" ] || pg_run b_listener "$B_LISTENER" "" "$b" -S -T "$PG_SECONDS"
  PG_SECONDS=5 pg_run pgc_direct "$PG" "$PASSWORD" - -S -C -T 5
  PG_SECONDS=5 pg_run pgc_bouncer "$BOUNCER" "" "$bouncer_pid" -S -C -T 5
  PG_SECONDS=5 pg_run pgc_listener "$LISTENER" "" "$sidecar" -S -C -T 5
  echo "round $round done, load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
# B and A under one load at once (hey -c C/2 on each): the drift of the machine's speed, which a
# round lays on whichever yardstick runs later, then falls on both alike. PAIRED_ROUNDS of them.
if [ -n "$b" ]; then
  for _ in $(seq 1 "${PAIRED_ROUNDS:-8}"); do
    a_before=$(cpu_ms $sidecar); a_jit=$(jit_ms $sidecar); b_before=$(cpu_ms $b); b_jit=$(jit_ms $b)
    load -z "${HTTP_SECONDS}s" -c $((C / 2)) -x "http://127.0.0.1:$PROXY" "$https" > "$work/paired_a" &
    hey_a=$!
    load -z "${HTTP_SECONDS}s" -c $((C / 2)) -x "http://127.0.0.1:$B_PROXY" "$https" > "$work/paired_b" &
    hey_b=$!
    wait $hey_a $hey_b
    per_request paired_a $sidecar "$a_before" "$a_jit" "$(answered A "$(cat "$work/paired_a")")"
    per_request paired_b $b "$b_before" "$b_jit" "$(answered B "$(cat "$work/paired_b")")"
  done
  echo "paired rounds done" >&2
fi
loaded_rss=$(( $(awk '/^VmRSS/ {print $2}' "/proc/$sidecar/status") / 1024 ))
# A CPU profile of the warm sidecar under the same HTTPS load, after the rounds so that it does not
# weigh on them: PROFILE=<libasyncProfiler.so> writes collapsed stacks to PROFILE_OUT.
if [ -n "${PROFILE:-}" ]; then
  # jcmd would read the options' "=" as its own name=value syntax without the inner quotes.
  jcmd $sidecar JVMTI.agent_load "$PROFILE" '"start,event=cpu,interval=1ms"' >/dev/null
  load -z "${HTTP_SECONDS}s" -c "$C" -x "http://127.0.0.1:$PROXY" "$https" >/dev/null
  jcmd $sidecar JVMTI.agent_load "$PROFILE" "\"stop,collapsed,file=${PROFILE_OUT:-$PWD/profile.collapsed}\"" >/dev/null
fi

# Added latency: 2,000 HTTP/1.1 requests on one kept-alive connection (curl has microsecond
# timings, hey 100 us); p50 of the last 1,800.
lat_p50() {
  # shellcheck disable=SC2046
  curl -s --http1.1 -w '%{time_total}\n' "$@" \
    $(for _ in $(seq 2000); do echo -n "-o /dev/null $https "; done) \
    | tail -n +201 | sort -n | awk '{t[NR]=$1} END {printf "%.0f", t[int(NR/2)]*1e6}'
}
lat_direct=$(lat_p50 --cacert "$work/ca.pem")
lat_proxy=$(lat_p50 -x "http://127.0.0.1:$PROXY" --cacert "$work/a/ca/ca-bundle.crt")
# New-host mint: CONNECT to 300 routed hosts never seen; the 200 comes after the certificate is
# minted. Client-side (includes a loopback round trip) and the sidecar's histogram (coarse buckets).
mint_client=$(python3 - "$PROXY" <<'PY'
import socket, statistics, sys, time
took = []
for i in range(1, 301):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    start = time.perf_counter()
    s.sendall(f"CONNECT m{i}.mint.test:443 HTTP/1.1\r\nHost: m{i}.mint.test:443\r\n\r\n".encode())
    assert s.recv(64).startswith(b"HTTP/1.1 200"), i
    took.append((time.perf_counter() - start) * 1000)
    s.close()
took.sort()
print(f"{statistics.median(took):.2f} ms (p90 {took[int(len(took) * 0.9)]:.1f})")
PY
)
mint_histogram=$(curl -s "http://127.0.0.1:$ADMIN/metrics" | awk '
  /^keyrelay_certificates_mint_duration_seconds_count/ {count=$2}
  /^keyrelay_certificates_mint_duration_seconds_bucket/ {
    match($0, /le="[^"]+"/); le=substr($0, RSTART+4, RLENGTH-5); les[n]=le; cum[n]=$2; n++ }
  END { for (i=0;i<n;i++) if (cum[i] >= count/2) { printf "<= %.2f ms", les[i]*1000; exit } }')
cat "$work"/*/sidecar.log | grep -q "$SECRET\|$PASSWORD" && { echo "A SECRET LEAKED INTO THE LOG"; exit 1; }
kill $sidecar $b $floor; wait $sidecar $b $floor 2>/dev/null || true
# SSE delay, with everything else idle (its own sidecar: same flags, the jar in sidecar/target).
# shellcheck disable=SC2001
sse_out=$(python3 bench/load-shapes.py --shapes sse --jvm-flags "$(sed 's/-XX:MaxRAM=[^ ]*//' <<<"$JVM_FLAGS")")
sse=$(sed -n 's/.*delay_ms //p' <<<"$sse_out")

# --- the table -----------------------------------------------------------------------------------
ratio() { # a, b: per-round a/b, space-separated
  paste -d' ' <(tr ' ' '\n' <<<"${fig[$1]}" | grep .) <(tr ' ' '\n' <<<"${fig[$2]}" | grep .) \
    | awk '{printf "%.2f ", $1 / $2}'
}
row() { # label, values (space-separated), unit, target
  local values=${2% }
  printf '| %s | %s | **%s%s** | %s |\n' "$1" "${values// /, }" \
    "$(tr ' ' '\n' <<<"$values" | grep . | median)" "$3" "${4:-}"
}
echo
echo "$(date -u +%F), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end;" \
  "hey -c $C for ${HTTP_SECONDS}s${HTTP_BODY:+ (POST of $(wc -c < "$HTTP_BODY") bytes)}, pgbench -c $PG_C -j 2 -T $PG_SECONDS (-C: 5 s), $ROUNDS rounds;" \
  "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), pgbouncer $(pgbouncer --version | awk 'NR==1 {print $2}')," \
  "nginx $(nginx -v 2>&1 | cut -d/ -f2)${mitm_pid:+, mitmproxy $mitm_version}"
echo "sidecar flags: ${JVM_FLAGS/$work\//}"
echo
echo "| Figure | Rounds | Median | Target |"
echo "| --- | --- | --- | --- |"
row "HTTPS req/s, keyrelay / nginx reverse proxy" "$(ratio keyrelay_rps nginx_rps)" x ">= 1.0x"
row "HTTPS CPU per request, keyrelay / nginx" "$(ratio keyrelay_cpu nginx_cpu)" x "<= 1.0x"
row "HTTPS CPU per request, keyrelay / nginx with an access-log line" "$(ratio keyrelay_cpu nginx_log_cpu)" x ""
row "HTTPS req/s, keyrelay / direct" "$(ratio keyrelay_rps direct_rps)" x ""
row "HTTPS req/s, nginx / direct" "$(ratio nginx_rps direct_rps)" x ""
if [ -n "$mitm_pid" ]; then
  row "HTTPS req/s, mitmproxy / direct" "$(ratio mitm_rps direct_rps)" x ""
  row "HTTPS req/s, keyrelay / mitmproxy" "$(ratio keyrelay_rps mitm_rps)" x ""
fi
row "HTTPS req/s, keyrelay / Netty floor" "$(ratio keyrelay_rps floor_rps)" x ""
row "HTTPS CPU per request, keyrelay / Netty floor" "$(ratio keyrelay_cpu floor_cpu)" x ""
row "HTTPS CPU per request, Netty floor / nginx" "$(ratio floor_cpu nginx_cpu)" x ""
row "HTTPS CPU per request outside the JIT compiler, keyrelay / nginx" "$(ratio keyrelay_net nginx_cpu)" x ""
row "HTTPS CPU per request outside the JIT compiler, keyrelay / Netty floor" "$(ratio keyrelay_net floor_net)" x ""
row "HTTPS req/s direct" "${fig[direct_rps]}" "" ""
row "HTTPS CPU per request, keyrelay" "${fig[keyrelay_cpu]}" " us" ""
row "HTTPS CPU per request, nginx" "${fig[nginx_cpu]}" " us" ""
row "HTTPS CPU per request, nginx with an access-log line" "${fig[nginx_log_cpu]}" " us" ""
row "HTTPS CPU per request, Netty floor" "${fig[floor_cpu]}" " us" ""
row "HTTPS CPU per request in the JIT compiler, keyrelay" "${fig[keyrelay_jit]}" " us" ""
row "HTTPS CPU per request in the JIT compiler, Netty floor" "${fig[floor_jit]}" " us" ""
[ -z "$mitm_pid" ] || row "HTTPS CPU per request, mitmproxy" "${fig[mitm_cpu]}" " us" ""
row "pgbench -S tps, listener / pgbouncer" "$(ratio listener_tps pgbouncer_tps)" x ">= 1.0x"
row "pgbench -S tps, listener / direct" "$(ratio listener_tps pg_direct_tps)" x ""
row "pgbench -S CPU per transaction, listener / pgbouncer" "$(ratio listener_cpu pgbouncer_cpu)" x ""
row "pgbench -S CPU per transaction outside the JIT compiler, listener / pgbouncer" "$(ratio listener_net pgbouncer_cpu)" x ""
row "pgbench -S CPU per transaction, listener" "${fig[listener_cpu]}" " us" ""
row "pgbench -S CPU per transaction in the JIT compiler, listener" "${fig[listener_jit]}" " us" ""
row "pgbench -S CPU per transaction, pgbouncer" "${fig[pgbouncer_cpu]}" " us" ""
row "pgbench -S -C tps, listener / direct" "$(ratio pgc_listener_tps pgc_direct_tps)" x ""
row "pgbench -S -C tps, listener / pgbouncer" "$(ratio pgc_listener_tps pgc_bouncer_tps)" x ""
row "pgbench -C connect time, listener" "${fig[pgc_listener_conn]}" " ms" ""
row "pgbench -C connect time, direct" "${fig[pgc_direct_conn]}" " ms" ""
row "pgbench -C CPU per connection + transaction, listener" "${fig[pgc_listener_cpu]}" " us" ""
row "ready, launch to /readyz 200 (5 starts)" "${ready_runs[*]}" " ms" "<= 500 ms"
row "Netty floor: launch to accepting (5 starts)" "${floor_ready_runs[*]}" " ms" ""
echo "| idle RSS, 10 s after ready | | **$idle_rss** | <= 64 MB |"
echo "| Netty floor idle RSS | | $floor_idle_rss | |"
echo "| idle CPU, ms per second | | $idle_cpu ms | |"
echo "| RSS after the rounds | | $loaded_rss MB | |"
echo "| added latency p50, one kept-alive connection (curl) | | $((lat_proxy - lat_direct)) us | |"
echo "| new-host certificate mint: histogram / CONNECT to 200 | | $mint_histogram / $mint_client | |"
echo "| SSE event delay, ms | | ${sse:-?} | p99 <= 1 ms |"
if [ -n "$b" ]; then
  echo
  echo "candidate B: ${B_JAR} ${B_FLAGS/$work\//}"
  echo
  echo "| B against the sidecar above | Rounds | Median |"
  echo "| --- | --- | --- |"
  row "HTTPS req/s, B / A" "$(ratio b_rps keyrelay_rps)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "HTTPS CPU per request, B / A" "$(ratio b_cpu keyrelay_cpu)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "HTTPS CPU per request, B" "${fig[b_cpu]}" " us" | cut -d'|' -f1-4 | sed 's/$/|/'
  row "HTTPS CPU per request outside the JIT compiler, B / A" "$(ratio b_net keyrelay_net)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "HTTPS CPU per request, B / A, both under load at once" "$(ratio paired_b_cpu paired_a_cpu)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "HTTPS CPU per request outside the JIT compiler, B / A, both under load at once" "$(ratio paired_b_net paired_a_net)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "pgbench -S tps, B / A" "$(ratio b_listener_tps listener_tps)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  row "pgbench -S CPU per transaction, B / A" "$(ratio b_listener_cpu listener_cpu)" x | cut -d'|' -f1-4 | sed 's/$/|/'
  echo "| idle RSS, B | | $b_idle_rss |"
fi
