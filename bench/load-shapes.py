#!/usr/bin/env python3
"""Benchmark (not a test): the sidecar's memory under the load shapes a pod meets, and SSE delay.

Runs the packaged sidecar as the image runs it (its jvm.options, two malloc arenas) with the memory
a pod with the injector's default limit shows the JVM (-XX:MaxRAM=256m), in front of a TLS
upstream of this script's own, and drives it through CONNECT interception (credential injected):

  idle        fifteen seconds after ready, with the CPU it spent in the last ten
  tunnels     2,000 intercepted tunnels, each after one request, held open and idle
  concurrent  1,000 connections sending requests at once (20 each)
  upload      one 200 MB request body, streamed
  sse         300 server-sent events 20 ms apart: the delay from the upstream writing an event to
              the client reading it (both stamp CLOCK_MONOTONIC, which the processes share): a new
              sidecar's first stream; the first after 20,000 requests (hey); then, warm (two
              streams under request load), three rounds of a stream each direct, through nginx as
              an unbuffered TLS reverse proxy (when installed) and through the sidecar

For each shape it prints the sidecar's peak RSS (VmHWM, reset before the shape) against 80 % of the
limit, and the JVM's heap and direct memory from /metrics. Usage:
  bench/load-shapes.py [--limit-mb 256] [--jvm-flags "..."] [--shapes idle,tunnels,...]
"""

import argparse
import asyncio
import os
import pathlib
import re
import resource
import shutil
import signal
import socket
import statistics
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
JAR = ROOT / "sidecar" / "target" / "keyrelay-sidecar.jar"
HOST = "localhost"
SECRET = "bench-load-secret-9f1e"
SSE_EVENTS = 300
SSE_ROUNDS = 3


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_pki(work):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "1", "-subj", "/CN=bench CA", "-keyout", f"{work}/ca.key", "-out", f"{work}/ca.pem")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=localhost", "-keyout", f"{work}/server.key", "-out", f"{work}/server.csr")
    pathlib.Path(f"{work}/ext").write_text("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", f"{work}/server.csr", "-CA", f"{work}/ca.pem", "-CAkey",
            f"{work}/ca.key", "-CAcreateserial", "-days", "1", "-extfile", f"{work}/ext",
            "-out", f"{work}/server.pem")


# --- the upstream: keep-alive HTTP/1.1 over TLS; /sse streams events, anything else answers "ok"
# after reading the body it was sent.

