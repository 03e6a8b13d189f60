package dev.keyrelay.operator.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A JVM agent with no proxy or trust setup of its own: whatever JAVA_TOOL_OPTIONS sets is all it
 * gets. Sends the placeholder from {@code UPSTREAM_API_KEY} to the URL in its argument and prints
 * the status code, then the body.
 */
public final class JvmAgent {

  private JvmAgent() {}

  public static void main(String[] args) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(args[0]))
                    .header("X-Api-Key", System.getenv("UPSTREAM_API_KEY"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    System.out.println(response.statusCode());
    System.out.print(response.body());
  }
}
