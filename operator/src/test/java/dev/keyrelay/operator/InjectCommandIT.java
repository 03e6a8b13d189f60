package dev.keyrelay.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.operator.inject.InjectFixtures;
import dev.keyrelay.operator.inject.YamlDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code keyrelay-operator.jar inject} as a process, the way a GitOps pipeline would. */
class InjectCommandIT {

  @TempDir Path dir;

  private record Run(int exit, String stdout, String stderr) {}

  private Run run(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", "target/keyrelay-operator.jar"));
    command.add("inject");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> copy(p.getErrorStream(), err));
    t.start();
    copy(p.getInputStream(), out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    t.join();
    return new Run(
        p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path fixture(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, InjectFixtures.text(name));
    return file;
  }

  @Test
  void injectsPodTemplatesOfEveryWorkloadAndPassesOtherDocumentsThrough() throws Exception {
    Run run =
        run(
            "",
            "-f",
            fixture("workloads.yaml").toString(),
            "--routes",
            fixture("credential-routes.yaml").toString());

    assertThat(run.exit()).as(run.stderr()).isZero();
    List<YamlDocuments.Document> docs = YamlDocuments.split(run.stdout());
    assertThat(docs)
        .extracting(d -> d.tree().path("kind").asText())
        .containsExactly("Service", "Deployment", "CronJob", "StatefulSet");
    String[] inputs = InjectFixtures.text("workloads.yaml").split("(?m)^---\\n");
    assertThat(docs.get(0).text()).isEqualTo(inputs[0]);
    assertThat(docs.get(3).text()).isEqualTo(inputs[3]);

    JsonNode deployment = docs.get(1).tree().at("/spec/template/spec");
    assertThat(deployment.at("/initContainers/0/name").asText()).isEqualTo("keyrelay-sidecar");
    assertThat(deployment.at("/initContainers/0/restartPolicy").asText()).isEqualTo("Always");
    assertThat(deployment.at("/containers/0/env").toString())
        .contains("ANTHROPIC_API_KEY", "GH_TOKEN", "HTTPS_PROXY");
    assertThat(deployment.at("/volumes").toString())
        .contains("\"secretName\":\"anthropic\"", "\"audience\":\"vault\"");
    assertThat(docs.get(1).tree().at("/spec/replicas").asInt()).isEqualTo(2);

    JsonNode cron = docs.get(2).tree().at("/spec/jobTemplate/spec/template");
    assertThat(cron.at("/spec/initContainers/0/name").asText()).isEqualTo("keyrelay-sidecar");
    assertThat(cron.at("/metadata/annotations").toString()).contains("keyrelay.dev/injected");
    // the CronJob's pods carry no app label: only the route without a selector applies
    assertThat(cron.at("/spec/containers/0/env").toString())
        .contains("GH_TOKEN")
        .doesNotContain("ANTHROPIC_API_KEY");
  }

  @Test
  void readsStdinAndItsOwnOutputIsANoOp() throws Exception {
    Run first = run(InjectFixtures.text("agent-pod.yaml"), "-f", "-");
    assertThat(first.exit()).as(first.stderr()).isZero();
    assertThat(first.stderr()).contains("Warning: container agent sets [HTTPS_PROXY]");
    assertThat(first.stdout()).contains("keyrelay-sidecar");
    assertThat(first.stdout()).contains("automountServiceAccountToken: false");

    Run second = run(first.stdout(), "-f", "-");
    assertThat(second.exit()).isZero();
    assertThat(second.stdout()).isEqualTo(first.stdout());
  }

  @Test
  void keepingTheAgentApiTokenIsAWarningOnStderr() throws Exception {
    String pod =
        InjectFixtures.text("agent-pod.yaml")
            .replace("example.com/owner: alice", "keyrelay.dev/agent-api-token: keep");
    Run run = run(pod, "-f", "-");
    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stdout()).doesNotContain("automountServiceAccountToken");
    assertThat(run.stderr())
        .contains("Warning: keyrelay.dev/agent-api-token is \"keep\": the agent containers hold");
  }

  @Test
  void refusesABadAnnotationNamingTheDocument() throws Exception {
    String pod =
        InjectFixtures.text("agent-pod.yaml")
            .replace("example.com/owner: alice", "keyrelay.dev/native-sidecar: maybe");
    Run run = run(pod, "-f", "-");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr())
        .contains(
            "-, document 1 (Pod coding-agent-7d9f): keyrelay.dev/native-sidecar: \"maybe\" is not"
                + " valid");
  }

  @Test
  void refusesAnInvalidRoute() throws Exception {
    Path routes = dir.resolve("bad.yaml");
    Files.writeString(
        routes,
        InjectFixtures.text("credential-routes.yaml")
            .replace("headerName: x-api-key", "headerName: Host"));
    Run run = run("", "-f", "-", "--routes", routes.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).contains("CredentialRoute anthropic is refused", "Host");
  }

  @Test
  void takesARoutesFileThatCarriesItsSecretButNotOneWithoutARoute() throws Exception {
    String secret =
        "apiVersion: v1\nkind: Secret\nmetadata: {name: anthropic, namespace: agents}\n"
            + "stringData: {api-key: REPLACE_ME}\n";
    Path withSecret = dir.resolve("with-secret.yaml");
    Files.writeString(withSecret, secret + "---\n" + InjectFixtures.text("credential-routes.yaml"));
    Run run =
        run(InjectFixtures.text("agent-pod.yaml"), "-f", "-", "--routes", withSecret.toString());
    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("secretName: anthropic");

    Path onlySecret = dir.resolve("only-secret.yaml");
    Files.writeString(onlySecret, secret);
    Run refused = run("", "-f", "-", "--routes", onlySecret.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.stderr()).contains("no CredentialRoute");
  }

  @Test
  void badUsageExitsTwo() throws Exception {
    assertThat(run("", "--bogus").exit()).isEqualTo(2);
    assertThat(run("", "-f", dir.resolve("missing.yaml").toString()).stderr())
        .contains("missing.yaml");
  }
}
