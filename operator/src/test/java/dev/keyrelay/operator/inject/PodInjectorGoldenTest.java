package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.operator.webhook.PodPatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests: a realistic pod, patched with the JSONPatch the webhook would return, equals the
 * committed expected pod. Run with {@code -Dkeyrelay.golden.update=true} to rewrite the expected
 * files after an intended change, then review the diff.
 */
class PodInjectorGoldenTest {

  @ParameterizedTest
  @ValueSource(strings = {"agent-pod", "job-pod", "enforced-pod"})
  void patchedPodEqualsTheGoldenFile(String name) throws IOException {
    Pod pod = InjectFixtures.pod(name + ".yaml");
    InjectionResult result =
        PodInjector.inject(pod, InjectFixtures.routes(), InjectFixtures.SETTINGS);
    JsonNode patch = PodPatch.between(pod, result.pod());
    JsonNode patched = JsonPatch.apply(patch, InjectFixtures.tree(name + ".yaml"));

    String expectedFile = name + ".expected.yaml";
    if (Boolean.getBoolean("keyrelay.golden.update")) {
      Files.writeString(
          Path.of("src/test/resources/inject", expectedFile),
          InjectFixtures.YAML.writerWithDefaultPrettyPrinter().writeValueAsString(patched));
    }
    assertThat(result.outcome()).isEqualTo(InjectionResult.Outcome.INJECTED);
    assertThat(InjectFixtures.YAML.writeValueAsString(patched))
        .isEqualTo(InjectFixtures.YAML.writeValueAsString(InjectFixtures.tree(expectedFile)));
  }
}
