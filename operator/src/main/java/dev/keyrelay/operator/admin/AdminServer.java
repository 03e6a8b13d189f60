package dev.keyrelay.operator.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /healthz}, {@code /readyz} and {@code /metrics} (Prometheus text) for the operator.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  /** Binds all interfaces on {@code port} (0 picks a free port) and starts serving. */
  public static AdminServer start(int port, OperatorHealth health, PrometheusMeterRegistry registry)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/healthz",
        exchange ->
            respond(
                exchange, health.live() ? 200 : 503, TEXT, health.live() ? "ok\n" : "stopped\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          Optional<String> reason = health.notReadyReason();
          respond(exchange, reason.isEmpty() ? 200 : 503, TEXT, reason.orElse("ok") + "\n");
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "keyrelay-admin");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    LOG.info(
        "Admin endpoints /healthz /readyz /metrics listening on port {}",
        server.getAddress().getPort());
    return new AdminServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      // an exact path only: /healthzfoo must not count as a probe
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
