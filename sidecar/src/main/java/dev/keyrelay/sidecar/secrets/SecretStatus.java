package dev.keyrelay.sidecar.secrets;

/**
 * Whether a secret can be read right now, for the readiness report and {@code doctor}; never the
 * value.
 *
 * @param state {@code ok}, {@code stale} (Vault down, last value still served) or {@code
 *     unavailable}
 * @param detail for {@code stale} how old the served value is, for {@code unavailable} why
 */
public record SecretStatus(String state, String detail) {

  public boolean ok() {
    return !state.equals("unavailable");
  }
}
