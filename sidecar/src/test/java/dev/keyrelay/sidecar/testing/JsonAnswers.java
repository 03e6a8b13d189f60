package dev.keyrelay.sidecar.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writes a JSON answer for the test servers that stand in for Vault, OAuth and GitHub. */
final class JsonAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonAnswers() {}

  /** Sends {@code body} with {@code status}; {@code headers} are name, value pairs to add. */
  static void send(
      HttpExchange exchange, int status, JsonNode body, String contentType, String... headers)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
