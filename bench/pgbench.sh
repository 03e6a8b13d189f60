#!/usr/bin/env bash
# Benchmark (not a test): pgbench through a keyrelay PostgreSQL listener, through pgbouncer (the
# yardstick, session mode) and straight to the server, in one run, on loopback, interleaved. The
# server authenticates the role with scram-sha-256; through the listener and through pgbouncer the
# client sends no password and the proxy logs in with the real one. The sidecar runs with the
# image's JVM flags and the memory of a pod with the injector's default limit.
#   -S : select-only transactions over long-lived connections (relay overhead)
#   -C : a new connection per transaction (startup + SCRAM login cost per connection)
# Usage: bench/pgbench.sh [seconds per run] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-20}
C=${2:-8}
work=$(mktemp -d)
chmod 777 "$work"

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pgbench >/dev/null \
    || ! command -v pgbouncer >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib pgbouncer
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -f sidecar/target/keyrelay-sidecar.jar ] || mvn -B -q package -DskipTests

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port); LISTEN_PORT=$(free_port); PROXY_PORT=$(free_port); ADMIN_PORT=$(free_port)
BOUNCER_PORT=$(free_port)
PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

cleanup() {
  [ -n "${sidecar_pid:-}" ] && kill "$sidecar_pid" 2>/dev/null || true
  [ -f "$work/pgbouncer.pid" ] && kill "$(cat "$work/pgbouncer.pid")" 2>/dev/null || true
  as_pg "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$work/data" -U bench_admin --auth=trust --no-sync >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$work'
max_connections = 100
password_encryption = 'scram-sha-256'
CONF
cat > "$work/data/pg_hba.conf" <<HBA
local all all trust
host all bench_admin 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w start >/dev/null
psql -q -h 127.0.0.1 -p "$PG_PORT" -U bench_admin -d postgres \
  -c "CREATE ROLE bench LOGIN PASSWORD '$PASSWORD'" -c "CREATE DATABASE bench OWNER bench"
PGPASSWORD="$PASSWORD" pgbench -q -i -s 10 -h 127.0.0.1 -p "$PG_PORT" -U bench bench >/dev/null 2>&1

printf '%s' "$PASSWORD" > "$work/password"
cat > "$work/keyrelay.yaml" <<YAML
proxy: { listen: "127.0.0.1:$PROXY_PORT" }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
ca: { dir: ca }
listeners:
  - name: bench
    postgres:
      listen: "127.0.0.1:$LISTEN_PORT"
      upstream: { host: 127.0.0.1, port: $PG_PORT, sslMode: disable }
      user: bench
    secret: { file: password }
YAML
MALLOC_ARENA_MAX=2 java @sidecar/jvm.options -XX:MaxRAM=256m -jar sidecar/target/keyrelay-sidecar.jar \
  --config "$work/keyrelay.yaml" > "$work/sidecar.log" 2>&1 &
sidecar_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null && break; sleep 0.1; done

# The yardstick: pgbouncer in session mode, one process as the sidecar is, logging in to the server
# with the password from its connection string; clients on loopback are trusted, as the listener
# trusts the pod's own processes.
cat > "$work/pgbouncer.ini" <<INI
[databases]
bench = host=127.0.0.1 port=$PG_PORT dbname=bench user=bench password=$PASSWORD
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $work/userlist.txt
pool_mode = session
max_client_conn = 200
default_pool_size = 50
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
INI
echo '"bench" ""' > "$work/userlist.txt"
chmod 644 "$work/pgbouncer.ini" "$work/userlist.txt"
as_pg pgbouncer -d "$work/pgbouncer.ini"
for _ in $(seq 50); do [ -f "$work/pgbouncer.pid" ] && break; sleep 0.1; done
bouncer_pid=$(cat "$work/pgbouncer.pid")

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

# run NAME PORT PASSWORD ARGS...: prints "tps conn_ms lat_ms"
run() {
  local port=$1 password=$2; shift 2
  local out
  out=$(PGPASSWORD="$password" PGSSLMODE=disable pgbench -n -h 127.0.0.1 -p "$port" -U bench \
    -c "$C" -j 2 -T "$T" "$@" bench 2>&1)
  local tps conn lat
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  conn=$(sed -n 's/^average connection time = \([0-9.]*\) ms/\1/p' <<<"$out")
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
  echo "${tps:-?} ${conn:-?} ${lat:-?}"
}

# Warm up every path (JIT, SCRAM key cache) before measuring.
run "$LISTEN_PORT" "" -S -T 5 >/dev/null
run "$BOUNCER_PORT" "" -S -T 3 >/dev/null
run "$PG_PORT" "$PASSWORD" -S -T 3 >/dev/null

# The machine is shared: interleave the -S runs and report each pair and the median ratio.
echo "pgbench -S -c $C -j 2 -T $T (scale 10), PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-28s %12s %12s %14s\n' "" "tps" "latency ms" "connect ms"
ratios=(); bouncer_ratios=(); cpu_ratios=()
for round in 1 2 3; do
  read -r d_tps d_conn d_lat < <(run "$PG_PORT" "$PASSWORD" -S)
  before=$(cpu_ms "$sidecar_pid")
  read -r p_tps p_conn p_lat < <(run "$LISTEN_PORT" "" -S)
  p_cpu=$(awk -v a="$(cpu_ms "$sidecar_pid")" -v b="$before" -v t="$p_tps" -v s="$T" \
    'BEGIN { printf "%.1f", (a - b) * 1000 / (t * s) }')
  before=$(cpu_ms "$bouncer_pid")
  read -r b_tps b_conn b_lat < <(run "$BOUNCER_PORT" "" -S)
  b_cpu=$(awk -v a="$(cpu_ms "$bouncer_pid")" -v b="$before" -v t="$b_tps" -v s="$T" \
    'BEGIN { printf "%.1f", (a - b) * 1000 / (t * s) }')
  printf '%-28s %12s %12s %14s\n' "-S direct ($round)" "$d_tps" "$d_lat" "$d_conn"
  printf '%-28s %12s %12s %14s %8s us CPU/tx\n' "-S via listener ($round)" "$p_tps" "$p_lat" "$p_conn" "$p_cpu"
  printf '%-28s %12s %12s %14s %8s us CPU/tx\n' "-S via pgbouncer ($round)" "$b_tps" "$b_lat" "$b_conn" "$b_cpu"
  ratios+=("$(awk -v a="$p_tps" -v b="$d_tps" 'BEGIN { printf "%.2f", a / b }')")
  bouncer_ratios+=("$(awk -v a="$p_tps" -v b="$b_tps" 'BEGIN { printf "%.2f", a / b }')")
  cpu_ratios+=("$(awk -v a="$p_cpu" -v b="$b_cpu" 'BEGIN { printf "%.2f", a / b }')")
done
read -r dc_tps dc_conn dc_lat < <(run "$PG_PORT" "$PASSWORD" -S -C)
read -r pc_tps pc_conn pc_lat < <(run "$LISTEN_PORT" "" -S -C)
read -r bc_tps bc_conn bc_lat < <(run "$BOUNCER_PORT" "" -S -C)
printf '%-28s %12s %12s %14s\n' "-S -C direct" "$dc_tps" "$dc_lat" "$dc_conn"
printf '%-28s %12s %12s %14s\n' "-S -C via listener" "$pc_tps" "$pc_lat" "$pc_conn"
printf '%-28s %12s %12s %14s\n' "-S -C via pgbouncer" "$bc_tps" "$bc_lat" "$bc_conn"
median() { sort -n | sed -n 2p; }
echo "-S     listener/direct tps per round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | median)x"
echo "-S     listener/pgbouncer tps per round: ${bouncer_ratios[*]}; median $(printf '%s\n' "${bouncer_ratios[@]}" | median)x"
echo "-S     listener/pgbouncer CPU per transaction: ${cpu_ratios[*]}; median $(printf '%s\n' "${cpu_ratios[@]}" | median)x"
awk -v a="$pc_tps" -v b="$dc_tps" -v c="$bc_tps" \
  'BEGIN { printf "-S -C  listener/direct tps: %.2fx, listener/pgbouncer: %.2fx\n", a / b, a / c }'
awk -v a="$pc_conn" -v b="$dc_conn" 'BEGIN { printf "-S -C  connect time via listener minus direct: %.2f ms\n", a - b }'
echo "load after: $(cut -d' ' -f1 /proc/loadavg)"
if grep -q "$PASSWORD" "$work/sidecar.log"; then echo "ERROR: the password appears in the sidecar log"; exit 1; fi
