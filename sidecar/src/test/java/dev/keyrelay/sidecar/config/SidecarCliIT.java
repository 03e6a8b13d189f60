package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.SidecarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar refuses a bad config at start with a message naming file, field and reason. */
class SidecarCliIT {

  @TempDir Path dir;

  private SidecarProcess.Result runWith(String yaml) throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, yaml);
    return SidecarProcess.run(config, Duration.ofSeconds(30));
  }

  @Test
  void reservedHeaderIsRejectedNamingFileAndField() throws Exception {
    SidecarProcess.Result result =
        runWith(
            """
            routes:
              - name: bad
                match: { host: api.example.com }
                auth: { type: header, headerName: Content-Length }
                secret: { env: X }
            """);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .contains(dir.resolve("bad.yaml").toString())
        .contains("routes[0].auth.headerName")
        .containsIgnoringCase("reserved");
  }

  @Test
  void unknownKeyIsRejected() throws Exception {
    SidecarProcess.Result result = runWith("proxy: { listne: 127.0.0.1:6790 }\n");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("proxy.listne");
  }

  @Test
  void nonLoopbackProxyNeedsExplicitOptIn() throws Exception {
    SidecarProcess.Result result = runWith("proxy: { listen: 0.0.0.0:6790 }\n");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("proxy.listen").contains("allowNonLoopback");
  }
}
