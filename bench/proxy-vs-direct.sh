#!/usr/bin/env bash
# Benchmark (not a test): requests/s and latency of the sidecar vs going direct, on loopback.
# Upstream: nginx over TLS returning a small body. Client: hey, with keep-alive: direct, through the
# sidecar's CONNECT interception (credential injected on every request), and through a second nginx
# process as a TLS reverse proxy adding a header (the yardstick), in ROUNDS interleaved rounds.
# Also reports: CPU per request of each proxy, time to /readyz after start, idle RSS, and per-host
# certificate mint time.
# Usage: [ROUNDS=3] bench/proxy-vs-direct.sh [requests] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40000}
C=${2:-16}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; for conf in nginx.conf rp/nginx.conf; do
  nginx -p "$work" -c "$conf" -s stop 2>/dev/null || true; done; rm -rf "$work"' EXIT

for tool in hey nginx openssl; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq hey nginx openssl; break; }
done
[ -f sidecar/target/keyrelay-sidecar.jar ] || mvn -B -q package -DskipTests

# A private CA and a localhost certificate for the upstream.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=bench CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 1 -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null

mkdir -p "$work/logs" "$work/rp/logs"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:18443 ssl;
    ssl_certificate $work/server.pem;
    ssl_certificate_key $work/server.key;
    location / { return 200 '{"ok":true}'; }
  }
}
NGINX
# The yardstick: nginx as a TLS reverse proxy in front of the same upstream, adding a header. Its
# own process, as the sidecar is: one nginx worker serving both would pass requests to itself
# without waking another process, which flattered it.
cat > "$work/rp/nginx.conf" <<NGINX
worker_processes 1;
pid $work/rp/nginx.pid;
error_log $work/rp/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream origin { server 127.0.0.1:18443; keepalive 32; }
  server {
    listen 127.0.0.1:18444 ssl;
    ssl_certificate $work/server.pem;
    ssl_certificate_key $work/server.key;
    location / {
      proxy_pass https://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header x-api-key bench-secret;
      proxy_ssl_server_name on;
      proxy_ssl_name localhost;
    }
  }
}
NGINX
nginx -p "$work" -c nginx.conf
nginx -p "$work" -c rp/nginx.conf

# The config lives in its own directory: the sidecar watches that directory for edits.
mkdir -p "$work/cfg"
cp "$work/ca.pem" "$work/cfg/ca.pem"
{
  cat <<YAML
proxy: { listen: "127.0.0.1:16790" }
admin: { listen: "127.0.0.1:19090" }
ca: { dir: ../ca }
routes:
  - name: bench
    match: { host: localhost, port: 18443 }
    upstream: { caFile: ca.pem }
    auth: { type: header, headerName: x-api-key }
    secret: { env: BENCH_API_KEY }
YAML
  # Routed hosts that are never called, only CONNECTed to: each costs one certificate mint.
  for i in $(seq 1 300); do
    printf '  - name: mint-%d\n    match: { host: m%d.mint.test }\n' "$i" "$i"
    printf '    auth: { type: header, headerName: x-api-key }\n    secret: { env: BENCH_API_KEY }\n'
  done
} > "$work/cfg/keyrelay.yaml"

# The JVM as the sidecar image runs it (Dockerfile.sidecar): its jvm.options, a class-data-sharing
# archive trained the same way, glibc limited to two malloc arenas, and the memory a pod with the
# injector's default limit (256Mi) shows the JVM.
export MALLOC_ARENA_MAX=2
java -XX:ArchiveClassesAtExit="$work/sidecar.jsa" @sidecar/jvm.options \
  -jar sidecar/target/keyrelay-sidecar.jar --config sidecar/cds-training.yaml --exit-when-ready >/dev/null
