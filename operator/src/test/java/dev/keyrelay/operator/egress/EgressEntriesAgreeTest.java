package dev.keyrelay.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.sidecar.config.ConfigException;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.EgressSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's entry check and the sidecar's config loader give the same answer, so a policy the
 * operator applies is one every sidecar loads; and a rendered egress block loads as intended.
 */
class EgressEntriesAgreeTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "api.example.com",
        "api.example.com:443",
        "*.example.com",
        "*.example.com:8443",
        "10.0.0.0/8",
        "10.1.2.3",
        "fd00::/8",
        "::1",
        "[fd00::1]:443",
        "EXAMPLE.com.",
      })
  void bothAcceptAValidEntry(String entry) throws Exception {
    assertThat(EgressPolicyValidator.entryProblem(entry)).isEmpty();
    assertThat(load(Map.of("blockList", List.of(entry))).blockList()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1/8",
        "10.0.0.0/33",
        "10.0.0.0/x",
        "999.1.1.1/8",
        "api.example.com:0",
        "api.example.com:70000",
        "api.example.com:https",
        "*.10.0.0.1",
        "*.*.example.com",
        "api.*.example.com",
        "[fd00::1",
        "[fd00::1]x",
        "fd00::zz",
        "exa mple.com",
      })
  void bothRefuseAnInvalidEntry(String entry) {
    assertThat(EgressPolicyValidator.entryProblem(entry)).as(entry).isPresent();
    assertThatThrownBy(() -> load(Map.of("blockList", List.of(entry))))
        .as(entry)
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void aRenderedAllowListLoadsWithExceptionsAllowedAndMetadataBlocked() throws Exception {
    EgressRules rules =
        new EgressRules(
            EgressMode.ALLOW_LIST,
            List.of("*.github.com"),
            List.of("gist.github.com"),
            List.of("10.20.0.0/16"));

    EgressSettings loaded = load(rules.sidecarBlock());

    assertThat(loaded.allowList())
        .map(Object::toString)
        .containsExactly("*.github.com", "10.20.0.0/16");
    assertThat(loaded.exceptions()).map(Object::toString).containsExactly("10.20.0.0/16");
    assertThat(loaded.blockList())
        .map(Object::toString)
        .containsExactly(
            "gist.github.com",
            "169.254.169.254/32",
            "fd00:ec2::254/128",
            "metadata.google.internal");
  }

  private EgressSettings load(Map<String, Object> egress) throws Exception {
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(
        file,
        Yaml.MAPPER.writeValueAsString(
            Map.of("ca", Map.of("dir", dir.resolve("ca").toString()), "egress", egress)));
    return ConfigLoader.load(file).egress();
  }
}
