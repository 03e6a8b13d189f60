package dev.keyrelay.delivery.images;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.delivery.images.Dockerfile.Instruction;
import java.util.List;

/** Reads the JSON array of an exec-form RUN, CMD or ENTRYPOINT, which Docker parses as JSON. */
final class ExecForm {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecForm() {}

  static List<String> parse(Instruction instruction) {
    if (!instruction.execForm()) {
      throw new IllegalArgumentException(instruction.where() + ": not in exec form [\"...\"]");
    }
    try {
      return List.of(JSON.readValue(instruction.arguments(), String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          instruction.where() + ": not a JSON array of strings: " + e.getOriginalMessage(), e);
    }
  }
}
