package dev.keyrelay.sidecar.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the YAML file into {@link RawConfig}, turning Jackson's errors into problems that name the
 * field and line but never quote a value from the file.
 */
final class RawConfigReader {

  private static final ObjectMapper MAPPER =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private RawConfigReader() {}

  static RawConfig read(Path file) throws ConfigException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw problem(file, "(file)", "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    try (JsonParser parser = MAPPER.createParser(content)) {
      JsonToken first = parser.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        return RawConfig.EMPTY;
      }
      RawConfig raw = MAPPER.readValue(parser, RawConfig.class);
      if (parser.nextToken() != null) {
        throw problem(
            file,
            "(root)",
            "only one YAML document is allowed" + lineOf(parser.currentTokenLocation()));
      }
      return raw;
    } catch (JsonProcessingException e) {
      JsonProcessingException cause = parserErrorBehind(e);
      throw problem(file, fieldPath(cause), reason(cause) + lineOf(cause.getLocation()));
    } catch (IOException e) {
      throw problem(file, "(file)", "cannot be parsed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static ConfigException problem(Path file, String fieldPath, String reason) {
    Problems problems = new Problems(file);
    problems.add(fieldPath, reason);
    return problems.toException();
  }

  /** A YAML error met while binding arrives wrapped; the parser's own error is the useful one. */
  private static JsonProcessingException parserErrorBehind(JsonProcessingException e) {
    return e instanceof JsonMappingException && e.getCause() instanceof StreamReadException cause
        ? cause
        : e;
  }

  private static String fieldPath(JsonProcessingException e) {
    StringBuilder path = new StringBuilder();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference ref : m.getPath()) {
        append(path, ref.getFieldName(), ref.getIndex());
      }
    } else if (e.getProcessor() instanceof JsonParser p) {
      for (JsonPointer ptr = p.getParsingContext().pathAsPointer();
          !ptr.matches();
          ptr = ptr.tail()) {
        append(
            path, ptr.mayMatchElement() ? null : ptr.getMatchingProperty(), ptr.getMatchingIndex());
      }
    }
    return path.length() == 0 ? "(root)" : path.toString();
  }

  /** Appends {@code .field} or {@code [index]}, the way every problem names a field. */
  private static void append(StringBuilder path, String field, int index) {
    if (field != null) {
      path.append(path.length() == 0 ? "" : ".").append(field);
    } else if (index >= 0) {
      path.append('[').append(index).append(']');
    }
  }

  private static String reason(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      TreeSet<String> known = new TreeSet<>();
      u.getKnownPropertyIds().forEach(id -> known.add(Objects.toString(id)));
      return "unknown key; expected one of " + String.join(", ", known);
    }
    if (e instanceof MismatchedInputException m) {
      return "wrong type, expected " + describe(m.getTargetType());
    }
    if (e.getCause() instanceof MarkedYAMLException y) {
      return "invalid YAML: " + y.getProblem();
    }
    if (e instanceof JsonMappingException) {
      return "cannot be read";
    }
    // Parser messages (duplicate key, trailing document) name keys or tokens, not values.
    return "invalid YAML: " + e.getOriginalMessage();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return type.isRecord() ? "a mapping" : "another type";
  }

  private static String lineOf(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " (line " + location.getLineNr() + ")";
  }
}
