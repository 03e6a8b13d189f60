package dev.keyrelay.delivery.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile read into its build stages: enough of the format (comments, line continuations,
 * instructions) to check the image contract without a container engine.
 *
 * @param file where it was read from, for error messages
 * @param stages the build stages in order; the last one is the image
 */
record Dockerfile(Path file, List<Stage> stages) {

  static Dockerfile read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Stage> stages = new ArrayList<>();
    List<Instruction> current = null;
    StringBuilder pending = null;
    int startLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      // Comment and blank lines end nothing: Docker drops them even inside a continued instruction.
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (pending == null) {
        pending = new StringBuilder();
        startLine = i + 1;
      }
      boolean continues = trimmed.endsWith("\\");
      String part =
          continues ? trimmed.substring(0, trimmed.length() - 1).stripTrailing() : trimmed;
      pending.append(part).append(' ');
      if (continues) {
        continue;
      }
      Instruction instruction = Instruction.parse(file, startLine, pending.toString().strip());
      pending = null;
      if (instruction.keyword().equals("FROM")) {
        current = new ArrayList<>();
        stages.add(Stage.of(instruction, current));
      } else if (current == null) {
        if (!instruction.keyword().equals("ARG")) {
          throw new IllegalArgumentException(
              file + ":" + startLine + ": " + instruction.keyword() + " before the first FROM");
        }
      } else {
        current.add(instruction);
      }
    }
    if (pending != null) {
      throw new IllegalArgumentException(file + ":" + startLine + ": ends inside a continued line");
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException(file + ": no FROM instruction");
    }
    return new Dockerfile(file, List.copyOf(stages));
  }

  /** The stage that becomes the image. */
  Stage image() {
    return stages.get(stages.size() - 1);
  }

  /** The stage named {@code alias} in {@code FROM ... AS alias}. */
  Stage stage(String alias) {
    return stages.stream()
        .filter(s -> alias.equals(s.alias()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(file + ": no stage named " + alias));
  }

  /**
   * One instruction, continuation lines joined.
   *
   * @param line the line it starts on
   * @param keyword upper-cased
   * @param arguments the rest, as written
   */
  record Instruction(Path file, int line, String keyword, String arguments) {

    static Instruction parse(Path file, int line, String text) {
      int space = text.indexOf(' ');
      String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
      String arguments = space < 0 ? "" : text.substring(space + 1).strip();
      return new Instruction(file, line, keyword, arguments);
    }

    /** {@code ["java", "-jar", ...]} rather than a command line for a shell. */
    boolean execForm() {
      return arguments.startsWith("[");
    }

    /** The words of an exec-form instruction. */
    List<String> execArguments() {
      return ExecForm.parse(this);
    }

    String where() {
      return file + ":" + line + ": " + keyword;
    }
  }
}
