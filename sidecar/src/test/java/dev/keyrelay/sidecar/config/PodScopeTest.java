package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which routes and listeners of the file apply to the pod named by the {@code pod} block. */
class PodScopeTest {

  private static final String POD =
      "pod: { labelsFile: podinfo/labels, annotationsFile: podinfo/annotations }\n";

  private static final String ROUTES =
      """
      routes:
        - name: everyone
          match: { host: everyone.example }
          auth: { type: header, headerName: x-key }
          secret: { env: KEY }
        - name: agents
          match: { host: agents.example }
          auth: { type: header, headerName: x-key }
          secret: { file: agents-token }
          podSelector: { matchLabels: { app: agent } }
        - name: gold
          match: { host: gold.example }
          auth: { type: header, headerName: x-key }
          secret: { vault: { path: kv/data/gold, field: key } }
          podSelector:
            matchExpressions:
              - { key: tier, operator: In, values: [ gold, platinum ] }
      vault: { address: "http://127.0.0.1:8200", auth: { tokenFile: vault-token } }
      listeners:
        - name: orders-db
          postgres: { listen: 127.0.0.1:15432, upstream: { host: db }, user: u }
          secret: { env: PW }
          podSelector:
            matchExpressions: [ { key: app, operator: Exists } ]
        - name: billing-db
          postgres: { listen: 127.0.0.1:15433, upstream: { host: db }, user: u }
          secret: { env: PW }
          podSelector: { matchLabels: { team: billing } }
      """;

  @TempDir Path dir;

  private SidecarConfig load(String labels, String annotations) throws Exception {
    ConfigFiles.write(dir, "podinfo/labels", labels);
    ConfigFiles.write(dir, "podinfo/annotations", annotations);
    return ConfigLoader.load(ConfigFiles.write(dir, "keyrelay.yaml", POD + ROUTES));
  }

  @Test
  void withoutAPodBlockEveryRouteAndListenerApplies() throws Exception {
    SidecarConfig config = ConfigLoader.load(ConfigFiles.write(dir, "keyrelay.yaml", ROUTES));

    assertThat(config.pod()).isNull();
    assertThat(config.routes())
        .extracting(Route::name)
        .containsExactly("everyone", "agents", "gold");
    assertThat(config.listeners())
        .extracting(PostgresListener::name)
        .containsExactly("orders-db", "billing-db");
  }

  @Test
  void onlyRoutesAndListenersWhoseSelectorMatchesThePodLabelsApply() throws Exception {
    SidecarConfig config = load("app=\"agent\"\ntier=\"silver\"\n", "");

    assertThat(config.pod())
        .isEqualTo(
            new PodSettings(dir.resolve("podinfo/labels"), dir.resolve("podinfo/annotations")));
    assertThat(config.routes()).extracting(Route::name).containsExactly("everyone", "agents");
    assertThat(config.listeners()).extracting(PostgresListener::name).containsExactly("orders-db");
    assertThat(config.withheld())
        .containsExactly(
            new Withheld("gold", "http", "its podSelector does not match this pod's labels"),
            new Withheld(
                "billing-db", "postgres", "its podSelector does not match this pod's labels"));
  }

  @Test
  void aPodWithoutLabelsGetsOnlyTheRoutesWithoutRequirements() throws Exception {
    SidecarConfig config = load("", "");

    assertThat(config.routes()).extracting(Route::name).containsExactly("everyone");
    assertThat(config.listeners()).isEmpty();
  }

  @Test
  void theRoutesAnnotationNarrowsToTheNamedRoutesThatAlsoSelectThePod() throws Exception {
    SidecarConfig config =
        load(
            "app=\"agent\"\ntier=\"gold\"\nteam=\"billing\"\n",
            "keyrelay.dev/routes=\"gold, billing-db,everyone-else\"\nother=\"x\"\n");

    assertThat(config.routes()).extracting(Route::name).containsExactly("gold");
    assertThat(config.listeners()).extracting(PostgresListener::name).containsExactly("billing-db");
    assertThat(config.withheld())
        .filteredOn(w -> w.name().equals("everyone"))
        .singleElement()
        .isEqualTo(
            new Withheld(
                "everyone", "http", "this pod's keyrelay.dev/routes annotation does not name it"));
  }

