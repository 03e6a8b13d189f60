package dev.keyrelay.delivery.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SidecarConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The config of the image build's class-data-sharing training run is one the sidecar accepts, that
 * starts inside a build container (loopback, free ports, writes only under /tmp) and that loads the
 * classes of every kind of route and listener, so the archive covers them.
 */
class CdsTrainingConfigTest {

  private static final Path CONFIG = Path.of("../sidecar/cds-training.yaml");

  @Test
  void loadsWithTheSidecarsOwnLoader() throws Exception {
    SidecarConfig config = ConfigLoader.load(CONFIG);

    assertThat(config.proxy().listen()).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(config.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(config.listeners())
        .singleElement()
        .satisfies(l -> assertThat(l.listen().host()).isEqualTo("127.0.0.1"));
    // Raw: the directory exists only inside the image build, and startsWith would resolve it here.
    assertThat(config.ca().dir()).startsWithRaw(Path.of("/tmp"));
    assertThat(config.vault()).isNull();
  }

  @Test
  void coversBothAuthKindsWithoutReadingASecretAtStart() throws Exception {
    SidecarConfig config = ConfigLoader.load(CONFIG);

    assertThat(config.routes())
        .extracting(r -> r.auth().getClass().getSimpleName())
        .containsExactlyInAnyOrder(
            RouteAuth.Header.class.getSimpleName(), RouteAuth.Basic.class.getSimpleName());
    assertThat(config.routes())
        .extracting(r -> r.secret())
        .noneMatch(SecretRef.Env.class::isInstance);
  }
}
