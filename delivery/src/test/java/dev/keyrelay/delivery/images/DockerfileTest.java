package dev.keyrelay.delivery.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.delivery.images.Dockerfile.Instruction;
import dev.keyrelay.delivery.images.Stage.Copy;
import dev.keyrelay.operator.OperatorMain;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.inject.EgressEnforcement;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.SidecarPaths;
import dev.keyrelay.operator.webhook.WebhookSettings;
import dev.keyrelay.sidecar.SidecarMain;
import dev.keyrelay.sidecar.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What can be checked of the two Dockerfiles without a container engine: pinned bases, the user,
 * the entrypoints the injector and the chart rely on, labels, the layer order of the build stage,
 * and that everything they copy exists where the Maven build puts it.
 */
class DockerfileTest {

  private static final Path ROOT = Path.of("..");

  /** The two images, with the module each packages and that module's main class. */
  enum Image {
    SIDECAR("Dockerfile.sidecar", "sidecar", SidecarMain.class),
    OPERATOR("Dockerfile.operator", "operator", OperatorMain.class);

    final String file;
    final String module;
    final Class<?> mainClass;

    Image(String file, String module, Class<?> mainClass) {
      this.file = file;
      this.module = module;
      this.mainClass = mainClass;
    }

    Dockerfile read() throws Exception {
      return Dockerfile.read(ROOT.resolve(file));
    }
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void everyBaseImageIsPinnedToATagThatIsNotLatest(Image image) throws Exception {
    Dockerfile dockerfile = image.read();
    for (Stage stage : dockerfile.stages()) {
      assertThat(ImageReference.pinned(stage.image()))
          .as("%s: %s must name a tag other than latest, or a digest", image.file, stage.image())
          .isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void theImageRunsAsTheNumericNonRootUserOfTheInjectedSecurityContext(Image image)
      throws Exception {
    Dockerfile dockerfile = image.read();
    for (Stage stage : dockerfile.stages()) {
      for (Instruction user : stage.all("USER")) {
        assertThat(user.arguments()).as(user.where()).matches("\\d+(:\\d+)?");
      }
    }
    Stage runtime = dockerfile.image();
    String expected = SidecarPaths.USER_ID + ":" + SidecarPaths.USER_ID;
    assertThat(runtime.last("USER").arguments()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void ociLabelsDescribeTheImageAndItsVersionIsTheInjectorsDefaultTag(Image image)
      throws Exception {
    Stage runtime = image.read().image();
    String defaultTag =
        InjectionSettings.DEFAULT_IMAGE.substring(
            InjectionSettings.DEFAULT_IMAGE.lastIndexOf(':') + 1);
    assertThat(runtime.labels())
        .containsEntry("org.opencontainers.image.title", "keyrelay-" + image.module)
        .containsEntry("org.opencontainers.image.version", defaultTag)
        .containsEntry("org.opencontainers.image.base.name", runtime.image())
        .containsKeys("org.opencontainers.image.description", "org.opencontainers.image.revision");
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void theBuildStageCopiesEveryModulePomBeforeTheFirstBuildAndSourcesAfterIt(Image image)
      throws Exception {
    Stage build = image.read().stage("build");
    List<String> modules = Poms.modules(ROOT.resolve("pom.xml"));
    List<String> poms = modules.stream().map(m -> m + "/pom.xml").toList();
    int firstRun = build.instructions().indexOf(build.all("RUN").get(0));
    List<Copy> beforeRun =
        build.copies().stream()
            .filter(c -> build.instructions().indexOf(c.instruction()) < firstRun)
            .toList();
    assertThat(beforeRun.stream().flatMap(c -> c.sources().stream()))
        .as("the reactor reads every module's pom, and only poms may come before the first RUN")
        .containsExactlyInAnyOrder(concat("pom.xml", poms));
    assertThat(build.copies())
        .filteredOn(c -> !beforeRun.contains(c))
        .flatExtracting(Copy::sources)
        .as("the module's sources and those of the contract module it builds against")
        .containsExactly("contract/src", image.module + "/src");
    assertThat(build.last("RUN").arguments())
        .isEqualTo("mvn -B -pl " + image.module + " -am package -DskipTests");
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void theJarCopiedFromTheBuildStageIsTheModulesShadedJar(Image image) throws Exception {
    Dockerfile dockerfile = image.read();
    String workdir = dockerfile.stage("build").last("WORKDIR").arguments();
    List<Copy> fromBuild =
        dockerfile.stages().stream()
            .flatMap(s -> s.copies().stream())
            .filter(c -> "build".equals(c.from()))
            .toList();
    String shaded = image.module + "/" + Poms.shadedJar(ROOT.resolve(image.module + "/pom.xml"));
    assertThat(fromBuild)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.sources()).containsExactly(workdir + "/" + shaded);
              assertThat(c.destination()).isEqualTo("/app/keyrelay-" + image.module + ".jar");
            });

    Path jar = ROOT.resolve(shaded);
    Prerequisites.require(
        Files.isRegularFile(jar), jar + " (built by mvn package, which mvn -B verify runs)");
    try (JarFile built = new JarFile(jar.toFile())) {
      assertThat(built.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(image.mainClass.getName());
    }
  }

  @ParameterizedTest
  @EnumSource(Image.class)
  void filesCopiedFromTheContextExistAndAreNotIgnored(Image image) throws Exception {
    DockerIgnore ignore = DockerIgnore.read(ROOT.resolve(".dockerignore"));
    for (Stage stage : image.read().stages()) {
      for (Copy copy : stage.copies()) {
        if (copy.from() != null) {
          continue;
        }
        for (String source : copy.sources()) {
          assertThat(ROOT.resolve(source)).as(copy.instruction().where()).exists();
          assertThat(ignore.excludes(source)).as(source + " is in .dockerignore").isFalse();
        }
      }
    }
  }

  @Test
  void dockerignoreKeepsBuildOutputDependenciesAndGitOutOfTheContext() throws Exception {
    DockerIgnore ignore = DockerIgnore.read(ROOT.resolve(".dockerignore"));
    assertThat(ignore.excludes(".git/HEAD")).isTrue();
    assertThat(ignore.excludes("sidecar/target/keyrelay-sidecar.jar")).isTrue();
    assertThat(ignore.excludes("target/x")).isTrue();
    assertThat(ignore.excludes("sidecar/src/test/node/node_modules/undici/package.json")).isTrue();
    assertThat(ignore.excludes("sidecar/src/main/java/dev/keyrelay/sidecar/SidecarMain.java"))
        .isFalse();
  }

  @Test
  void sidecarEntrypointIsTheOneTheInjectorAppendsItsArgumentsTo() throws Exception {
    Instruction entrypoint = Image.SIDECAR.read().image().last("ENTRYPOINT");
    assertThat(entrypoint.execArguments())
        .containsExactly(
            "java",
            "@/app/jvm.options",
            "-XX:SharedArchiveFile=/app/keyrelay-sidecar.jsa",
            "-jar",
            "/app/keyrelay-sidecar.jar");
  }

  @Test
  void sidecarArchiveIsTrainedInAStageOfTheRuntimeImageAndCheckedAgainstTheJarInTheImage()
      throws Exception {
    Dockerfile dockerfile = Image.SIDECAR.read();
    Stage cds = dockerfile.stage("cds");
    Stage runtime = dockerfile.image();
    assertThat(cds.image()).isEqualTo(runtime.image());
    assertThat(cds.copies())
        .filteredOn(c -> c.from() == null)
        .extracting(c -> Map.entry(c.sources().get(0), c.destination()))
        .containsExactly(
            Map.entry("sidecar/jvm.options", "/app/jvm.options"),
            Map.entry("sidecar/cds-training.yaml", "/app/cds-training.yaml"));
    assertThat(cds.last("RUN").execArguments())
        .containsExactly(
            "java",
            "-XX:ArchiveClassesAtExit=/app/keyrelay-sidecar.jsa",
            "@/app/jvm.options",
            "-jar",
            "/app/keyrelay-sidecar.jar",
            "--config",
            "/app/cds-training.yaml",
            "--exit-when-ready");

    assertThat(runtime.copies())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.from()).isEqualTo("cds");
              assertThat(c.sources()).containsExactly("/app");
              assertThat(c.destination()).isEqualTo("/app");
            });
    assertThat(runtime.last("RUN").execArguments())
        .startsWith("java")
        .contains(
            "-Xshare:on", "-XX:SharedArchiveFile=/app/keyrelay-sidecar.jsa", "@/app/jvm.options")
        .endsWith("-cp", "/app/keyrelay-sidecar.jar", "-version");
  }

  @Test
  void initImageIsTheSidecarJarOfTheSameTagOnAPinnedRuntimeWithIptables() throws Exception {
    Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile.init"));
    assertThat(dockerfile.stage("sidecar").image()).isEqualTo(InjectionSettings.DEFAULT_IMAGE);
    Stage runtime = dockerfile.image();
    assertThat(ImageReference.pinned(runtime.image())).as(runtime.image()).isTrue();
    String initTag =
        EgressEnforcement.DEFAULT_INIT_IMAGE.substring(
            EgressEnforcement.DEFAULT_INIT_IMAGE.lastIndexOf(':') + 1);
    assertThat(InjectionSettings.DEFAULT_IMAGE).endsWith(":" + initTag);
    assertThat(runtime.labels())
        .containsEntry("org.opencontainers.image.title", "keyrelay-init")
        .containsEntry("org.opencontainers.image.version", initTag)
        .containsEntry("org.opencontainers.image.base.name", runtime.image());
    assertThat(runtime.copies())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.from()).isEqualTo("sidecar");
              assertThat(c.sources()).containsExactly(SidecarPaths.JAR);
              assertThat(c.destination()).isEqualTo(SidecarPaths.JAR);
            });
    // What NetworkInitContainer runs: Java where the injected command calls it, and both restores.
    assertThat(runtime.last("RUN").arguments())
        .contains("apt-get install -y --no-install-recommends iptables")
        .contains("ln -s /opt/java/openjdk/bin/java " + SidecarPaths.JAVA)
        .contains("iptables-restore --version")
        .contains("ip6tables-restore --version");
    assertThat(runtime.last("USER").arguments()).isEqualTo("0:0");
    assertThat(runtime.last("ENTRYPOINT").execArguments())
        .containsExactly(SidecarPaths.JAVA, "-jar", SidecarPaths.JAR, "init-network");
  }

  @Test
  void sidecarExposesTheProxyAndAdminPortsTheInjectorUses() throws Exception {
    assertThat(Image.SIDECAR.read().image().exposedPorts())
        .containsExactly(
            String.valueOf(SidecarPaths.PROXY_PORT), String.valueOf(PodLayout.ADMIN_PORT));
  }

  @Test
  void operatorExposesItsDefaultAdminAndWebhookPortsAndRunsTheJarWithoutArguments()
      throws Exception {
    Stage runtime = Image.OPERATOR.read().image();
    assertThat(runtime.exposedPorts())
        .containsExactly(
            String.valueOf(OperatorSettings.fromEnvironment(Map.of()).adminPort()),
            String.valueOf(WebhookSettings.fromEnvironment(Map.of(), "keyrelay").port()));
    List<String> entrypoint = runtime.last("ENTRYPOINT").execArguments();
    assertThat(entrypoint)
        .startsWith("java")
        .endsWith("-jar", "/app/keyrelay-operator.jar")
        .contains("-XX:+ExitOnOutOfMemoryError")
        .anySatisfy(a -> assertThat(a).startsWith("-XX:MaxRAMPercentage="));
    assertThat(runtime.all("CMD")).isEmpty();
  }

  private static String[] concat(String first, List<String> rest) {
    return Stream.concat(Stream.of(first), rest.stream()).toArray(String[]::new);
  }
}
