package dev.keyrelay.delivery.images;

import dev.keyrelay.delivery.images.Dockerfile.Instruction;
import java.util.ArrayList;
import java.util.List;

/** Splits the plain-form arguments of an instruction into words, as Docker does: quotes group. */
final class ShellWords {

  private ShellWords() {}

  static List<String> split(Instruction instruction) {
    String text = instruction.arguments();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else {
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(instruction.where() + ": unterminated " + quote);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
