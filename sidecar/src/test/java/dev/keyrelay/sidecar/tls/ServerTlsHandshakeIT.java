package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JDK client that trusts only the published ca.crt talks to a server using a minted context. */
class ServerTlsHandshakeIT {

  private static final ExecutorService MINT_POOL = Executors.newSingleThreadExecutor();
  private static TlsTestServer server;
  private static SSLContext clientTrustingCaCrt;

  @TempDir static Path caDir;

  @BeforeAll
  static void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate();
    CaFiles.write(ca, caDir);
    var contexts =
        new ServerTlsContexts(new LeafCertificateMinter(ca), MINT_POOL, new SimpleMeterRegistry());
    contexts.prepare("localhost").get(10, TimeUnit.SECONDS);
    server = new TlsTestServer(ch -> contexts.newHandler(ch.alloc(), "localhost", 443));
    clientTrustingCaCrt = clientTrusting(CaFiles.caCert(caDir));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    MINT_POOL.shutdownNow();
  }

  @Test
  void httpsClientTrustingOnlyCaCrtGetsAResponse() throws Exception {
    var connection =
        (HttpsURLConnection) new URL("https://localhost:" + server.port() + "/").openConnection();
    connection.setSSLSocketFactory(clientTrustingCaCrt.getSocketFactory());

    assertThat(connection.getResponseCode()).isEqualTo(200);
    Certificate[] chain = connection.getServerCertificates();
    try (InputStream body = connection.getInputStream()) {
      assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ok");
    }
    assertThat(chain).hasSize(2); // leaf + CA
    assertThat(((X509Certificate) chain[0]).getSubjectAlternativeNames())
        .containsExactly(List.of(2, "localhost"));
  }

  @Test
  void alpnOffersH2AndHttp11() throws Exception {
    assertThat(negotiate("h2", "http/1.1")).isEqualTo("h2");
    assertThat(negotiate("http/1.1")).isEqualTo("http/1.1");
  }

  private static String negotiate(String... protocols) throws Exception {
    try (var socket =
        (SSLSocket)
            clientTrustingCaCrt.getSocketFactory().createSocket("localhost", server.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setApplicationProtocols(protocols);
      socket.setSSLParameters(parameters);

      socket.startHandshake();

      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      return socket.getApplicationProtocol();
    }
  }

  @Test
  void clientTrustingAnotherCaIsRefused() throws Exception {
    Path otherDir = Files.createTempDirectory(caDir, "other");
    CaFiles.write(CertificateAuthority.generate(), otherDir);
    var connection =
        (HttpsURLConnection) new URL("https://localhost:" + server.port() + "/").openConnection();
    connection.setSSLSocketFactory(clientTrusting(CaFiles.caCert(otherDir)).getSocketFactory());

    assertThatThrownBy(connection::getResponseCode).isInstanceOf(SSLHandshakeException.class);
  }

  private static SSLContext clientTrusting(Path caCert) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("ca", cert);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
