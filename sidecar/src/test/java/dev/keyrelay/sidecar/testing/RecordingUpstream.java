package dev.keyrelay.sidecar.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP(S) server on loopback that records what each request carried: headers, and the body's
 * size and SHA-256 (bodies are streamed, never held).
 */
public final class RecordingUpstream implements AutoCloseable {

  /** One request as the upstream saw it; header names lower-cased. */
  public record Received(
      String method,
      String uri,
      Map<String, List<String>> headers,
      long bodyBytes,
      String bodySha256,
      int remotePort) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Predicate<Received> authorizer = r -> true;

  private RecordingUpstream(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static RecordingUpstream https(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new RecordingUpstream(server);
  }

  public static RecordingUpstream http() throws IOException {
    return new RecordingUpstream(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    if (received.isEmpty()) {
      throw new AssertionError("the upstream received no request");
    }
    return received.get(received.size() - 1);
  }

  /**
   * Makes the upstream answer 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC
   * 6750) to requests the predicate refuses, as an API checking access tokens does.
   */
  public void authorize(Predicate<Received> accepts) {
    this.authorizer = accepts;
  }

  public void clear() {
    received.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long bytes = 0;
      byte[] buffer = new byte[64 * 1024];
      try (InputStream body = exchange.getRequestBody()) {
        int n;
        while ((n = body.read(buffer)) > 0) {
          sha.update(buffer, 0, n);
          bytes += n;
        }
      }
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      Received request =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              headers,
              bytes,
              HexFormat.of().formatHex(sha.digest()),
              exchange.getRemoteAddress().getPort());
      received.add(request);
      if (!authorizer.test(request)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      byte[] response = ("{\"ok\":true,\"bytes\":" + bytes + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, response.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response);
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
