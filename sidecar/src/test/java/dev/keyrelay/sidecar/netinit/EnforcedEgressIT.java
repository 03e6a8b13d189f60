package dev.keyrelay.sidecar.netinit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.NetworkNamespaces;
import dev.keyrelay.sidecar.testing.Prerequisites;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import io.netty.pkitesting.X509Bundle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforced egress for real: a "pod" network namespace whose rules come from the packaged jar's
 * {@code init-network}, the packaged sidecar in it running as one user and the agent's clients
 * (curl, Python, Node's fetch) as another, with no proxy variables at all, and an "internet"
 * namespace on the other end of a veth pair serving HTTPS with a test CA on ports 443 and 8443 and
 * HTTP on 80 for two names.
 */
class EnforcedEgressIT {

  private static final String API_KEY = "sk-real-enforced-egress-4d2c9e";
  private static final String POD_ADDRESS = "10.77.0.1";
  private static final String INTERNET_ADDRESS = "10.77.0.2";
  private static final String INTERNET_IPV6 = "fd00:77::2";
  private static final String NODE = "/usr/bin/node";
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path dir;
  static NetworkNamespaces namespaces;
  static String pod;
  static List<Path> opened = new ArrayList<>();
  static Process internet;
  static SidecarProcess sidecar;
  static int sidecarUid;
  static int agentUid;
  static Path upstreamLog;
  static Path sidecarCa;
  static Path upstreamCa;

  @BeforeAll
  static void start() throws Exception {
    Prerequisites.require(
        NetworkNamespaces.available(),
        "EnforcedEgressIT needs root and iproute2 to make network namespaces");
    for (String tool : List.of("iptables-restore", "setpriv", "curl", NODE, PYTHON)) {
      Prerequisites.require(
          Clients.run(List.of("sh", "-c", "command -v " + tool), Map.of()).exitCode() == 0,
          "EnforcedEgressIT needs " + tool + " (.ci/run installs iptables, iproute2, util-linux)");
    }
    sidecarUid = 200_000 + ThreadLocalRandom.current().nextInt(100_000);
    agentUid = sidecarUid + 1;
    openToOtherUsers(dir);

    namespaces = new NetworkNamespaces();
    pod = namespaces.create("krpod");
    String net = namespaces.create("krnet");
    namespaces.link(pod, POD_ADDRESS + "/30", net, INTERNET_ADDRESS + "/30");
    namespaces.addIpv6(pod, "fd00:77::1/64");
    namespaces.addIpv6(net, INTERNET_IPV6 + "/64");
    namespaces.hosts(pod, INTERNET_ADDRESS + " api.example.test other.example.test\n");

    TestPki pki = TestPki.create("enforced egress upstream CA");
    X509Bundle server =
        pki.serverCertificate(List.of("api.example.test", "other.example.test"), List.of());
    Path agent = Files.createDirectories(dir.resolve("agent"));
    upstreamCa = pki.writeCaPem(agent.resolve("upstream-ca.pem"));
    startInternet(net, server);

    Path jar =
        Files.copy(
            SidecarProcess.JAR,
            dir.resolve("keyrelay-sidecar.jar"),
            StandardCopyOption.REPLACE_EXISTING);
    NetworkNamespaces.run(
        NetworkNamespaces.exec(
                pod,
                SidecarProcess.javaCommand(
                    List.of(), jar, List.of("init-network", "--proxy-uid", "" + sidecarUid)))
            .toArray(String[]::new));

    Path home = Files.createDirectories(dir.resolve("sidecar"));
    pki.writeCaPem(home.resolve("upstream-ca.pem"));
    Files.createDirectories(home.resolve("secrets"));
    Files.writeString(home.resolve("secrets/api-key"), API_KEY + "\n");
    Path config =
        Files.writeString(
            home.resolve("keyrelay.yaml"),
            """
            ca: { dir: ca }
            egress:
              exceptions: [ "other.example.test:443", "other.example.test:80" ]
            routes:
              - name: api
                match: { host: api.example.test, port: 443 }
                upstream: { caFile: upstream-ca.pem }
                auth: { type: header, headerName: x-api-key }
                secret: { file: secrets/api-key }
            """);
    NetworkNamespaces.run("chown", "-R", sidecarUid + ":" + sidecarUid, home.toString());
    NetworkNamespaces.run("chmod", "700", home.toString());
    sidecar =
        SidecarProcess.startWrapped(
            NetworkNamespaces.exec(pod, as(sidecarUid)),
            jar,
            config,
            List.of("--transparent"), // as the injector starts the sidecar of an enforced pod
            () ->
                Clients.run(
                            NetworkNamespaces.exec(
                                pod, List.of("curl", "-sf", "http://127.0.0.1:9090/readyz")),
                            Map.of())
                        .exitCode()
                    == 0);
    // What the injector's CA volume gives the agent: the sidecar's certificate, readable by all.
    sidecarCa =
        Files.copy(
            home.resolve("ca/ca.crt"),
            agent.resolve("ca.crt"),
            StandardCopyOption.REPLACE_EXISTING);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        sidecar.close();
      }
      if (internet != null) {
        internet.destroy();
        internet.waitFor();
      }
    } finally {
      if (namespaces != null) {
        namespaces.close();
      }
      for (Path path : opened) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        permissions.remove(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(path, permissions);
      }
    }
  }

  @Test
  void routedHostGetsTheCredentialWithNoProxyVariables() throws Exception {
    Clients.Run curl =
        agent(
            List.of(
                "curl",
                "-sS",
                "--noproxy",
                "*",
                "--cacert",
                sidecarCa.toString(),
                "-H",
                "x-api-key: placeholder",
                "https://api.example.test/curl"),
            Map.of());
    Clients.Run python =
        agent(
            List.of(
                PYTHON,
                "-c",
                "import ssl, urllib.request\n"
                    + "request = urllib.request.Request('https://api.example.test/python',"
                    + " headers={'x-api-key': 'placeholder'})\n"
                    + "context = ssl.create_default_context(cafile='"
                    + sidecarCa
                    + "')\n"
                    + "print(urllib.request.urlopen(request, context=context).read().decode())"),
            Map.of());
    Clients.Run node =
        agent(
            List.of(
                NODE,
                "-e",
                "fetch('https://api.example.test/node', {headers: {'x-api-key': 'placeholder'}})"
                    + ".then(r => r.text()).then(t => console.log(t))"
                    + ".catch(e => { console.error(e.cause ?? e); process.exit(1); })"),
            Map.of("NODE_EXTRA_CA_CERTS", sidecarCa.toString()));

    for (Clients.Run run : List.of(curl, python, node)) {
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).contains("upstream ok from 443");
      assertThat(run.stdout() + run.stderr()).doesNotContain(API_KEY);
    }
    for (String path : List.of("/curl", "/python", "/node")) {
      assertThat(upstreamRequest(path)).contains("\"x-api-key\": \"" + API_KEY + "\"");
    }
    String logs = sidecar.logsOnceThey(l -> l.split("\"via\":\"transparent\"").length > 3);
    assertThat(logs)
        .contains("\"decision\":\"injected\",\"via\":\"transparent\"")
        .contains("\"route\":\"api\"")
        .doesNotContain(API_KEY);
  }

  @Test
  void routedHostCannotBeBypassed() throws Exception {
    // Trusting the real server's CA does not help: the sidecar answers for the name.
    Clients.Run realCa =
        agent(
            List.of(
                "curl",
                "-sS",
                "--noproxy",
                "*",
                "--cacert",
                upstreamCa.toString(),
                "https://api.example.test/bypass-ca"),
            Map.of());
    // By address, without a server name: refused.
    Clients.Run byAddress =
        agent(List.of("curl", "-sS", "-k", "https://" + INTERNET_ADDRESS + "/bypass-ip"), Map.of());
    // Another port of the same host: refused by the rules, the connection never leaves the pod.
    Clients.Run otherPort =
        agent(List.of("curl", "-sS", "-k", "https://api.example.test:8443/bypass-port"), Map.of());
    Clients.Run rawSocket =
        agent(
            List.of(
                PYTHON,
                "-c",
                "import socket\n"
                    + "try:\n"
                    + "    socket.create_connection(('"
                    + INTERNET_ADDRESS
                    + "', 8443), timeout=5)\n"
                    + "    print('connected')\n"
                    + "except OSError as e:\n"
                    + "    print(type(e).__name__)"),
            Map.of());

    assertThat(realCa.exitCode()).as(realCa.stderr()).isEqualTo(60);
    assertThat(byAddress.exitCode()).as(byAddress.stderr()).isIn(35, 56);
    assertThat(otherPort.exitCode()).as(otherPort.stderr()).isEqualTo(7);
    assertThat(rawSocket.stdout().strip()).isEqualTo("ConnectionRefusedError");
    assertThat(Files.readString(upstreamLog)).doesNotContain("/bypass-");
    assertThat(sidecar.logsOnceThey(l -> l.contains("\"host\":null")))
        .contains("\"decision\":\"denied\",\"via\":\"transparent\",\"host\":null");
  }

  @Test
  void unroutedHostsGoThroughTheEgressCheck() throws Exception {
    // Allowed (an egress exception): tunnelled, the agent sees the real server and no credential.
    Clients.Run tunnelled =
        agent(
            List.of(
                "curl",
                "-sS",
                "--cacert",
                upstreamCa.toString(),
                "-H",
                "x-api-key: placeholder",
                "https://other.example.test/tunnel"),
            Map.of());
    Clients.Run plainAllowed =
        agent(List.of("curl", "-sS", "http://other.example.test/plain"), Map.of());
    // Not routed on port 80 and a private address: the sidecar answers 403, the upstream sees
    // nothing.
    Clients.Run plainDenied =
        agent(
            List.of("curl", "-sS", "-w", "%{http_code}", "http://api.example.test/plain-denied"),
            Map.of());

    assertThat(tunnelled.exitCode()).as(tunnelled.stderr()).isZero();
    assertThat(tunnelled.stdout()).contains("upstream ok from 443");
    assertThat(upstreamRequest("/tunnel")).contains("\"x-api-key\": \"placeholder\"");
    assertThat(plainAllowed.stdout()).contains("upstream ok from 80");
    assertThat(upstreamRequest("/plain")).contains("\"host\": \"other.example.test\"");
    assertThat(plainDenied.stdout())
        .contains("\"type\":\"https://keyrelay.dev/problems/policy-denied\"")
        .endsWith("403");
    assertThat(Files.readString(upstreamLog)).doesNotContain("/plain-denied");
  }

  @Test
  void ipv6EgressIsRefusedToTheAgentOnly() throws Exception {
    List<String> connect =
        List.of(
            PYTHON,
            "-c",
            "import socket\n"
                + "try:\n"
                + "    socket.create_connection(('"
                + INTERNET_IPV6
                + "', 8443), timeout=5)\n"
                + "    print('connected')\n"
                + "except OSError as e:\n"
                + "    print(type(e).__name__)");
    List<String> asSidecar = new ArrayList<>(as(sidecarUid));
    asSidecar.addAll(connect);

    assertThat(agent(connect, Map.of()).stdout().strip()).isEqualTo("ConnectionRefusedError");
    // The same connection from the sidecar's user: the address is reachable, the rules refuse.
    assertThat(Clients.run(NetworkNamespaces.exec(pod, asSidecar), Map.of()).stdout().strip())
        .isEqualTo("connected");
  }

  /** Runs {@code command} in the pod as the agent's user, with only {@code env} added. */
  private static Clients.Run agent(List<String> command, Map<String, String> env) throws Exception {
    List<String> asAgent = new ArrayList<>(as(agentUid));
    asAgent.addAll(command);
    return Clients.run(NetworkNamespaces.exec(pod, asAgent), env);
  }

  private static List<String> as(int uid) {
    return List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--");
  }

  /** The upstream's log line for {@code path}, waiting briefly for it to be written. */
  private static String upstreamRequest(String path) throws Exception {
    for (int i = 0; i < 100; i++) {
      for (String line : Files.readAllLines(upstreamLog)) {
        if (line.contains("\"path\": \"" + path + "\"")) {
          return line;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the upstream received no request for " + path);
  }

  /** A Python server in the "internet" namespace that logs each request's headers as JSON. */
  private static void startInternet(String namespace, X509Bundle server) throws Exception {
    Path cert = Files.writeString(dir.resolve("server.crt"), server.getCertificatePathPEM());
    Path key = Files.writeString(dir.resolve("server.key"), server.getPrivateKeyPEM());
    upstreamLog = Files.createFile(dir.resolve("upstream.log"));
    Path script =
        Files.writeString(
            dir.resolve("internet.py"),
            """
            import http.server, json, socket, ssl, sys, threading
            log = open(sys.argv[1], 'a', buffering=1)
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'
                def do_GET(self):
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    log.write(json.dumps({'path': self.path, 'headers': headers}) + '\\n')
                    body = ('upstream ok from %d' % self.server.server_port).encode()
                    self.send_response(200)
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            def serve(port, tls):
                server = http.server.ThreadingHTTPServer((sys.argv[2], port), Handler)
                if tls:
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    context.load_cert_chain(sys.argv[3], sys.argv[4])
                    server.socket = context.wrap_socket(server.socket, server_side=True)
                threading.Thread(target=server.serve_forever, daemon=True).start()
            serve(443, True)
            serve(8443, True)
            serve(80, False)
            class V6(http.server.ThreadingHTTPServer):
                address_family = socket.AF_INET6
            v6 = V6((sys.argv[5], 8443), Handler)
            threading.Thread(target=v6.serve_forever, daemon=True).start()
            print('ready', flush=True)
            threading.Event().wait()
            """);
    internet =
        new ProcessBuilder(
                NetworkNamespaces.exec(
                    namespace,
                    List.of(
                        PYTHON,
                        script.toString(),
                        upstreamLog.toString(),
                        INTERNET_ADDRESS,
                        cert.toString(),
                        key.toString(),
                        INTERNET_IPV6)))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(internet.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (!"ready".equals(first)) {
      throw new IllegalStateException("the internet namespace's server did not start: " + first);
    }
  }

  /**
   * Lets the sidecar's and the agent's users reach files under {@code path}: the test's temporary
   * directory (and CI's) are private to root. Undone in {@link #stop}.
   */
  private static void openToOtherUsers(Path path) throws Exception {
    for (Path at = path.toAbsolutePath(); at != null; at = at.getParent()) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(at);
      if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(at, permissions);
        opened.add(at);
      }
    }
    Set<PosixFilePermission> readable = Files.getPosixFilePermissions(path);
    readable.add(PosixFilePermission.OTHERS_READ);
    Files.setPosixFilePermissions(path, readable);
  }
}
