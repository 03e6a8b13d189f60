package dev.keyrelay.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.ReservedHeaders;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.inject.YamlDocuments;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD on a real API server: it installs, the examples pass it, its OpenAPI and CEL
 * rules refuse bad routes with a message that says what to fix, and kubectl's columns are the
 * documented ones.
 */
@ExtendWith(KubeApiServerExtension.class)
class CredentialRouteCrdIT {

  private static final String VALID_HTTP =
      "http: { host: api.example.com, auth: { type: header, headerName: x-api-key } },"
          + " secret: { kubernetes: { name: s, key: k } }";

  private static KubernetesClient admin;

  @BeforeAll
  static void installCrds(KubeApiServer server) {
    server.installCrds();
    admin = server.admin();
  }

  @Test
  void everyExampleIsAccepted(TestNamespace ns) throws Exception {
    List<String> accepted = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("../examples"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (YamlDocuments.Document doc : YamlDocuments.split(Files.readString(file))) {
          if (!doc.tree().has("apiVersion")) {
            continue; // the laptop sidecar config
          }
          GenericKubernetesResource object =
              Yaml.MAPPER.treeToValue(doc.tree(), GenericKubernetesResource.class);
          // a server-side dry run: every admission step and the CRD's rules run, nothing is
          // stored, so examples that are alternatives (the same route name) do not collide
          if (object.getKind().equals(Namespace.class.getSimpleName())) {
            admin.resource(object).dryRun().create();
          } else {
            object.getMetadata().setNamespace(ns.name());
            admin.resource(object).inNamespace(ns.name()).dryRun().create();
          }
          accepted.add(file + " " + object.getKind());
        }
      }
    }
    // a refusal throws above; this guards against a walk that found no routes in a directory
    assertThat(accepted)
        .filteredOn(s -> s.endsWith(CredentialRouteNames.KIND))
        .extracting(
            s -> Path.of(s.substring(0, s.indexOf(' '))).getParent().getFileName().toString())
        .containsOnly("routes", "short-lived", "vault")
        .hasSizeGreaterThanOrEqualTo(10);
  }

  /** A bad route, and what the API server's refusal must say. */
  static Stream<Arguments> badRoutes() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(bad("a name with dots", "api.example", VALID_HTTP, "must be a DNS label"));
    rows.add(bad("a 64-character name", "a".repeat(64), VALID_HTTP, "at most 63"));
    for (int port : List.of(6790, 9090)) {
      rows.add(
          bad(
              "listener on the sidecar's port " + port,
              "db",
              "postgres: { listenPort: "
                  + port
                  + ", upstream: { host: db.test }, user: u },"
                  + " secret: { kubernetes: { name: s, key: k } }",
              "listenPort must not be 6790 or 9090: the sidecar's proxy and admin ports"));
    }
    rows.add(
        bad(
            "65 agentEnv entries",
            "r",
            VALID_HTTP
                + ", agentEnv: { "
                + String.join(", ", IntStream.range(0, 65).mapToObj(i -> "V" + i + ": x").toList())
                + " }",
            "spec.agentEnv: Too many: 65: must have at most 64 items"));
    rows.add(
        bad(
            "an agentEnv value over 1024 characters",
            "r",
            VALID_HTTP + ", agentEnv: { KEY: " + "x".repeat(1025) + " }",
            "agentEnv names are at most 128 characters and values at most 1024"));
    rows.add(
        bad(
            "an agentEnv proxy variable",
            "r",
            VALID_HTTP + ", agentEnv: { HTTPS_PROXY: x }",
            "agentEnv must not set HTTPS_PROXY"));
    rows.add(
        bad(
            "an agentEnv name that is no variable name",
            "r",
            VALID_HTTP + ", agentEnv: { 1BAD: x }",
            "agentEnv names must be environment variable names"));
    for (String header : ReservedHeaders.NAMES) {
      rows.add(
          bad(
              "reserved header " + header,
              "r",
              "http: { host: a.test, auth: { type: header, headerName: "
                  + header
                  + " } },"
                  + " secret: { kubernetes: { name: s, key: k } }",
              "headerName must not be one of Host, Content-Length"));
    }
    rows.add(
        bad(
            "a host with a space",
            "r",
            "http: { host: 'a b.test', auth: { type: header, headerName: x-k } },"
                + " secret: { kubernetes: { name: s, key: k } }",
            "spec.http.host: Invalid value: \"a b.test\": spec.http.host in body should match"));
    rows.add(
        bad(
            "a 254-character host",
            "r",
            "http: { host: "
                + "a".repeat(254)
                + ", auth: { type: header, headerName: x-k } },"
                + " secret: { kubernetes: { name: s, key: k } }",
            "spec.http.host: Too long: may not be more than 253 bytes"));
    rows.add(
        bad(
            "Authorization without a scheme",
            "r",
            "http: { host: a.test, auth: { type: header, headerName: Authorization } },"
                + " secret: { kubernetes: { name: s, key: k } }",
            "the Authorization header needs a scheme, e.g. Bearer"));
    rows.add(
        bad(
            "both http and postgres",
            "r",
            VALID_HTTP + ", postgres: { listenPort: 15432, upstream: { host: db.test }, user: u }",
            "exactly one of spec.http or spec.postgres must be set"));
    rows.add(
        bad(
            "no secret",
            "r",
            "http: { host: a.test, auth: { type: header, headerName: x-k } }",
            "spec.secret: Required value"));
    return rows.stream();
  }

  private static Arguments bad(String what, String name, String spec, String message) {
    return Arguments.of(what, name, spec, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRoutes")
  void theApiServerRefusesABadRouteSayingWhy(
      String what, String name, String spec, String message, TestNamespace ns) {
    CredentialRoute route = TestingRoutes.route(ns.name(), name, "{ " + spec + " }");
    assertThatThrownBy(() -> admin.resource(route).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void kubectlColumnsAreTheDocumentedOnes(TestNamespace ns) throws Exception {
    admin
        .resource(TestingRoutes.headerRoute(ns.name(), "anthropic", "api.anthropic.com", "s"))
        .create();
    String url =
        admin.getMasterUrl()
            + "apis/"
            + CredentialRouteNames.API_VERSION
            + "/namespaces/"
            + ns.name()
            + "/"
            + CredentialRouteNames.PLURAL;
    HttpRequest request =
        admin
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .header("Accept", "application/json;as=Table;g=meta.k8s.io;v=v1")
            .build();
    HttpResponse<String> response = admin.getHttpClient().sendAsync(request, String.class).get();
    assertThat(response.code()).as(response.body()).isEqualTo(200);
    JsonNode table = Serialization.jsonMapper().readTree(response.body());

    List<String> shown = new ArrayList<>();
    List<String> wide = new ArrayList<>();
    for (JsonNode column : table.get("columnDefinitions")) {
      (column.path("priority").asInt() == 0 ? shown : wide).add(column.get("name").asText());
    }
    // docs/operator/credentialroute.md: NAME, AGE, AUTH, HOST, LISTEN, SECRET, READY; -o wide
    // adds VAULT and REASON
    assertThat(shown).containsExactly("Name", "Age", "Auth", "Host", "Listen", "Secret", "Ready");
    assertThat(wide).containsExactly("Vault", "Reason");
    JsonNode cells = table.get("rows").get(0).get("cells");
    assertThat(cells.get(0).asText()).isEqualTo("anthropic");
    assertThat(cells.get(2).asText()).isEqualTo("header");
    assertThat(cells.get(3).asText()).isEqualTo("api.anthropic.com");
    assertThat(cells.get(5).asText()).isEqualTo("s");
  }
}
