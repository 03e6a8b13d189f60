package dev.keyrelay.operator.apiserver;

import dev.keyrelay.sidecar.testing.Prerequisites;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd and kube-apiserver for the test JVM, started and stopped by {@code
 * hack/kube-apiserver.sh} (the script developers use, so tests and hand runs share one set of
 * flags) from the binaries {@code hack/build-kube-binaries.sh} caches.
 */
public final class KubeApiServer
    implements ExtensionContext.Store.CloseableResource, AutoCloseable {

  /** The repository's hack/ directory, found from the module the tests run in. */
  static final Path HACK = locateHack();

  private final Path state;
  private final Config adminConfig;
  private final KubernetesClient admin;
  private final ServiceProxy serviceProxy;
  private boolean crdsInstalled;

  private KubeApiServer(Path state, Config adminConfig) {
    this.state = state;
    this.adminConfig = adminConfig;
    this.admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    this.serviceProxy = ServiceProxy.listen(scriptState(state).resolve("egress.sock"));
  }

  /**
   * Starts one; skips the calling test (fails it under {@code CI=true}) when the binaries are not
   * built.
   */
  static KubeApiServer start() {
    Path bin = binaries();
    Prerequisites.require(
        Files.isExecutable(bin.resolve("kube-apiserver"))
            && Files.isExecutable(bin.resolve("etcd")),
        "kube-apiserver and etcd in " + bin + " (run hack/build-kube-binaries.sh)");
    try {
      Path state = Files.createTempDirectory("keyrelay-kube-apiserver");
      String out = script(state, bin, "up");
      String prefix = "export KUBECONFIG=";
      Path kubeconfig =
          out.lines()
              .filter(l -> l.startsWith(prefix))
              .map(l -> Path.of(l.substring(prefix.length())))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("kube-apiserver.sh up printed " + out));
      return new KubeApiServer(state, Config.fromKubeconfig(kubeconfig.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates or updates the CRDs in {@code crds/} and waits until the API server serves them. Every
   * class that needs them calls this; the first call does the work.
   */
  public synchronized void installCrds() {
    if (crdsInstalled) {
      return;
    }
    try (Stream<Path> files = Files.list(HACK.resolveSibling("crds"))) {
      for (Path file : files.sorted().toList()) {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(file)) {
          crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
        }
        admin.resource(crd).forceConflicts().serverSideApply();
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(KubeApiServer::established, 30, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    crdsInstalled = true;
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        // A CRD seen right after its creation may have a status without conditions yet.
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  /** A client authenticated as cluster admin (group system:masters). */
  public KubernetesClient admin() {
    return admin;
  }

  public String url() {
    return adminConfig.getMasterUrl();
  }

  /** The CA that signed the API server's serving certificate. */
  public Path caFile() {
    return Path.of(adminConfig.getCaCertFile());
  }

  /** Where the API server's calls to Services (webhooks) arrive; see {@link ServiceProxy}. */
  public ServiceProxy serviceProxy() {
    return serviceProxy;
  }

  /** The requests the API server audited; see {@link AuditLog}. */
  public AuditLog auditLog() {
    return new AuditLog(scriptState(state).resolve("audit.log"));
  }

  /** A bound token for a ServiceAccount from the TokenRequest API, valid for an hour. */
  public String serviceAccountToken(String namespace, String serviceAccount) {
    TokenRequest request =
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** A client that authenticates with {@code token} only, so every call meets the real RBAC. */
  public KubernetesClient clientWithToken(String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withCaCertFile(caFile().toString())
            .withOauthToken(token)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The variables that point the operator jar (fabric8's auto-configuration) at this API server
   * with {@code token} and nothing else.
   */
  public Map<String, String> processEnvironment(String token) {
    return Map.of(
        "KUBERNETES_MASTER",
        url(),
        "KUBERNETES_CERTS_CA_FILE",
        caFile().toString(),
        "KUBERNETES_AUTH_TOKEN",
        token,
        "KUBERNETES_AUTH_TRYKUBECONFIG",
        "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT",
        "false");
  }

  @Override
  public void close() throws IOException {
    serviceProxy.close();
    admin.close();
    script(state, binaries(), "down");
    Files.deleteIfExists(state);
  }

  private static String script(Path state, Path bin, String command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(HACK.resolve("kube-apiserver.sh").toString(), command)
            .redirectErrorStream(true);
    builder.environment().put("KEYRELAY_KUBE_STATE", scriptState(state).toString());
    builder.environment().put("KEYRELAY_KUBE_BIN", bin.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("kube-apiserver.sh " + command + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** The script's state directory (KEYRELAY_KUBE_STATE), which it creates and removes itself. */
  private static Path scriptState(Path state) {
    return state.resolve("state");
  }

  /**
   * {@code -Dkeyrelay.kube.bin}, else {@code KEYRELAY_KUBE_BIN}, else the build script's cache
   * directory.
   */
  private static Path binaries() {
    String configured = System.getProperty("keyrelay.kube.bin", System.getenv("KEYRELAY_KUBE_BIN"));
    if (configured != null) {
      return Path.of(configured);
    }
    try {
      Process process =
          new ProcessBuilder(HACK.resolve("build-kube-binaries.sh").toString(), "--dir").start();
      String dir = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return Path.of(dir.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path locateHack() {
    for (Path dir :
        List.of(Path.of("..").toAbsolutePath().normalize(), Path.of("").toAbsolutePath())) {
      if (Files.exists(dir.resolve("hack/kube-apiserver.sh"))) {
        return dir.resolve("hack");
      }
    }
    throw new IllegalStateException(
        "no hack/kube-apiserver.sh above " + Path.of("").toAbsolutePath());
  }
}