JVM_FLAGS=${JVM_FLAGS:-@sidecar/jvm.options -XX:SharedArchiveFile=$work/sidecar.jsa -XX:MaxRAM=256m}
# Time to ready: five starts, the median; the last sidecar stays up for the load.
ready_runs=()
for attempt in 1 2 3 4 5; do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  BENCH_API_KEY=bench-secret java $JVM_FLAGS -jar sidecar/target/keyrelay-sidecar.jar \
    --config "$work/cfg/keyrelay.yaml" > "$work/sidecar.log" 2>&1 &
  sidecar=$!
  until curl -sf http://127.0.0.1:19090/readyz >/dev/null 2>&1; do sleep 0.005; done
  ready_runs+=($(( ($(date +%s%N) - start) / 1000000 )))
  if [ "$attempt" -lt 5 ]; then kill $sidecar; wait $sidecar 2>/dev/null || true; fi
done
ready_ms=$(printf '%s\n' "${ready_runs[@]}" | sort -n | sed -n 3p)
# Idle: ten seconds after ready, past the sidecar's post-start collection and a native heap trim.
sleep 10
rss_kb=$(ps -o rss= -p $sidecar | tr -d ' ')
rss_anon_kb=$(awk '/^RssAnon/ {print $2}' /proc/$sidecar/status)
rss_file_kb=$(awk '/^RssFile/ {print $2}' /proc/$sidecar/status)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_request() { # label, ticks: CPU microseconds per request
  awk -v l="$1" -v t="$2" -v n="$N" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%s_cpu_us_per_request=%.1f\n", l, t * 1e6 / hz / n}'
}
run() { # label, pid of the proxy or -, hey args...: req/s and CPU per request of proxy and upstream
  local label=$1 pid=$2; shift 2
  local before=0 upstream_before
  [ "$pid" = - ] || before=$(cpu_ticks "$pid")
  upstream_before=$(cpu_ticks "$upstream_worker")
  hey -n "$N" -c "$C" "$@" > "$work/$label.txt"
  awk -v l="$label" '/Requests\/sec/ {printf "%s_rps=%s\n", l, $2}' "$work/$label.txt"
  [ "$pid" = - ] || per_request "$label" $(( $(cpu_ticks "$pid") - before ))
  per_request "${label}_upstream" $(( $(cpu_ticks "$upstream_worker") - upstream_before ))
}
lat() { # label, curl args... : 2000 HTTP/1.1 requests on one kept-alive connection; p50 of the
  # last 1800 in microseconds (curl's timings have microsecond resolution, hey's only 100 us)
  local label=$1; shift
  # shellcheck disable=SC2046
  curl -s --http1.1 -w '%{time_total}\n' "$@" \
    $(for _ in $(seq 2000); do echo -n "-o /dev/null https://localhost:18443/ "; done) \
    | tail -n +201 | sort -n | awk -v l="$label" '{t[NR]=$1} END {printf "%s_p50_us=%.0f\n", l, t[int(NR/2)]*1e6}'
}
# Warm both paths before measuring, as a sidecar spends its life warm: rounds of proxied load
# until a round adds under 0.15 s of JIT compile time (jstat); 150k-400k requests on 2 cores.
# Measured while the JIT still compiles, the proxy shares the cores with the compiler threads.
hey -n 20000 -c "$C" https://localhost:18443/ >/dev/null
compiled=0
for round in $(seq 1 10); do
  hey -n 50000 -c "$C" -x http://127.0.0.1:16790 https://localhost:18443/ >/dev/null
  now=$(jstat -compiler $sidecar | awk 'NR==2 {print $4}')
  settled=$(awk -v a="$now" -v b="$compiled" 'BEGIN {print (a - b < 0.15) ? 1 : 0}')
  compiled=$now
  [ "$settled" = 1 ] && break
