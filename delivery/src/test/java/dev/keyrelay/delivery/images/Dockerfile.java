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
    List<Stage> stages = new ArrayList<>();
    Instruction from = null;
    List<Instruction> body = new ArrayList<>();
    for (Instruction instruction : instructions(file)) {
      if (instruction.keyword().equals("FROM")) {
        if (from != null) {
          stages.add(Stage.of(from, body));
        }
        from = instruction;
        body = new ArrayList<>();
      } else if (from != null) {
        body.add(instruction);
      } else if (!instruction.keyword().equals("ARG")) {
        throw new IllegalArgumentException(instruction.where() + " before the first FROM");
      }
    }
    if (from == null) {
      throw new IllegalArgumentException(file + ": no FROM instruction");
    }
    stages.add(Stage.of(from, body));
    return new Dockerfile(file, List.copyOf(stages));
  }

  /** The instructions of the file in order, each with its continuation lines joined. */
  private static List<Instruction> instructions(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = null;
    int startLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      // Comment and blank lines end nothing: Docker drops them even inside a continued instruction.
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      if (pending == null) {
        pending = new StringBuilder();
        startLine = i + 1;
      }
      boolean continues = line.endsWith("\\");
      pending.append(continues ? line.substring(0, line.length() - 1).stripTrailing() : line);
      pending.append(' ');
      if (!continues) {
        instructions.add(Instruction.parse(file, startLine, pending.toString().strip()));
        pending = null;
      }
    }
    if (pending != null) {
      throw new IllegalArgumentException(file + ":" + startLine + ": ends inside a continued line");
    }
    return instructions;
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
