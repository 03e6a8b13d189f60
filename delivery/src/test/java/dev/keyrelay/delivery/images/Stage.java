package dev.keyrelay.delivery.images;

import dev.keyrelay.delivery.images.Dockerfile.Instruction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One build stage: {@code FROM image [AS alias]} and the instructions up to the next FROM.
 *
 * @param from the FROM instruction
 * @param image the base image reference as written
 * @param alias the stage name, or null
 */
record Stage(Instruction from, String image, String alias, List<Instruction> instructions) {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

  Stage {
    instructions = List.copyOf(instructions);
  }

  static Stage of(Instruction from, List<Instruction> instructions) {
    List<String> words =
        ShellWords.split(from).stream().filter(w -> !w.startsWith("--platform=")).toList();
    if (words.size() == 1) {
      return new Stage(from, words.get(0), null, instructions);
    }
    if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
      return new Stage(from, words.get(0), words.get(2), instructions);
    }
    throw new IllegalArgumentException(from.where() + ": expected FROM image [AS name]");
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The last instruction of a kind, the one that takes effect for USER, ENTRYPOINT, WORKDIR. */
  Instruction last(String keyword) {
    List<Instruction> found = all(keyword);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(from.where() + " " + image + ": no " + keyword);
    }
    return found.get(found.size() - 1);
  }

  /** ARG defaults declared in this stage. */
  Map<String, String> args() {
    Map<String, String> args = new LinkedHashMap<>();
    for (Instruction arg : all("ARG")) {
      String[] nameValue = arg.arguments().split("=", 2);
      args.put(nameValue[0], nameValue.length == 2 ? unquote(nameValue[1]) : "");
    }
    return args;
  }

  /** Every LABEL, with ARG references replaced by their defaults. */
  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> args = args();
    for (Instruction label : all("LABEL")) {
      for (String pair : ShellWords.split(label)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(label.where() + ": expected key=value, got " + pair);
        }
        labels.put(pair.substring(0, eq), substitute(label, pair.substring(eq + 1), args));
      }
    }
    return labels;
  }

  List<Copy> copies() {
    return all("COPY").stream().map(Copy::parse).toList();
  }

  List<String> exposedPorts() {
    return all("EXPOSE").stream().flatMap(e -> ShellWords.split(e).stream()).toList();
  }

  private static String substitute(Instruction at, String value, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      if (!args.containsKey(name)) {
        throw new IllegalArgumentException(at.where() + ": $" + name + " is not a declared ARG");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(args.get(name)));
    }
    return m.appendTail(out).toString();
  }

  private static String unquote(String value) {
    boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
    return quoted ? value.substring(1, value.length() - 1) : value;
  }

  /**
   * {@code COPY [--from=stage] [--chown=...] source... destination}.
   *
   * @param from the stage copied from, or null for the build context
   */
  record Copy(Instruction instruction, String from, List<String> sources, String destination) {

    static Copy parse(Instruction copy) {
      if (copy.execForm()) {
        throw new IllegalArgumentException(copy.where() + ": use the plain form for COPY");
      }
      String from = null;
      List<String> words = ShellWords.split(copy);
      int i = 0;
      for (; i < words.size() && words.get(i).startsWith("--"); i++) {
        if (words.get(i).startsWith("--from=")) {
          from = words.get(i).substring("--from=".length());
        }
      }
      List<String> paths = words.subList(i, words.size());
      if (paths.size() < 2) {
        throw new IllegalArgumentException(copy.where() + ": expected sources and a destination");
      }
      return new Copy(
          copy, from, List.copyOf(paths.subList(0, paths.size() - 1)), paths.get(paths.size() - 1));
    }
  }
}