done
echo "warm_up_rounds=$round (50000 requests each)"
hey -n 20000 -c "$C" https://localhost:18444/ >/dev/null
# Interleaved rounds: the machine's speed drifts, so each round's ratios use that round's direct.
rp_worker=$(pgrep -P "$(cat "$work/rp/nginx.pid")")
upstream_worker=$(pgrep -P "$(cat "$work/nginx.pid")")
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  results=$( { run direct - https://localhost:18443/
    run proxy "$sidecar" -x http://127.0.0.1:16790 https://localhost:18443/
    run nginx_rp "$rp_worker" https://localhost:18444/; } )
  eval "$results"
  echo "round $round: $(echo $results)"
  ratios+=("$(awk -v p="$proxy_rps" -v n="$nginx_rp_rps" -v d="$direct_rps" \
    -v pc="$proxy_cpu_us_per_request" -v nc="$nginx_rp_cpu_us_per_request" \
    'BEGIN {printf "%.2f %.2f %.2f", p/d, n/d, pc/nc}')")
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "ratio_proxy_vs_direct=$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f1 | median)" \
  "(rounds: $(printf '%s\n' "${ratios[@]}" | cut -d' ' -f1 | tr '\n' ' '))"
echo "ratio_nginx_reverse_proxy_vs_direct=$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f2 | median)" \
  "(rounds: $(printf '%s\n' "${ratios[@]}" | cut -d' ' -f2 | tr '\n' ' '))"
# CPU per request is steadier than req/s on a shared machine: the sidecar's against nginx's.
echo "cpu_proxy_vs_nginx_reverse_proxy=$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f3 | median)" \
  "(rounds: $(printf '%s\n' "${ratios[@]}" | cut -d' ' -f3 | tr '\n' ' '))"
results=$( { lat direct_c1 --cacert "$work/ca.pem"
  lat proxy_c1 -x http://127.0.0.1:16790 --cacert "$work/ca/ca-bundle.crt"; } )
eval "$results"
echo "$results"
awk -v p="$proxy_c1_p50_us" -v d="$direct_c1_p50_us" \
  'BEGIN {printf "added_latency_p50_us=%.0f\n", p-d}'
echo "ready_after_start_ms=$ready_ms (median of ${ready_runs[*]})"
echo "idle_rss_mb=$((rss_kb / 1024))"
# Of that, anonymous memory is the sidecar's own; file-backed pages (the JVM's libraries) are shared
# by every sidecar on a node that runs the same image.
echo "idle_rss_anon_mb=$((rss_anon_kb / 1024)) idle_rss_file_mb=$((rss_file_kb / 1024))"
echo "loaded_rss_mb=$(( $(ps -o rss= -p $sidecar | tr -d ' ') / 1024 ))"

# New-host mint time: CONNECT to 300 routed hosts the sidecar has never seen; the 200 comes only
# after the certificate is minted. Timed by the client (CONNECT sent to 200 received, which also
# covers one loopback round trip) and from the sidecar's own histogram (coarse buckets).
python3 - <<'PY'
import socket, statistics, time
took = []
for i in range(1, 301):
    s = socket.create_connection(("127.0.0.1", 16790))
    start = time.perf_counter()
    s.sendall(f"CONNECT m{i}.mint.test:443 HTTP/1.1\r\nHost: m{i}.mint.test:443\r\n\r\n".encode())
    assert s.recv(64).startswith(b"HTTP/1.1 200"), i
    took.append((time.perf_counter() - start) * 1000)
    s.close()
took.sort()
print(f"mint_connect_p50_ms={statistics.median(took):.3f} p90_ms={took[int(len(took) * 0.9)]:.3f}")
PY
curl -s http://127.0.0.1:19090/metrics | awk '
  /^keyrelay_certificates_mint_duration_seconds_count/ {count=$2}
  /^keyrelay_certificates_mint_duration_seconds_bucket/ {
    match($0, /le="[^"]+"/); le=substr($0, RSTART+4, RLENGTH-5); les[n]=le; cum[n]=$2; n++ }
  END { for (i=0;i<n;i++) if (cum[i] >= count/2) { printf "mint_p50_ms<=%.3f (of %d mints)\n", les[i]*1000, count; exit } }'
grep -c '"decision":"injected"' "$work/sidecar.log" | sed 's/^/audited_injections=/'
if grep -q bench-secret "$work/sidecar.log"; then echo "SECRET LEAKED INTO LOG"; exit 1; fi
kill $sidecar
