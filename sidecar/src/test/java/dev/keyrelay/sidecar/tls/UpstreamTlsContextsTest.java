package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.TestPki;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTlsContextsTest {

  private static final UpstreamTlsContexts UPSTREAMS = new UpstreamTlsContexts();

  @TempDir Path temp;

  @Test
  void contextsAreClientContextsCachedPerCaFile() throws Exception {
    CaFiles.write(CertificateAuthority.generate(), temp);
    Path caFile = CaFiles.caCert(temp);

    SslContext system = UPSTREAMS.forCaFile(null);
    SslContext withFile = UPSTREAMS.forCaFile(caFile);

    assertThat(system.isClient()).isTrue();
    assertThat(UPSTREAMS.forCaFile(null)).isSameAs(system);
    assertThat(withFile).isNotSameAs(system);
    assertThat(UPSTREAMS.forCaFile(temp.resolve("./ca.crt"))).isSameAs(withFile);
  }

  @Test
  void aMissingOrEmptyCaFileMakesTheTrustUnavailableNamingTheFile() throws Exception {
    Path missing = temp.resolve("missing.pem");
    Path empty = Files.writeString(temp.resolve("empty.pem"), "");

    assertThatThrownBy(() -> UPSTREAMS.forCaFile(missing))
        .isInstanceOf(TrustUnavailableException.class)
        .hasMessage("CA file " + missing + " does not exist");
    assertThatThrownBy(() -> UPSTREAMS.forCaFile(empty))
        .isInstanceOf(TrustUnavailableException.class)
        .hasMessageContaining(empty.toString());
  }

  @Test
  void refreshReadsACaFileAgainWhenItAppearsChangesOrBreaks() throws Exception {
    UpstreamTlsContexts contexts = new UpstreamTlsContexts();
    Path volume = temp.resolve("trust");
    Path caFile = volume.resolve("ca.crt");
    contexts.prepare(List.of(caFile));
    assertThatThrownBy(() -> contexts.forCaFile(caFile))
        .isInstanceOf(TrustUnavailableException.class);
    assertThat(contexts.refresh()).as("still missing").isEmpty();

    KubeletVolume trust = KubeletVolume.create(volume, "ca.crt", caPem());
    assertThat(contexts.refresh()).containsExactly(caFile);
    SslContext first = contexts.forCaFile(caFile);
    assertThat(contexts.refresh()).as("unchanged").isEmpty();
    assertThat(contexts.forCaFile(caFile)).isSameAs(first);

    trust.swap(caPem());
    assertThat(contexts.refresh()).containsExactly(caFile);
    assertThat(contexts.forCaFile(caFile)).isNotSameAs(first);

    trust.swap("not a certificate");
    assertThat(contexts.refresh()).containsExactly(caFile);
    assertThatThrownBy(() -> contexts.forCaFile(caFile))
        .isInstanceOf(TrustUnavailableException.class)
        .hasMessageContaining(caFile.toString());
  }

  private static String caPem() throws Exception {
    return TestPki.create("rotated CA").caPem();
  }

  @Test
  void handlersVerifyTheHostNameSendSniAndTimeOutHandshakes() {
    SslHandler handler =
        UpstreamTlsContexts.newHandler(
            UPSTREAMS.forCaFile(null), ByteBufAllocator.DEFAULT, "api.example.test", 443);
    try {
      SSLParameters parameters = handler.engine().getSSLParameters();

      assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      assertThat(parameters.getServerNames()).containsExactly(new SNIHostName("api.example.test"));
      assertThat(handler.engine().getPeerHost()).isEqualTo("api.example.test");
      assertThat(handler.engine().getPeerPort()).isEqualTo(443);
      assertThat(handler.getHandshakeTimeoutMillis()).isEqualTo(10_000);
    } finally {
      ReferenceCountUtil.release(handler.engine());
    }
  }

  @Test
  void ipLiteralsGetNoSni() {
    SslHandler handler =
        UpstreamTlsContexts.newHandler(
            UPSTREAMS.forCaFile(null), ByteBufAllocator.DEFAULT, "10.0.0.7", 8443);
    try {
      SSLParameters parameters = handler.engine().getSSLParameters();

      assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      assertThat(parameters.getServerNames()).isNullOrEmpty();
    } finally {
      ReferenceCountUtil.release(handler.engine());
    }
  }
}
