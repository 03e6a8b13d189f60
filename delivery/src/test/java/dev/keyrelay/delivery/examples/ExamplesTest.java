package dev.keyrelay.delivery.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.contract.HostNames;
import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.delivery.examples.KubernetesManifests.Manifest;
import dev.keyrelay.operator.api.v1alpha1.CrdSchemaCheck;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteSpec;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicyNames;
import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.config.VaultConnection;
import dev.keyrelay.operator.egress.EgressPolicyValidator;
import dev.keyrelay.operator.route.NamespaceRoutes;
import dev.keyrelay.operator.route.RouteSpecValidator;
import dev.keyrelay.operator.route.RoutesConfigRenderer;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SidecarConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under {@code examples/} and {@code crds/} is what it claims to be: Kubernetes objects
 * in fabric8's model with no unknown field, CredentialRoutes the API server and the operator
 * accept, the Secrets those routes expect (with placeholder values), and the laptop sidecar config.
 */
class ExamplesTest {

  private static final VaultConnection VAULT =
      new VaultConnection("https://vault.example:8200", "keyrelay-agent");

  @Test
  void everyManifestUnderExamplesAndCrdsParsesAsTheObjectItClaimsToBe() throws Exception {
    List<Manifest> examples = Examples.manifests();
    assertThat(examples)
        .extracting(Manifest::kind)
        .contains(
            "Namespace",
            "Secret",
            "CredentialRoute",
            "EgressPolicy",
            "Deployment",
            "Job",
            "ServiceAccount");

    for (Path crd : Examples.yamlFiles(Path.of("../crds"))) {
      assertThat(KubernetesManifests.read(crd))
          .as(crd.toString())
          .isNotEmpty()
          .allSatisfy(m -> assertThat(m.object()).isInstanceOf(CustomResourceDefinition.class));
    }
  }

