package dev.keyrelay.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * The API server's audit log ({@code hack/kube-apiserver.sh} writes the lists, watches and writes
 * of pods, ConfigMaps and webhook configurations at Metadata level): what a client really asked
 * for, to count writes and to see the query of a list.
 */
public final class AuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /**
   * One request.
   *
   * @param verb list, watch, create, update, patch or delete
   * @param user the authenticated user name
   * @param requestUri path and query, such as {@code /api/v1/namespaces/a/pods?labelSelector=...}
   * @param resource such as {@code pods}
   * @param namespace empty for cluster-scoped objects
   * @param name empty for lists and creates
   * @param code the HTTP status of the answer
   */
  public record Event(
      String verb,
      String user,
      String requestUri,
      String resource,
      String namespace,
      String name,
      int code) {}

  /** Every request logged so far that matches. */
  public List<Event> events(Predicate<Event> filter) {
    try {
      return Files.readAllLines(file).stream()
          .filter(l -> !l.isBlank())
          .map(AuditLog::parse)
          .filter(filter)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Event parse(String line) {
    try {
      JsonNode e = JSON.readTree(line);
      JsonNode ref = e.path("objectRef");
      return new Event(
          e.path("verb").asText(),
          e.path("user").path("username").asText(),
          e.path("requestURI").asText(),
          ref.path("resource").asText(),
          ref.path("namespace").asText(),
          ref.path("name").asText(),
          e.path("responseStatus").path("code").asInt());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
