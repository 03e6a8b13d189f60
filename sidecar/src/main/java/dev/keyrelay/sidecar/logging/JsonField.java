package dev.keyrelay.sidecar.logging;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.argument.StructuredArgument;

/**
 * One top-level field of a JSON log line, with a string, whole-number, decimal or boolean value (or
 * null). Written by type, without the object mapper that a general {@code kv(...)} value goes
 * through: the audit line of every proxied request has ten of them.
 */
public final class JsonField implements StructuredArgument {

  private final String name;
  private final Object value;

  private JsonField(String name, Object value) {
    this.name = name;
    this.value = value;
  }

  public static JsonField field(String name, String value) {
    return new JsonField(name, value);
  }

  public static JsonField field(String name, long value) {
    return new JsonField(name, value);
  }

  public static JsonField field(String name, double value) {
    return new JsonField(name, value);
  }

  public static JsonField field(String name, boolean value) {
    return new JsonField(name, value);
  }

  @Override
  public void writeTo(JsonGenerator generator) throws IOException {
    generator.writeFieldName(name);
    if (value instanceof String text) {
      generator.writeString(text);
    } else if (value instanceof Long number) {
      generator.writeNumber(number);
    } else if (value instanceof Double number) {
      generator.writeNumber(number);
    } else if (value instanceof Boolean flag) {
      generator.writeBoolean(flag);
    } else {
      generator.writeNull();
    }
  }

  /** As {@code kv(name, value)} renders in a log message. */
  @Override
  public String toString() {
    return name + "=" + value;
  }
}
