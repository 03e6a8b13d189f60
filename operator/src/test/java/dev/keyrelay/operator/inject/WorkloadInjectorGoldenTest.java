package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Golden test for a workload: a CronJob's pod template (narrowed to one route, an existing init
 * container, a NO_PROXY from a ConfigMap) is injected in place; the rest of the CronJob is kept.
 * {@code -Dkeyrelay.golden.update=true} rewrites the expected file.
 */
class WorkloadInjectorGoldenTest {

  @Test
  void cronJobTemplateEqualsTheGoldenFile() throws IOException {
    WorkloadInjector.Result result =
        WorkloadInjector.inject(
            InjectFixtures.tree("cronjob.yaml"), InjectFixtures.routes(), InjectFixtures.SETTINGS);
    if (Boolean.getBoolean("keyrelay.golden.update")) {
      Files.writeString(
          Path.of("src/test/resources/inject/cronjob.expected.yaml"),
          YamlDocuments.write(result.document()));
    }
    assertThat(result.injection().routes()).containsExactly("anthropic");
    JsonNode expected = InjectFixtures.tree("cronjob.expected.yaml");
    assertThat(YamlDocuments.write(result.document())).isEqualTo(YamlDocuments.write(expected));

    WorkloadInjector.Result again =
        WorkloadInjector.inject(
            result.document(), InjectFixtures.routes(), InjectFixtures.SETTINGS);
    assertThat(again.injection().outcome()).isEqualTo(InjectionResult.Outcome.ALREADY_INJECTED);
  }
}
