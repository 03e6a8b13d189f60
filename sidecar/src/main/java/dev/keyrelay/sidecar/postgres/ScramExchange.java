package dev.keyrelay.sidecar.postgres;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.util.TlsServerEndpoint;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * One SCRAM-SHA-256 login to an upstream, over com.ongres.scram (the library pgjdbc uses). With a
 * channel binding (TLS up) it picks {@code SCRAM-SHA-256-PLUS} when the server offers it. The
 * salted password comes from {@link ScramKeys}, so PBKDF2 runs once per salt, not per session.
 */
final class ScramExchange {

  private static final byte[] NOT_YET_SALTED = new byte[32];
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<String> offered;
  private final String password;
  private final byte[] channelBinding;
  private final String nonce;
  private final ScramClient first;
  private ScramClient client;

  /**
   * @param channelBindingOrNull {@code tls-server-end-point} data of the upstream certificate, or
   *     null without TLS
   */
  ScramExchange(List<String> offered, String password, byte[] channelBindingOrNull) {
    this.offered = offered;
    this.password = password;
    this.channelBinding = channelBindingOrNull;
    this.nonce = ScramFunctions.nonce(24, RANDOM);
    this.first = builder(NOT_YET_SALTED);
  }

  /** The mechanism chosen from what the server offered. */
  String mechanism() {
    return first.getScramMechanism().getName();
  }

  String clientFirst() {
    return first.clientFirstMessage().toString();
  }

  /** Whether {@link #clientFinal} will have to run PBKDF2 (then it belongs off an event loop). */
  boolean needsDerivation(String serverFirst, ScramKeys keys) throws ScramException {
    ServerFirstMessage parsed = ServerFirstMessage.parseFrom(serverFirst, nonce);
    return !keys.isCached(
        first.getScramMechanism(),
        password,
        Base64.getDecoder().decode(parsed.getSalt()),
        parsed.getIterationCount());
  }

  String clientFinal(String serverFirst, ScramKeys keys) throws ScramException {
    ServerFirstMessage parsed = ServerFirstMessage.parseFrom(serverFirst, nonce);
    byte[] salted =
        keys.saltedPassword(
            first.getScramMechanism(),
            password,
            Base64.getDecoder().decode(parsed.getSalt()),
            parsed.getIterationCount());
    client = builder(salted);
    client.clientFirstMessage();
    client.serverFirstMessage(serverFirst);
    return client.clientFinalMessage().toString();
  }

  /** Checks the server's signature: the server proved it knows the password too. */
  void serverFinal(String serverFinal) throws ScramException {
    client.serverFinalMessage(serverFinal);
  }

  private ScramClient builder(byte[] salted) {
    ScramClient.FinalBuildStage stage =
        ScramClient.builder()
            .advertisedMechanisms(offered)
            .username("*") // PostgreSQL takes the user from the startup message
            .saltedPassword(salted)
            .nonceSupplier(() -> nonce);
    if (channelBinding != null) {
      stage.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT, channelBinding);
    }
    return stage.build();
  }
}