async def upstream_connection(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
            if headers.get("x-api-key") != SECRET:
                writer.write(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
                continue
            remaining = int(headers.get("content-length", "0"))
            while remaining:
                chunk = await reader.read(min(remaining, 1 << 20))
                if not chunk:
                    return
                remaining -= len(chunk)
            if path == "/sse":
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                             b"transfer-encoding: chunked\r\n\r\n")
                for _ in range(SSE_EVENTS):
                    event = f"data: {time.monotonic_ns()}\n\n".encode()
                    writer.write(b"%x\r\n%s\r\n" % (len(event), event))
                    await writer.drain()
                    await asyncio.sleep(0.02)
                writer.write(b"0\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.CancelledError, ConnectionError, ssl.SSLError):
        pass  # the client went away, or the benchmark is over
    finally:
        writer.close()


# --- the agent side

class Agent:
    def __init__(self, proxy_port, ca_bundle, upstream_port):
        self.proxy_port = proxy_port
        self.upstream_port = upstream_port
        self.context = ssl.create_default_context(cafile=ca_bundle)

    async def tunnel(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.proxy_port)
        authority = f"{HOST}:{self.upstream_port}"
        writer.write(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
        await writer.drain()
        answer = await reader.readuntil(b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200"), answer
        await writer.start_tls(self.context, server_hostname=HOST)
        return reader, writer

    async def request(self, reader, writer, path="/", body_size=0, chunk=1 << 20):
        writer.write(f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nx-api-key: placeholder\r\n"
                     f"content-length: {body_size}\r\n\r\n".encode())
        block = b"x" * chunk
        sent = 0
        while sent < body_size:
            n = min(chunk, body_size - sent)
            writer.write(block[:n])
            await writer.drain()
            sent += n
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"content-length: *(\d+)", head, re.I).group(1))
        await reader.readexactly(length)
        assert head.startswith(b"HTTP/1.1 200"), head


async def sse_delays(reader, writer, key):
    """Milliseconds from the upstream writing each event to this client reading it, sorted."""
    writer.write(f"GET /sse HTTP/1.1\r\nHost: {HOST}\r\nx-api-key: {key}\r\n\r\n".encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    # A proxy may cut the stream into other chunks than the upstream wrote: events are read from
    # the de-chunked bytes, each stamped when its last byte arrives.
    delays, pending = [], b""
    while len(delays) < SSE_EVENTS:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        pending += (await reader.readexactly(size + 2))[:-2]
        now = time.monotonic_ns()
        while b"\n\n" in pending:
            event, pending = pending.split(b"\n\n", 1)
            delays.append((now - int(event.removeprefix(b"data: "))) / 1e6)
    writer.close()
    return sorted(delays)


def vm(pid, field):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


def reset_peak(pid):
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")


def cpu_ns(pid):
    """CPU time of a process's threads outside the JIT compilers (as bench/run.sh counts it)."""
    total = 0
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            if not (task / "comm").read_text().startswith(("C1 CompilerThre", "C2 CompilerThre")):
                total += int((task / "schedstat").read_text().split()[0])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return total


def jvm_memory(admin_port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=5).read().decode()
    def total(pattern):
        return sum(float(m.group(1)) for m in re.finditer(pattern, text, re.M)) / 2**20
    heap = total(r'^jvm_memory_used_bytes\{area="heap"[^}]*\} (\S+)')
    direct = total(r'^jvm_buffer_memory_used_bytes\{id="direct"[^}]*\} (\S+)')
    netty = total(r'^netty_allocator_memory_used\{[^}]*memory_type="direct"[^}]*\} (\S+)')
    return heap, max(direct, netty)


def report(name, pid, admin_port, limit_mb, extra=""):
    peak = vm(pid, "VmHWM")
    heap, direct = jvm_memory(admin_port)
    verdict = "ok" if peak <= 0.8 * limit_mb else "OVER"
    print(f"{name:11s} peak_rss_mb={peak:4d} ({peak / limit_mb:4.0%} of {limit_mb} MB, {verdict})"
          f" heap_used_mb={heap:5.1f} direct_mb={direct:5.1f} {extra}", flush=True)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit-mb", type=int, default=256)
    parser.add_argument("--jvm-flags", default=f"@{ROOT}/sidecar/jvm.options")
    parser.add_argument("--shapes", default="idle,tunnels,concurrent,upload,sse",
                        help="which shapes to run, comma-separated (bench/run.sh takes only sse)")
    args = parser.parse_args()
    shapes = set(args.shapes.split(","))
    # Both ends of 2,000 tunnels live in this process.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if not JAR.exists():
        sys.exit(f"{JAR} is missing: run mvn -B package -DskipTests first")
    # Connections cut at the end of each shape are expected; their tracebacks are noise.
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
    work = tempfile.mkdtemp(prefix="keyrelay-load-")
    sidecar = None
    try:
        make_pki(work)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(f"{work}/server.pem", f"{work}/server.key")
        upstream = await asyncio.start_server(upstream_connection, "127.0.0.1", 0, ssl=server_tls,
                                              backlog=4096)
        upstream_port = upstream.sockets[0].getsockname()[1]
        proxy_port, admin_port = 26790, 29091
        config = pathlib.Path(work, "cfg")
        config.mkdir()
        shutil.copy(f"{work}/ca.pem", config / "ca.pem")
        (config / "keyrelay.yaml").write_text(f"""\
proxy: {{ listen: "127.0.0.1:{proxy_port}", maxConnections: 4096 }}
admin: {{ listen: "127.0.0.1:{admin_port}" }}
ca: {{ dir: ../ca }}
routes:
  - name: bench
    match: {{ host: {HOST}, port: {upstream_port} }}
    upstream: {{ caFile: ca.pem }}
    auth: {{ type: header, headerName: x-api-key }}
    secret: {{ env: BENCH_SECRET }}
""")
        env = dict(os.environ, BENCH_SECRET=SECRET, MALLOC_ARENA_MAX="2")
        command = ["java", *args.jvm_flags.split(), f"-XX:MaxRAM={args.limit_mb}m", "-jar", str(JAR),
                   "--config", str(config / "keyrelay.yaml")]
        log = open(f"{work}/sidecar.log", "w")
        sidecar = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/readyz", timeout=1)
                break
            except OSError:
                if time.time() > deadline or sidecar.poll() is not None:
                    sys.exit(f"sidecar not ready:\n{pathlib.Path(work, 'sidecar.log').read_text()}")
                await asyncio.sleep(0.05)
        pid = sidecar.pid
        print(f"flags: {' '.join(command[1:-4])}")
        agent = Agent(proxy_port, f"{work}/ca/ca-bundle.crt", upstream_port)

        if "idle" in shapes:
            await asyncio.sleep(5)
            before = cpu_ns(pid)
            await asyncio.sleep(10)
            reset_peak(pid)
            report("idle", pid, admin_port, args.limit_mb,
                   f"cpu_ms_per_s={(cpu_ns(pid) - before) / 10e6:.2f}")
        if "tunnels" in shapes:
            await tunnels_shape(agent, pid, admin_port, args.limit_mb)
        if "concurrent" in shapes:
            await concurrent_shape(agent, pid, admin_port, args.limit_mb)
        if "upload" in shapes:
            await upload_shape(agent, pid, admin_port, args.limit_mb)
        if "sse" in shapes:
            await sse_shape(agent, pid, admin_port, args.limit_mb, work, upstream_port)
        if SECRET in pathlib.Path(work, "sidecar.log").read_text():
            sys.exit("SECRET LEAKED INTO THE LOG")
    finally:
        if sidecar is not None:
            sidecar.send_signal(signal.SIGTERM)
            sidecar.wait(20)
        shutil.rmtree(work, ignore_errors=True)


async def tunnels_shape(agent, pid, admin_port, limit_mb):
    reset_peak(pid)
    tunnels = []
    for start in range(0, 2000, 100):
        opened = await asyncio.gather(*(agent.tunnel() for _ in range(100)))
        await asyncio.gather(*(agent.request(r, w) for r, w in opened))
        tunnels.extend(opened)
    await asyncio.sleep(2)
    report("tunnels", pid, admin_port, limit_mb, f"open={len(tunnels)}")
    for _, writer in tunnels:
        writer.close()
    await asyncio.sleep(2)


async def concurrent_shape(agent, pid, admin_port, limit_mb):
    reset_peak(pid)
    async def client():
        reader, writer = await agent.tunnel()
        for _ in range(20):
            await agent.request(reader, writer, body_size=256)
        writer.close()
    began = time.monotonic()
    await asyncio.gather(*(client() for _ in range(1000)))
    report("concurrent", pid, admin_port, limit_mb,
           f"requests=20000 in {time.monotonic() - began:.1f}s")


async def upload_shape(agent, pid, admin_port, limit_mb):
    reset_peak(pid)
    reader, writer = await agent.tunnel()
    began = time.monotonic()
    await agent.request(reader, writer, path="/upload", body_size=200 * 2**20)
    report("upload", pid, admin_port, limit_mb,
           f"200MB in {time.monotonic() - began:.1f}s")
    writer.close()


async def sse_shape(agent, pid, admin_port, limit_mb, work, upstream_port):
    reset_peak(pid)
    direct_tls = ssl.create_default_context(cafile=f"{work}/ca.pem")

    async def direct():
        return await sse_delays(*await asyncio.open_connection(
            "127.0.0.1", upstream_port, ssl=direct_tls, server_hostname=HOST), SECRET)

    async def proxied():
        return await sse_delays(*await agent.tunnel(), "placeholder")

    async def through_nginx():
        return await sse_delays(*await asyncio.open_connection(
            "127.0.0.1", nginx_port, ssl=direct_tls, server_hostname=HOST), "placeholder")

    async def requests(count):
        if shutil.which("hey"):
            hey = await asyncio.create_subprocess_exec(
                "hey", "-n", str(count), "-c", "16", "-x", f"http://127.0.0.1:{agent.proxy_port}",
                f"https://{HOST}:{upstream_port}/", stdout=asyncio.subprocess.DEVNULL)
            await hey.wait()

    # A new sidecar's first stream runs its streaming path in the interpreter and the first JIT tier.
    first = await proxied()
    # The first stream after requests only: the compiled request path meets branches it never took
    # and is deoptimized; at 50 events a second it takes minutes to compile again.
    await requests(20000)
    after_requests = await proxied()
    # Warm, as in a pod whose agent streams completions while it makes other calls: two streams
    # under request load, after which the compiled code has seen both.
    for _ in range(2):
        await asyncio.gather(proxied(), requests(40000))
    # Then rounds of direct, nginx (an unbuffered TLS reverse proxy, the yardstick) and the sidecar,
    # one stream each: the machine's own tail moves from minute to minute. Direct, one process
    # writes and reads its own loopback socket; through any proxy two other processes must wake.
    nginx_port = await nginx_reverse_proxy(work, upstream_port) if shutil.which("nginx") else None
    rounds = {"sidecar": [], "nginx": [], "direct": []}
    cpu = {"sidecar": [], "nginx": []}

    # Each proxy's CPU per event, its connection set-up included.
    async def measured(name, task_pid, stream):
        before = cpu_ns(task_pid)
        rounds[name].append(await stream)
        cpu[name].append((cpu_ns(task_pid) - before) / SSE_EVENTS / 1000)
    try:
        if nginx_port:
            master = pathlib.Path(work, "nginx.pid").read_text().strip()
            nginx_worker = int(subprocess.run(["pgrep", "-P", master], capture_output=True,
                                              text=True, check=True).stdout.split()[0])
        for _ in range(SSE_ROUNDS):
            rounds["direct"].append(await direct())
            if nginx_port:
                await measured("nginx", nginx_worker, through_nginx())
            await measured("sidecar", pid, proxied())
    finally:
        if nginx_port:
            subprocess.run(["nginx", "-p", work, "-c", "nginx.conf", "-s", "stop"], check=False)

    def warm(name):
        streams = rounds[name]
        if not streams:
            return ""
        per_event = f" cpu_us_per_event={statistics.median(cpu[name]):.0f}" if cpu.get(name) else ""
        return (f" {name} p50={statistics.median(p50(d) for d in streams):.3f}"
                f" p99={statistics.median(p99(d) for d in streams):.3f}"
                f" ({' '.join(f'{p99(d):.2f}' for d in streams)}){per_event};")
    report("sse", pid, admin_port, limit_mb,
           f"delay_ms warm, median of {SSE_ROUNDS} rounds:{warm('sidecar')}{warm('nginx')}{warm('direct')}"
           f" after requests only p50={p50(after_requests):.3f} p99={p99(after_requests):.3f};"
           f" first stream p50={p50(first):.3f} p99={p99(first):.3f}")


async def nginx_reverse_proxy(work, upstream_port):
    """nginx (one worker) in front of the upstream, setting the key, not buffering; its port."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    pathlib.Path(work, "logs").mkdir(exist_ok=True)
    pathlib.Path(work, "nginx.conf").write_text(f"""\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/logs/error.log;
events {{ worker_connections 64; }}
http {{ access_log off;
  server {{ listen 127.0.0.1:{port} ssl;
    ssl_certificate {work}/server.pem; ssl_certificate_key {work}/server.key;
    location / {{ proxy_pass https://127.0.0.1:{upstream_port}; proxy_http_version 1.1;
      proxy_buffering off; proxy_set_header Connection ""; proxy_set_header x-api-key {SECRET};
      proxy_ssl_server_name on; proxy_ssl_name {HOST}; }} }} }}
""")
    subprocess.run(["nginx", "-p", work, "-c", "nginx.conf"], check=True)
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return port
        except OSError:
            await asyncio.sleep(0.02)
    sys.exit("nginx did not start")


def p50(sorted_delays):
    return sorted_delays[len(sorted_delays) // 2]


def p99(sorted_delays):
    return sorted_delays[int(len(sorted_delays) * 0.99)]


if __name__ == "__main__":
    asyncio.run(main())
