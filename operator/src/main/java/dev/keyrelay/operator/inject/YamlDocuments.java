package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.operator.config.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a multi-document YAML stream, keeping each document's text so that documents the command
 * does not change are printed exactly as they were written.
 */
public final class YamlDocuments {

  private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$\\n?");
  private static final ObjectMapper YAML = Yaml.MAPPER;

  /**
   * @param text the document's text as written
   * @param tree its parsed form
   */
  public record Document(String text, JsonNode tree) {}

  private YamlDocuments() {}

  /** The non-empty documents of a stream, in order. */
  public static List<Document> split(String stream) throws JsonProcessingException {
    List<Document> docs = new ArrayList<>();
    for (String text : SEPARATOR.split(stream)) {
      JsonNode tree = YAML.readTree(text);
      if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
        docs.add(new Document(text.endsWith("\n") ? text : text + "\n", tree));
      }
    }
    return docs;
  }

  public static String write(JsonNode tree) throws JsonProcessingException {
    return YAML.writeValueAsString(tree);
  }
}
