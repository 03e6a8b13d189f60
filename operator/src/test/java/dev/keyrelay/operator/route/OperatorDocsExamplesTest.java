package dev.keyrelay.operator.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.CrdSchemaCheck;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every CredentialRoute shown in the CredentialRoute reference (docs/operator/credentialroute.md)
 * or kept under examples/ is admitted by the CRD schema and accepted by the operator, all together.
 */
class OperatorDocsExamplesTest {

  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

  @Test
  void documentedAndExampleRoutesAreAccepted() throws Exception {
    Path reference = Path.of("..", "docs", "operator", "credentialroute.md");
    List<String> documents = new ArrayList<>(fromMarkdown(reference));
    assertThat(documents)
        .as("CredentialRoute examples in " + reference)
        .hasSizeGreaterThanOrEqualTo(5);
    documents.addAll(fromExamplesDirectory(Path.of("../examples")));

    CrdSchemaCheck schema = CrdSchemaCheck.committed();
    List<CredentialRoute> routes = new ArrayList<>();
    for (String doc : documents) {
      assertThat(schema.validate(Serialization.unmarshal(doc, Map.class))).as(doc).isEmpty();
      CredentialRoute route = Serialization.unmarshal(doc, CredentialRoute.class);
      assertThat(RouteSpecValidator.validate(route.getSpec())).as(doc).isEmpty();
      routes.add(route);
    }
    routes.stream()
        .collect(Collectors.groupingBy(r -> r.getMetadata().getNamespace()))
        .values()
        .forEach(
            inNamespace ->
                assertThat(NamespaceRoutes.evaluate(inNamespace).values())
                    .allSatisfy(v -> assertThat(v.accepted()).as(v.toString()).isTrue()));
  }

  private static List<String> fromMarkdown(Path file) throws IOException {
    List<String> docs = new ArrayList<>();
    Matcher m = YAML_BLOCK.matcher(Files.readString(file));
    while (m.find()) {
      if (isRoute(m.group(1))) {
        docs.add(m.group(1));
      }
    }
    return docs;
  }

  private static List<String> fromExamplesDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
        for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
          if (isRoute(doc)) {
            docs.add(doc);
          }
        }
      }
    }
    return docs;
  }

  private static boolean isRoute(String yaml) {
    return yaml.contains("kind: CredentialRoute");
  }
}
