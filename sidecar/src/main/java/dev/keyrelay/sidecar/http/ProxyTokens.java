package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.ProxyToken;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.secrets.SecretUnavailableException;
import dev.keyrelay.sidecar.secrets.SecretValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The tokens that admit a client to the proxy, and how a presented one is told apart. */
record ProxyTokens(List<ProxyToken> tokens) {

  static final ProxyTokens NONE = new ProxyTokens(List.of());

  ProxyTokens {
    tokens = List.copyOf(tokens);
  }

  boolean required() {
    return !tokens.isEmpty();
  }

  /**
   * The token a {@code Proxy-Authorization} value carries: the password of {@code Basic} (any user
   * name, so clients that only take a proxy URL with credentials work) or a {@code Bearer} token.
   */
  static Optional<String> presented(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space <= 0) {
      return Optional.empty();
    }
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = header.substring(space + 1).strip();
    if (scheme.equals("bearer")) {
      return credentials.isEmpty() ? Optional.empty() : Optional.of(credentials);
    }
    if (!scheme.equals("basic")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    return colon < 0 || colon == decoded.length() - 1
        ? Optional.empty()
        : Optional.of(decoded.substring(colon + 1));
  }

  /**
   * Completes with the name of the token equal to {@code presented}, or empty when none is. Every
   * token's value is read afresh (through the secret cache), so a rotated or removed value applies
   * to the next connection. Fails with a {@link SecretUnavailableException} only when no readable
   * token matched and some could not be read: the client may hold one of those.
   */
  CompletableFuture<Optional<String>> nameOf(SecretResolver secrets, String presented) {
    byte[] offered = presented.getBytes(StandardCharsets.UTF_8);
    List<CompletableFuture<SecretValue>> values =
        tokens.stream().map(t -> secrets.resolve(metricName(t), t.secret())).toList();
    return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new))
        .handle(
            (ignored, anyFailure) -> {
              SecretUnavailableException unreadable = null;
              for (int i = 0; i < tokens.size(); i++) {
                CompletableFuture<SecretValue> value = values.get(i);
                if (value.isCompletedExceptionally()) {
                  unreadable =
                      new SecretUnavailableException(
                          "proxy token "
                              + tokens.get(i).name()
                              + " cannot be read: "
                              + reason(value));
                  continue;
                }
                byte[] expected = value.join().reveal().getBytes(StandardCharsets.UTF_8);
                // An empty value would admit an empty password; constant time against the rest.
                if (expected.length > 0 && MessageDigest.isEqual(expected, offered)) {
                  return Optional.of(tokens.get(i).name());
                }
              }
              if (unreadable != null) {
                throw new CompletionException(unreadable);
              }
              return Optional.empty();
            });
  }

  private static String reason(CompletableFuture<SecretValue> failed) {
    try {
      failed.join();
      return "";
    } catch (CompletionException e) {
      return e.getCause() == null ? e.toString() : e.getCause().getMessage();
    }
  }

  /** The route label of the secret metrics for a token's reads. */
  private static String metricName(ProxyToken token) {
    return "proxy-token/" + token.name();
  }
}