  @Test
  void aRouteThatDoesNotApplyIsStillValidated() {
    String yaml =
        POD
            + """
            routes:
              - name: other
                match: { host: other.example }
                auth: { type: header, headerName: Host }
                secret: { env: KEY }
                podSelector:
                  matchLabels: { team: other }
                  matchExpressions:
                    - { key: tier, operator: Exists, values: [ gold ] }
                    - { key: tier, operator: In }
                    - { key: tier, operator: Matches, values: [ a ] }
            """;
    ConfigFiles.write(dir, "podinfo/labels", "");
    ConfigFiles.write(dir, "podinfo/annotations", "");

    assertThatThrownBy(() -> ConfigLoader.load(ConfigFiles.write(dir, "keyrelay.yaml", yaml)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routes[0].auth.headerName")
        .hasMessageContaining(
            "routes[0].podSelector.matchExpressions[0].values: must be empty for Exists")
        .hasMessageContaining(
            "routes[0].podSelector.matchExpressions[1].values: must not be empty for In")
        .hasMessageContaining(
            "routes[0].podSelector.matchExpressions[2].operator: \"Matches\" is not one of In,"
                + " NotIn, Exists, DoesNotExist");
  }

  @Test
  void unreadableOrMalformedPodFilesMakeTheConfigInvalid() {
    ConfigFiles.write(dir, "podinfo/labels", "app=agent\n");

    Path file = ConfigFiles.write(dir, "keyrelay.yaml", POD + ROUTES);

    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "pod.labelsFile: line 1 is not a downward-API entry: the value is not a double-quoted"
                + " string")
        .hasMessageContaining("pod.annotationsFile: " + dir.resolve("podinfo/annotations"))
        .hasMessageNotContaining("agent");
  }

  @Test
  void thePodBlockNeedsBothFiles() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    ConfigFiles.write(dir, "keyrelay.yaml", "pod: { labelsFile: labels }\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pod.annotationsFile: is required in the pod block");
  }

  @Test
  void onlyTheCaFilesOfRoutesAndListenersThatApplyAreCheckedAndAMissingOneIsNoError()
      throws Exception {
    // The injector mounts trust volumes only for the routes that apply to the pod, and the kubelet
    // fills an optional one only once its ConfigMap or Secret exists.
    String yaml =
        POD
            + """
            routes:
              - name: other-team
                match: { host: other.example }
                upstream: { caFile: trust/other-team/ca.crt }
                auth: { type: header, headerName: x-key }
                secret: { env: KEY }
                podSelector: { matchLabels: { team: other } }
              - name: mine
                match: { host: mine.example }
                upstream: { caFile: trust/mine/ca.crt }
                auth: { type: header, headerName: x-key }
                secret: { env: KEY }
            listeners:
              - name: other-db
                postgres:
                  listen: 127.0.0.1:15432
                  upstream: { host: db, caFile: trust/other-db/ca.pem }
                  user: u
                secret: { env: PW }
                podSelector: { matchLabels: { team: other } }
            """;
    ConfigFiles.write(dir, "podinfo/labels", "team=\"mine\"\n");
    ConfigFiles.write(dir, "podinfo/annotations", "");
    ConfigFiles.write(dir, "trust/other-team/ca.crt", "not a certificate");
    ConfigFiles.write(dir, "trust/other-db/ca.pem", "not a certificate");
    Path file = ConfigFiles.write(dir, "keyrelay.yaml", yaml);

    SidecarConfig loaded = ConfigLoader.load(file);
    assertThat(loaded.routes()).extracting(Route::name).containsExactly("mine");
    assertThat(loaded.upstreamCaFiles()).containsExactly(dir.resolve("trust/mine/ca.crt"));

    ConfigFiles.write(dir, "trust/mine/ca.crt", "not a certificate");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routes[1].upstream.caFile")
        .hasMessageNotContaining("routes[0]")
        .hasMessageNotContaining("listeners[0]");
  }
}
