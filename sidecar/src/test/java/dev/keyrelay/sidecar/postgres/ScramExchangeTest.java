package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's side of a SCRAM login against a server written here from RFC 5802 with the
 * library's primitives: the server checks the client's proof against its stored key, as PostgreSQL
 * does, so a wrong password or a wrong channel binding cannot pass.
 */
class ScramExchangeTest {

  private static final ScramMechanism SHA256 = ScramMechanism.SCRAM_SHA_256;
  private static final ScramMechanism SHA256_PLUS = ScramMechanism.SCRAM_SHA_256_PLUS;
  private static final byte[] CERT_HASH = ascii("certificate hash of the upstream");

  @Test
  void withTheRightPasswordBothSidesAcceptEachOther() throws Exception {
    Server server = new Server(SHA256, "s3cret", null);
    ScramExchange exchange = new ScramExchange(List.of("SCRAM-SHA-256"), "s3cret", null);

    assertThat(exchange.mechanism()).isEqualTo("SCRAM-SHA-256");
    String serverFirst = server.first(exchange.clientFirst());
    ScramKeys keys = new ScramKeys();
    assertThat(exchange.needsDerivation(serverFirst, keys)).isTrue();
    String serverFinal = server.last(exchange.clientFinal(serverFirst, keys));

    exchange.serverFinal(serverFinal);
    assertThat(exchange.needsDerivation(serverFirst, keys))
        .as("the salted password is cached for the next session")
        .isFalse();
  }

  @Test
  void withTlsAndPlusOfferedTheChannelIsBoundToTheUpstreamCertificate() throws Exception {
    Server server = new Server(SHA256_PLUS, "s3cret", CERT_HASH);
    ScramExchange exchange =
        new ScramExchange(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"), "s3cret", CERT_HASH);

    assertThat(exchange.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
    String serverFirst = server.first(exchange.clientFirst());
    exchange.serverFinal(server.last(exchange.clientFinal(serverFirst, new ScramKeys())));
  }

  @Test
  void aClientBoundToAnotherCertificateIsRefusedByTheServer() throws Exception {
    Server server = new Server(SHA256_PLUS, "s3cret", CERT_HASH);
    ScramExchange exchange =
        new ScramExchange(List.of("SCRAM-SHA-256-PLUS"), "s3cret", ascii("a man in the middle"));

    String serverFirst = server.first(exchange.clientFirst());
    assertThatThrownBy(() -> server.last(exchange.clientFinal(serverFirst, new ScramKeys())))
        .hasMessage("channel binding does not match");
  }

  @Test
  void aWrongPasswordIsRefusedByTheServer() throws Exception {
    Server server = new Server(SHA256, "s3cret", null);
    ScramExchange exchange = new ScramExchange(List.of("SCRAM-SHA-256"), "guess", null);

    String serverFirst = server.first(exchange.clientFirst());
    assertThatThrownBy(() -> server.last(exchange.clientFinal(serverFirst, new ScramKeys())))
        .hasMessage("wrong proof");
  }

  @Test
  void aServerThatDoesNotKnowThePasswordIsRefusedByTheClient() throws Exception {
    Server impostor = new Server(SHA256, "other", null);
    ScramExchange exchange = new ScramExchange(List.of("SCRAM-SHA-256"), "s3cret", null);

    String serverFirst = impostor.first(exchange.clientFirst());
    exchange.clientFinal(serverFirst, new ScramKeys());
    String nonce = ServerFirstMessage.parseFrom(serverFirst, impostor.clientNonce).getNonce();
    String forged = impostor.signatureFor("c=biws,r=" + nonce);

    assertThatThrownBy(() -> exchange.serverFinal(forged)).isInstanceOf(ScramException.class);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The server half of RFC 5802 for one login, with PostgreSQL's salt and iteration count. */
  private static final class Server {

    private final ScramMechanism mechanism;
    private final byte[] storedKey;
    private final byte[] serverKey;
    private final byte[] channelBinding;
    private final String salt;
    private String clientFirstBare;
    private String serverFirst;
    private String clientNonce;

    Server(ScramMechanism mechanism, String password, byte[] channelBinding) {
      this.mechanism = mechanism;
      this.channelBinding = channelBinding;
      byte[] saltBytes = ScramFunctions.salt(16, new SecureRandom());
      this.salt = Base64.getEncoder().encodeToString(saltBytes);
      byte[] salted =
          ScramFunctions.saltedPassword(
              mechanism,
              StringPreparation.POSTGRESQL_PREPARATION,
              password.toCharArray(),
              saltBytes,
              4096);
      this.storedKey =
          ScramFunctions.storedKey(mechanism, ScramFunctions.clientKey(mechanism, salted));
      this.serverKey = ScramFunctions.serverKey(mechanism, salted);
    }

    String first(String clientFirst) throws ScramException {
      ClientFirstMessage parsed = ClientFirstMessage.parseFrom(clientFirst);
      clientNonce = parsed.getClientNonce();
      // client-first-message-bare: what follows the GS2 header's two fields
      int gs2End = clientFirst.indexOf(',', clientFirst.indexOf(',') + 1);
      clientFirstBare = clientFirst.substring(gs2End + 1);
      serverFirst = new ServerFirstMessage(clientNonce, "server-nonce-1", salt, 4096).toString();
      return serverFirst;
    }

    String last(String clientFinal) {
      int proofAt = clientFinal.lastIndexOf(",p=");
      String withoutProof = clientFinal.substring(0, proofAt);
      byte[] proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
      String cbind = withoutProof.substring(2, withoutProof.indexOf(','));
      if (channelBinding != null) {
        byte[] expected = concat(ascii("p=tls-server-end-point,,"), channelBinding);
        if (!Arrays.equals(Base64.getDecoder().decode(cbind), expected)) {
          throw new IllegalStateException("channel binding does not match");
        }
      }
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      if (!ScramFunctions.verifyClientProof(mechanism, proof, storedKey, authMessage)) {
        throw new IllegalStateException("wrong proof");
      }
      return signatureFor(withoutProof);
    }

    String signatureFor(String clientFinalWithoutProof) {
      String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
      byte[] signature = ScramFunctions.serverSignature(mechanism, serverKey, authMessage);
      return "v=" + Base64.getEncoder().encodeToString(signature);
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }
}
