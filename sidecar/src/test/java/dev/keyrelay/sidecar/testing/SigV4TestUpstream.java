package dev.keyrelay.sidecar.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An AWS service endpoint in the shape of Bedrock's runtime on loopback over HTTPS: every request
 * must carry a SigV4 signature that {@link SigV4Verifier} recomputes with the account's real key,
 * else 403 with the error type in {@code x-amzn-ErrorType} and a JSON {@code message}, as AWS's
 * REST-JSON services answer. {@code POST .../invoke} answers JSON; {@code POST
 * .../invoke-with-response-stream} answers an event stream whose first event is written and
 * flushed, the rest only once the test releases it.
 */
public final class SigV4TestUpstream implements AutoCloseable {

  /**
   * One request as the upstream saw it; header names lower-cased.
   *
   * @param refusal the AWS error type it was refused with, or null when the signature was right
   */
  public record Received(
      String method, String uri, Map<String, List<String>> headers, int bodyBytes, String refusal) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  /** The first event of a response stream (the bytes are what counts to the proxy). */
  public static final byte[] FIRST_EVENT =
      ":event-type chunk\n{\"bytes\":\"first\"}\n".getBytes(StandardCharsets.UTF_8);

  public static final byte[] LAST_EVENT =
      ":event-type chunk\n{\"bytes\":\"last\"}\n".getBytes(StandardCharsets.UTF_8);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final SigV4Verifier verifier;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch restOfStream = new CountDownLatch(0);

  private SigV4TestUpstream(HttpsServer server, SigV4Verifier verifier) {
    this.server = server;
    this.verifier = verifier;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static SigV4TestUpstream https(
      SSLContext context, AwsTestAccount account, String service, String region)
      throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new SigV4TestUpstream(server, new SigV4Verifier(account, service, region));
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

  /** Makes response streams stop after their first event until {@code rest} counts down. */
  public void holdStreams(CountDownLatch rest) {
    this.restOfStream = rest;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String uri = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().getRawQuery() != null) {
        uri += "?" + exchange.getRequestURI().getRawQuery();
      }
      SigV4Verifier.Refusal refusal =
          verifier.verify(exchange.getRequestMethod(), uri, headers, body);
      received.add(
          new Received(
              exchange.getRequestMethod(),
              uri,
              headers,
              body.length,
              refusal == null ? null : refusal.type()));
      if (refusal != null) {
        ObjectNode error = JSON.createObjectNode();
        error.put("message", refusal.message());
        JsonAnswers.send(
            exchange, 403, error, "application/json", "x-amzn-ErrorType", refusal.type());
      } else if (uri.endsWith("/invoke-with-response-stream")) {
        stream(exchange);
      } else {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("bytes", body.length);
        JsonAnswers.send(exchange, 200, answer, "application/json");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stream(HttpExchange exchange) throws IOException, InterruptedException {
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(FIRST_EVENT);
      out.flush();
      if (!restOfStream.await(30, TimeUnit.SECONDS)) {
        return;
      }
      out.write(LAST_EVENT);
    }
  }

  @Override
  public void close() {
    restOfStream.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
