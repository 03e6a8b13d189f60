package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart ships exactly the generated CRDs of the top-level crds/ (copied by -Pupdate-crds). */
class ChartCrdsTest {

  private static final Path TOP_LEVEL = Path.of("../crds");
  private static final Path IN_CHART = HelmChart.SOURCE.resolve("crds");

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void chartCrdsAreByteForByteTheTopLevelOnes() throws Exception {
    List<String> names = names(TOP_LEVEL);
    assertThat(names).isNotEmpty();
    assertThat(names(IN_CHART)).as("files in %s", IN_CHART).isEqualTo(names);
    for (String name : names) {
      assertThat(Files.readString(IN_CHART.resolve(name)))
          .as(
              "%s drifted from crds/%s; run 'mvn -B -pl operator process-classes -Pupdate-crds'"
                  + " and commit both copies",
              IN_CHART.resolve(name), name)
          .isEqualTo(Files.readString(TOP_LEVEL.resolve(name)));
    }
  }

  @Test
  void chartCrdsAreCustomResourceDefinitions() throws Exception {
    for (String name : names(IN_CHART)) {
      List<HasMetadata> docs =
          StrictKubernetesYaml.parseAll(Files.readString(IN_CHART.resolve(name)), name);
      assertThat(docs).as(name).isNotEmpty().allMatch(CustomResourceDefinition.class::isInstance);
    }
  }
}
