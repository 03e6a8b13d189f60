package dev.keyrelay.sidecar.secrets;

import java.util.Objects;

/**
 * A secret's value; it prints as redacted so that it cannot leak through a log or a message. A
 * login an issuer handed out (Vault database credentials) also carries its user name, which is not
 * secret.
 */
public final class SecretValue {

  private final String value;
  private final String user;

  public SecretValue(String value) {
    this(value, null);
  }

  private SecretValue(String value, String user) {
    this.value = Objects.requireNonNull(value, "value");
    this.user = user;
  }

  /** A password together with the user it belongs to. */
  public static SecretValue login(String user, String password) {
    return new SecretValue(password, Objects.requireNonNull(user, "user"));
  }

  /** The user this value is the password of when the store issued both, else null. */
  public String user() {
    return user;
  }

  /** What a stored value may hold. */
  public enum Form {
    /** One line of text: it travels in a header or a protocol field. */
    LINE,
    /** Lines, such as a PEM private key: used inside the sidecar, never sent as it is. */
    DOCUMENT
  }

  /**
   * A value as read from a store: one trailing newline ({@code \n} or {@code \r\n}, as editors and
   * {@code kubectl create secret --from-file} leave them) is removed, and any other control
   * character is refused, since it could split or end a header the value is injected into.
   *
   * @param source names the store for the message, e.g. "file /etc/keyrelay/token"
   */
  public static SecretValue checked(String raw, String source) throws SecretInvalidException {
    return checked(raw, source, Form.LINE);
  }

  /**
   * Like {@link #checked(String, String)}; a {@link Form#DOCUMENT} may also hold line breaks and
   * tabs.
   */
  public static SecretValue checked(String raw, String source, Form form)
      throws SecretInvalidException {
    String value = raw;
    if (value.endsWith("\n")) {
      value = value.substring(0, value.length() - (value.endsWith("\r\n") ? 2 : 1));
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean lineBreak = c == '\n' || c == '\r' || c == '\t';
      if ((c < 0x20 || c == 0x7f) && !(lineBreak && form == Form.DOCUMENT)) {
        throw new SecretInvalidException(
            source + " holds a control character (only one trailing newline is removed)");
      }
    }
    return new SecretValue(value);
  }

  /** The value itself; use it only where it is sent upstream. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other
        && value.equals(other.value)
        && Objects.equals(user, other.user);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}