  @Test
  void theStrictReaderRefusesAMisspelledFieldAndAnUnknownKind(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(
        typo,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: {k: v}\n---\n"
            + "apiVersion: keyrelay.dev/v1alpha1\nkind: CredentialRoute\nmetadata: {name: b}\n"
            + "spec: {http: {host: h, auth: {type: basic, usename: x}}}\n");
    assertThatThrownBy(() -> KubernetesManifests.read(typo))
        .hasMessageContaining(typo + " document 2 (CredentialRoute b)")
        .hasMessageContaining("\"usename\"");

    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: c}\n");
    assertThatThrownBy(() -> KubernetesManifests.read(unknown))
        .hasMessageContaining("document 1: no fabric8 model class for example.com/v1 Gadget");
  }

  @Test
  void everyExampleRouteIsAdmittedByTheCrdSchemaAndAcceptedByTheOperator() throws Exception {
    CrdSchemaCheck schema = CrdSchemaCheck.committed();
    List<Manifest> routes = Examples.routes();
    for (Manifest m : routes) {
      assertThat(schema.validate(m.tree())).as(m.toString()).isEmpty();
      assertThat(RouteSpecValidator.validate(spec(m))).as(m.toString()).isEmpty();
    }
    Map<String, List<CredentialRoute>> byNamespace =
        routes.stream()
            .map(m -> (CredentialRoute) m.object())
            .collect(Collectors.groupingBy(r -> r.getMetadata().getNamespace()));
    byNamespace.forEach(
        (namespace, inNamespace) ->
            assertThat(NamespaceRoutes.evaluate(inNamespace).values())
                .as(namespace)
                .allSatisfy(v -> assertThat(v.accepted()).as(v.toString()).isTrue()));
  }

  @Test
  void everyExampleEgressPolicyIsAdmittedByItsCrdAndAppliedByTheOperator() throws Exception {
    CrdSchemaCheck schema = CrdSchemaCheck.committed(EgressPolicyNames.CRD_NAME);
    List<Manifest> policies = Examples.egressPolicies();
    assertThat(policies).isNotEmpty();
    for (Manifest m : policies) {
      assertThat(schema.validate(m.tree())).as(m.toString()).isEmpty();
      assertThat(EgressPolicyValidator.validate((EgressPolicy) m.object()))
          .as(m.toString())
          .isEmpty();
    }
  }

  @Test
  void theExamplesCoverEachCredentialShape() throws Exception {
    Map<String, String> shapes =
        Examples.routes().stream()
            .collect(
                Collectors.toMap(
                    m ->
                        m.object().getMetadata().getNamespace()
                            + "/"
                            + m.object().getMetadata().getName(),
                    m -> shape(spec(m))));
    assertThat(shapes)
        .containsEntry("ai-agents/anthropic", "header x-api-key from Secret")
        .containsEntry("ai-agents/openai", "header Authorization Bearer from Secret")
        .containsEntry("ai-agents/github-api", "header Authorization Bearer from Secret")
        .containsEntry("ai-agents/github-git", "basic x-access-token from Secret")
        .containsEntry("ai-agents/orders-db", "postgres :15432 from Secret")
        .containsEntry("ai-agents-vault/github-api", "header Authorization Bearer from Vault")
        .containsEntry(
            "ai-agents-vault/orders-db", "postgres :15432 from Vault database orders-agent")
        .containsEntry(
            "ai-agents-github-app/github-api", "header Authorization Bearer from GitHub App")
        .containsEntry("ai-agents-github-app/github-git", "basic x-access-token from GitHub App")
        .containsEntry(
            "ai-agents-github-app/billing-api",
            "header Authorization Bearer from OAuth2 client_credentials")
        .containsEntry(
            "ai-agents-github-app/assistant",
            "header Authorization Bearer from OAuth2 refresh_token")
        .containsEntry(
            "ai-agents-bedrock/bedrock-runtime", "awsSigV4 bedrock us-east-1 from AWS STS")
        .containsEntry("ai-agents-bedrock/bedrock", "awsSigV4 bedrock us-east-1 from AWS keys");
  }

  @Test
  void eachRouteSecretIsInTheRoutesFileWithPlaceholderValuesOnly() throws Exception {
    List<Manifest> all = Examples.manifests();
    for (Manifest route : Examples.routes()) {
      KeyRef ref = spec(route).getSecret().getKubernetes();
      if (ref == null) {
        continue;
      }
      assertThat(all)
          .as("%s names Secret %s, key %s", route, ref.getName(), ref.getKey())
          .filteredOn(m -> m.file().equals(route.file()) && m.object() instanceof Secret)
          .map(m -> (Secret) m.object())
          .anySatisfy(
              s -> {
                assertThat(s.getMetadata().getName()).isEqualTo(ref.getName());
                assertThat(s.getMetadata().getNamespace())
                    .isEqualTo(route.object().getMetadata().getNamespace());
                assertThat(s.getStringData()).containsKey(ref.getKey());
              });
    }
    assertThat(all)
        .filteredOn(m -> m.object() instanceof Secret)
        .isNotEmpty()
        .allSatisfy(
            m -> {
              Secret s = (Secret) m.object();
              assertThat(s.getData()).as(m.toString()).isNullOrEmpty();
              assertThat(s.getStringData().values())
                  .as(m.toString())
                  .allSatisfy(v -> assertThat(v).startsWith("REPLACE_ME"));
            });
  }

  @Test
  void theLaptopConfigOfTheQuickStartLoadsWithTheSidecarsLoader() throws Exception {
    SidecarConfig config = ConfigLoader.load(Examples.LOCAL_SIDECAR_CONFIG);

    // The Quick start exports HTTPS_PROXY and the CA bundle path from these.
    assertThat(config.proxy().listen()).isEqualTo(new HostPort("127.0.0.1", 6790));
    assertThat(config.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9090));
    assertThat(config.ca().dir()).isEqualTo(Path.of("/tmp/keyrelay"));
    assertThat(config.routes())
        .extracting(Route::name)
        .containsExactly("anthropic", "openai", "github-api", "github-git");
  }

  /**
   * The contract between operator and sidecar, end to end: what the operator publishes for each
   * example namespace is a config the sidecar loads, with every route and listener it rendered.
   */
  @Test
  void theOperatorsRenderedConfigForEachExampleNamespaceLoadsWithTheSidecarsLoader(
      @TempDir Path dir) throws Exception {
    for (Map.Entry<String, List<CredentialRoute>> namespace : routesByNamespace().entrySet()) {
      // A pod that every example route selects (app: coding-agent).
      SidecarConfig config =
          sidecarLoads(dir, namespace.getKey(), namespace.getValue(), "app=\"coding-agent\"\n");

      List<String> names =
          namespace.getValue().stream().map(r -> r.getMetadata().getName()).sorted().toList();
      assertThat(loadedNames(config)).as(namespace.getKey()).isEqualTo(names);
      for (CredentialRoute route : namespace.getValue()) {
        if (route.getSpec().getHttp() != null) {
          assertThat(config.routes())
              .filteredOn(r -> r.name().equals(route.getMetadata().getName()))
              .singleElement()
              .satisfies(
                  r ->
                      assertThat(r.match().host())
                          .isEqualTo(HostNames.canonical(route.getSpec().getHttp().getHost())));
        }
      }
    }
  }

  @Test
  void theShortLivedExamplesRenderIntoASidecarConfigTheSidecarLoads(@TempDir Path dir)
      throws Exception {
    SidecarConfig config =
        sidecarLoads(
            dir,
            "github-app",
            routesByNamespace().get("ai-agents-github-app"),
            "app=\"coding-agent\"\n");

    Map<String, SecretRef> secrets =
        config.routes().stream().collect(Collectors.toMap(Route::name, Route::secret));
    assertThat(secrets.get("github-api")).isEqualTo(secrets.get("github-git"));
    assertThat(secrets.get("github-api"))
        .isInstanceOfSatisfying(
            SecretRef.GitHubApp.class,
            app -> {
              assertThat(app.installationId()).isEqualTo(7654321L);
              assertThat(app.privateKey().describe())
                  .isEqualTo("kubernetes secret github-app/private-key.pem");
              assertThat(app.permissions()).containsEntry("contents", "write");
            });
    assertThat(secrets.get("billing-api"))
        .isInstanceOfSatisfying(
            SecretRef.OAuth2.class,
            oauth2 ->
                assertThat(oauth2.grantType())
                    .isEqualTo(SecretRef.OAuth2.GrantType.CLIENT_CREDENTIALS));
    assertThat(secrets.get("assistant"))
        .isInstanceOfSatisfying(
            SecretRef.OAuth2.class,
            oauth2 ->
                assertThat(oauth2.refreshToken().describe())
                    .isEqualTo("kubernetes secret oauth-clients/assistant-refresh-token"));
  }

  @Test
  void theBedrockExampleRendersIntoSigningRoutesTheSidecarLoads(@TempDir Path dir)
      throws Exception {
    SidecarConfig config =
        sidecarLoads(
            dir, "bedrock", routesByNamespace().get("ai-agents-bedrock"), "app=\"coding-agent\"\n");

    Map<String, Route> routes =
        config.routes().stream().collect(Collectors.toMap(Route::name, r -> r));
    assertThat(routes.get("bedrock-runtime").auth())
        .isEqualTo(new RouteAuth.AwsSigV4("bedrock", "us-east-1"));
    assertThat(routes.get("bedrock-runtime").secret())
        .isInstanceOfSatisfying(
            SecretRef.AwsWebIdentity.class,
            identity -> {
              assertThat(identity.roleArn())
                  .isEqualTo("arn:aws:iam::123456789012:role/coding-agent-bedrock");
              assertThat(identity.tokenFile())
                  .isEqualTo(Path.of("/var/run/secrets/eks.amazonaws.com/serviceaccount/token"));
              assertThat(identity.stsUrl()).hasToString("https://sts.us-east-1.amazonaws.com");
            });
    assertThat(routes.get("bedrock").secret())
        .isInstanceOfSatisfying(
            SecretRef.Aws.class,
            aws -> {
              assertThat(aws.secretAccessKey().describe())
                  .isEqualTo("kubernetes secret bedrock-keys/secret-access-key");
              assertThat(aws.sessionToken()).isNull();
            });
  }

  /** A pod with other labels gets, from the same rendered config, only the unselective routes. */
  @Test
  void aPodThatTheExampleSelectorsDoNotSelectGetsOnlyTheRoutesWithoutASelector(@TempDir Path dir)
      throws Exception {
    for (Map.Entry<String, List<CredentialRoute>> namespace : routesByNamespace().entrySet()) {
      SidecarConfig config =
          sidecarLoads(dir, namespace.getKey(), namespace.getValue(), "app=\"reviewer\"\n");

      List<String> unselective =
          namespace.getValue().stream()
              .filter(r -> r.getSpec().getPodSelector() == null)
              .map(r -> r.getMetadata().getName())
              .sorted()
              .toList();
      assertThat(loadedNames(config)).as(namespace.getKey()).isEqualTo(unselective);
    }
  }

  private static Map<String, List<CredentialRoute>> routesByNamespace() throws Exception {
    return Examples.routes().stream()
        .map(m -> (CredentialRoute) m.object())
        .collect(Collectors.groupingBy(r -> r.getMetadata().getNamespace()));
  }

  /**
   * What the sidecar of a pod labelled {@code labels} loads from the config the operator renders
   * for {@code routes}, with the pod's downward-API files under {@code dir}.
   */
  private static SidecarConfig sidecarLoads(
      Path dir, String name, List<CredentialRoute> routes, String labels) throws Exception {
    Path podinfo = Files.createDirectories(dir.resolve(name + "-podinfo"));
    Files.writeString(podinfo.resolve("labels"), labels);
    Files.writeString(podinfo.resolve("annotations"), "keyrelay.dev/inject=\"true\"\n");
    String rendered = RoutesConfigRenderer.render(routes, VAULT).routesYaml();
    assertThat(rendered).contains(PodLayout.LABELS_FILE, PodLayout.ANNOTATIONS_FILE);
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, rendered.replace(PodLayout.PODINFO_DIR, podinfo.toString()));
    return ConfigLoader.load(file);
  }

  private static List<String> loadedNames(SidecarConfig config) {
    return Stream.concat(
            config.routes().stream().map(Route::name),
            config.listeners().stream().map(PostgresListener::name))
        .sorted()
        .toList();
  }

  private static CredentialRouteSpec spec(Manifest m) {
    return ((CredentialRoute) m.object()).getSpec();
  }

  private static String shape(CredentialRouteSpec spec) {
    var secret = spec.getSecret();
    String source =
        secret.getVault() != null
            ? "Vault"
            : secret.getVaultDatabase() != null
                ? "Vault database " + secret.getVaultDatabase().getRole()
                : secret.getOauth2() != null
                    ? "OAuth2 " + secret.getOauth2().getGrantType()
                    : secret.getGithubApp() != null
                        ? "GitHub App"
                        : secret.getAws() != null
                            ? "AWS keys"
                            : secret.getAwsWebIdentity() != null ? "AWS STS" : "Secret";
    if (spec.getPostgres() != null) {
      return "postgres :" + spec.getPostgres().getListenPort() + " from " + source;
    }
    var auth = spec.getHttp().getAuth();
    String how =
        switch (auth.getType()) {
          case HEADER ->
              "header "
                  + auth.getHeaderName()
                  + (auth.getScheme() == null ? "" : " " + auth.getScheme());
          case BASIC -> "basic " + auth.getUsername();
          case AWS_SIG_V4 -> "awsSigV4 " + auth.getService() + " " + auth.getRegion();
        };
    return how + " from " + source;
  }
}
