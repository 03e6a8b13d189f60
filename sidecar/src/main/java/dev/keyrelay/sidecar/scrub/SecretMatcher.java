package dev.keyrelay.sidecar.scrub;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Finds a secret's forms in bytes and overwrites each with a mask of the same length, so that
 * lengths and framing stay as they were. One pass over the bytes: a byte that begins no form costs
 * one table look-up.
 */
final class SecretMatcher {

  static final byte MASK = '*';

  private final byte[][] forms;
  private final boolean[] starts = new boolean[256];
  private final int longest;

  SecretMatcher(List<byte[]> forms) {
    this.forms = forms.toArray(new byte[0][]);
    int max = 0;
    for (byte[] form : this.forms) {
      starts[form[0] & 0xff] = true;
      max = Math.max(max, form.length);
    }
    this.longest = max;
  }

  /** Masks every form found inside {@code [from, to)} of {@code buf}; returns how many. */
  int mask(ByteBuf buf, int from, int to) {
    int found = 0;
    for (int i = from; i < to; i++) {
      if (!starts[buf.getByte(i) & 0xff]) {
        continue;
      }
      for (byte[] form : forms) {
        if (i + form.length <= to && matches(buf, i, form, form.length)) {
          buf.setBytes(i, masks(form.length));
          i += form.length - 1;
          found++;
          break;
        }
      }
    }
    return found;
  }

  /**
   * Where the bytes that may still become a form once more bytes arrive begin: the start of the
   * longest tail of {@code [from, to)} that is a proper prefix of some form, or {@code to}. Only
   * such a tail needs holding back, so text that cannot begin a secret (the blank line that ends a
   * server-sent event, say) is never delayed.
   */
  int undecidedFrom(ByteBuf buf, int from, int to) {
    for (int i = Math.max(from, to - longest + 1); i < to; i++) {
      if (!starts[buf.getByte(i) & 0xff]) {
        continue;
      }
      int tail = to - i;
      for (byte[] form : forms) {
        if (form.length > tail && matches(buf, i, form, tail)) {
          return i;
        }
      }
    }
    return to;
  }

  /**
   * Whether {@code text} may hold a form: false for almost every header value at the cost of one
   * table look-up per character, so that only a likely match pays for a byte conversion.
   */
  boolean mayOccurIn(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80 || starts[c] && startsHere(text, i)) {
        return true;
      }
    }
    return false;
  }

  private boolean startsHere(CharSequence text, int at) {
    for (byte[] form : forms) {
      int k = 0;
      while (k < form.length && at + k < text.length() && form[k] == text.charAt(at + k)) {
        k++;
      }
      if (k == form.length || at + k == text.length() && k > 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(ByteBuf buf, int at, byte[] form, int length) {
    for (int k = 0; k < length; k++) {
      if (buf.getByte(at + k) != form[k]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] masks(int length) {
    byte[] mask = new byte[length];
    java.util.Arrays.fill(mask, MASK);
    return mask;
  }
}
