package dev.keyrelay.sidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrelay.sidecar.config.ConfigWatcher;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SidecarConfig;
import dev.keyrelay.sidecar.config.Withheld;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.secrets.SecretStatus;
import dev.keyrelay.sidecar.tls.CaFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The JSON behind {@code GET /readyz?verbose}: readiness, each route and listener with the state of
 * its secret (and those of the file that do not apply to this pod, with the reason), the CA files,
 * and the config file with its last reload. Secrets are read (files block), so the report is put
 * together off the event loop; it never holds a secret's value.
 */
public final class ReadinessReport {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the report reads once the sidecar has started. */
  public record Sources(
      Supplier<SidecarConfig> config, SecretResolver secrets, ConfigWatcher watcher) {}

  private final BooleanSupplier ready;
  private final Executor blocking;
  private volatile Sources sources;

  public ReadinessReport(BooleanSupplier ready, Executor blocking) {
    this.ready = ready;
    this.blocking = blocking;
  }

  /** Called once everything the report reads exists. */
  public void attach(Sources started) {
    this.sources = started;
  }

  CompletableFuture<byte[]> render() {
    Sources started = sources;
    ObjectNode report = JSON.createObjectNode();
    report.put("ready", ready.getAsBoolean());
    if (started == null) {
      report.put("detail", "starting");
      return CompletableFuture.completedFuture(bytes(report));
    }
    SidecarConfig config = started.config().get();
    List<CompletableFuture<ObjectNode>> routes = new ArrayList<>();
    for (Route route : config.routes()) {
      routes.add(secret(started, route.name(), route.secret()).thenApply(s -> route(route, s)));
    }
    List<CompletableFuture<ObjectNode>> listeners = new ArrayList<>();
    for (PostgresListener listener : config.listeners()) {
      listeners.add(
          secret(started, listener.name(), listener.secret())
              .thenApply(s -> listener(listener, s)));
    }
    List<CompletableFuture<ObjectNode>> all = new ArrayList<>(routes);
    all.addAll(listeners);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done -> {
              ArrayNode routeArray = report.putArray("routes");
              routes.forEach(r -> routeArray.add(r.join()));
              ArrayNode listenerArray = report.putArray("listeners");
              listeners.forEach(l -> listenerArray.add(l.join()));
              for (Withheld withheld : config.withheld()) {
                (withheld.kind().equals("postgres") ? listenerArray : routeArray)
                    .add(withheld(withheld));
              }
              report.set("ca", caFiles(config.ca().dir()));
              report.set("config", configFile(config.source(), started.watcher()));
              return bytes(report);
            },
            blocking);
  }

  private static CompletableFuture<SecretStatus> secret(
      Sources started, String owner, SecretRef ref) {
    return started.secrets().status(owner, ref);
  }

  private static ObjectNode route(Route route, SecretStatus secret) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", route.name());
    node.put("kind", "http");
    node.put("applies", true);
    node.put("match", route.match().toString());
    node.put("rules", route.policy().rules().size());
    if (route.policy().limits().any()) {
      node.putPOJO("limits", route.policy().limits());
    }
    node.set("secret", secret(secret));
    return node;
  }

  private static ObjectNode listener(PostgresListener listener, SecretStatus secret) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", listener.name());
    node.put("kind", "postgres");
    node.put("applies", true);
    node.put("listen", listener.listen().toString());
    node.put("upstream", listener.upstream().host() + ":" + listener.upstream().port());
    node.set("secret", secret(secret));
    return node;
  }

  /** In the file but not for this pod: the sidecar serves it as if it did not exist. */
  private static ObjectNode withheld(Withheld withheld) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", withheld.name());
    node.put("kind", withheld.kind());
    node.put("applies", false);
    node.put("reason", withheld.reason());
    return node;
  }

  private static ObjectNode secret(SecretStatus status) {
    ObjectNode node = JSON.createObjectNode();
    node.put("state", status.state());
    node.put("detail", status.detail());
    return node;
  }

  private static ObjectNode caFiles(Path dir) {
    ObjectNode ca = JSON.createObjectNode();
    ca.put("dir", dir.toString());
    ArrayNode files = ca.putArray("files");
    for (String name : List.of(CaFiles.CA_CERT, CaFiles.BUNDLE, CaFiles.TRUST_STORE)) {
      ObjectNode file = files.addObject();
      Path path = dir.resolve(name);
      file.put("name", name);
      try {
        file.put("bytes", Files.size(path));
        file.put("modified", Files.getLastModifiedTime(path).toInstant().toString());
      } catch (IOException e) {
        file.put("error", "cannot be read: " + e.getClass().getSimpleName());
      }
    }
    return ca;
  }

  private static ObjectNode configFile(Path source, ConfigWatcher watcher) {
    ObjectNode node = JSON.createObjectNode();
    node.put("file", source.toString());
    ConfigWatcher.Reload reload = watcher.lastReload();
    ObjectNode last = node.putObject("lastReload");
    last.put("outcome", reload.outcome());
    last.put("at", reload.at().toString());
    ArrayNode problems = last.putArray("problems");
    reload.problems().forEach(problems::add);
    return node;
  }

  private static byte[] bytes(ObjectNode report) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
