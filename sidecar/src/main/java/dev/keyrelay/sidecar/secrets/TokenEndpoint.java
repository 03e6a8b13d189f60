package dev.keyrelay.sidecar.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One HTTPS endpoint that issues tokens, called with the JDK client on the blocking pool. Failures
 * are described by status code and exception class only: issuers echo grants and keys in their
 * error bodies, and those words reach the agent.
 */
final class TokenEndpoint {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer whose body parsed as JSON; {@code body} is an empty object for an empty body. */
  record Answer(int status, JsonNode body) {}

  private final URI url;
  private final Path caFile;
  private final String describe;
  private HttpClient client; // guarded by this

  /**
   * @param describe names the endpoint in messages, e.g. "oauth2 token endpoint https://..."
   */
  TokenEndpoint(URI url, Path caFile, String describe) {
    this.url = url;
    this.caFile = caFile;
    this.describe = describe;
  }

  String describe() {
    return describe;
  }

  /**
   * Sends one POST and reads a JSON answer of any status.
   *
   * @throws SecretStoreDownException when there is no answer, or one that is not JSON
   * @throws SecretUnavailableException when the CA file cannot be used
   */
  Answer post(Map<String, String> headers, String contentType, String body)
      throws SecretUnavailableException {
    RawAnswer answer = send(headers, contentType, "application/json", body);
    try {
      JsonNode parsed =
          answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
      return new Answer(answer.status(), parsed == null ? JSON.createObjectNode() : parsed);
    } catch (IOException e) {
      throw new SecretStoreDownException(
          describe + " answered HTTP " + answer.status() + " without a JSON body");
    }
  }

  /** An answer as it came: its status and at most {@value #MAX_BODY} bytes of body. */
  record RawAnswer(int status, byte[] body) {}

  /**
   * Sends one POST and reads the answer of any status.
   *
   * @throws SecretStoreDownException when there is no answer, or an oversized one
   * @throws SecretUnavailableException when the CA file cannot be used
   */
  RawAnswer send(Map<String, String> headers, String contentType, String accept, String body)
      throws SecretUnavailableException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", contentType)
            .header("Accept", accept)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<InputStream> response;
    byte[] bytes;
    try {
      response = client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      // At most one byte past the limit is read: an endless answer must not fill the heap.
      try (InputStream in = response.body()) {
        bytes = in.readNBytes(MAX_BODY + 1);
      }
    } catch (IOException e) {
      throw new SecretStoreDownException(
          describe + " could not be reached (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretStoreDownException(describe + " was not asked (interrupted)");
    }
    if (bytes.length > MAX_BODY) {
      throw new SecretStoreDownException(describe + " answered an oversized body");
    }
    return new RawAnswer(response.statusCode(), bytes);
  }

  /** An {@code application/x-www-form-urlencoded} body of {@code fields}, in their order. */
  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Whether a status means the issuer could not answer (down, overloaded) rather than "no". */
  static boolean isOutage(int status) {
    return status == 429 || status >= 500;
  }

  private synchronized HttpClient client() throws SecretUnavailableException {
    if (client == null) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(CONNECT_TIMEOUT);
      if (caFile != null) {
        try {
          builder.sslContext(CaTrust.of(caFile, "caFile"));
        } catch (IllegalArgumentException e) {
          throw new SecretUnavailableException(describe + ": " + e.getMessage());
        }
      }
      client = builder.build();
    }
    return client;
  }
}
