package dev.keyrelay.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The one YAML style the operator writes: no document marker, minimal quotes, "- " lists. Strings
 * that look like numbers stay quoted, so an annotation such as {@code prometheus.io/port: "9090"}
 * is still a string when read back.
 */
public final class Yaml {

  public static final ObjectMapper MAPPER =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private Yaml() {}
}
