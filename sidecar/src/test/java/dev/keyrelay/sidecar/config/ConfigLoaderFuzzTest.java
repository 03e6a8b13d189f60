package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link ConfigLoader} with arbitrary file contents: each load gives a config, or a {@link
 * ConfigException} with at least one problem, every one of them naming the file; never another
 * exception or error.
 */
class ConfigLoaderFuzzTest {

  @TempDir Path dir;

  @FuzzTest(maxDuration = "10s")
  void anyFileLoadsOrFailsWithProblemsNamingIt(byte[] content) throws Exception {
    Path file = Files.write(dir.resolve("keyrelay.yaml"), content);
    try {
      assertThat(ConfigLoader.load(file)).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.problems())
          .isNotEmpty()
          .allSatisfy(problem -> assertThat(problem).startsWith(file.toAbsolutePath() + ": "));
    }
  }
}
