package dev.keyrelay.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;

/** Checks a body against the member types of RFC 9457 (problem details for HTTP APIs). */
public final class ProblemDetails {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProblemDetails() {}

  /**
   * Asserts that {@code body} is a problem details object for {@code status} and returns it: a JSON
   * object whose {@code type} is an absolute URI, {@code title} and {@code detail} strings, {@code
   * status} a number equal to the response's status code; {@code route}, our extension, a string.
   */
  public static JsonNode parse(String body, int status) throws Exception {
    JsonNode problem = JSON.readTree(body);
    assertThat(problem.isObject()).as("problem details are a JSON object: %s", body).isTrue();
    assertThat(problem.path("type").isTextual()).as("type is a string: %s", body).isTrue();
    assertThat(URI.create(problem.get("type").asText()).isAbsolute())
        .as("type is an absolute URI: %s", body)
        .isTrue();
    assertThat(problem.path("title").isTextual()).as("title is a string: %s", body).isTrue();
    assertThat(problem.path("detail").isTextual()).as("detail is a string: %s", body).isTrue();
    assertThat(problem.path("status").isInt()).as("status is a number: %s", body).isTrue();
    assertThat(problem.get("status").asInt()).as("status member").isEqualTo(status);
    if (problem.has("route")) {
      assertThat(problem.get("route").isTextual()).as("route is a string: %s", body).isTrue();
    }
    return problem;
  }

  /** The type URI of a keyrelay problem with this {@code X-Keyrelay-Error} code. */
  public static String type(String code) {
    return "https://keyrelay.dev/problems/" + code.replace('_', '-');
  }
}
