package dev.keyrelay.delivery.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small Dockerfile reader the image checks rely on reads what Docker would. */
class DockerfileParsingTest {

  @TempDir Path dir;

  private Dockerfile read(String text) throws Exception {
    Path file = dir.resolve("Dockerfile");
    Files.writeString(file, text);
    return Dockerfile.read(file);
  }

  @Test
  void continuationsJoinAcrossCommentLinesAndStagesSplitAtFrom() throws Exception {
    Dockerfile d =
        read(
            """
            # syntax comment
            FROM maven:3.9 AS build
            RUN mvn \\
            # dropped by Docker, even here
                package
            from gcr.io/distroless/java17-debian12:nonroot
            ARG V=1.0
            LABEL a="x y" \\
                  b=${V} c="q\\"q"
            EXPOSE 1 2
            """);

    assertThat(d.stages()).extracting(Stage::image).containsExactly("maven:3.9", d.image().image());
    assertThat(d.stage("build").last("RUN").arguments()).isEqualTo("mvn package");
    assertThat(d.stage("build").last("RUN").line()).isEqualTo(3);
    assertThat(d.image().labels())
        .containsExactly(Map.entry("a", "x y"), Map.entry("b", "1.0"), Map.entry("c", "q\"q"));
    assertThat(d.image().exposedPorts()).containsExactly("1", "2");
  }

  @Test
  void execFormIsReadAsJsonAndAShellFormIsNotExec() throws Exception {
    Dockerfile d = read("FROM a:1\nENTRYPOINT [\"java\", \"-jar\", \"x.jar\"]\nCMD java -jar x\n");

    assertThat(d.image().last("ENTRYPOINT").execArguments())
        .containsExactly("java", "-jar", "x.jar");
    assertThat(d.image().last("CMD").execForm()).isFalse();
    assertThatThrownBy(() -> d.image().last("CMD").execArguments())
        .hasMessageContaining("Dockerfile:3: CMD: not in exec form");
  }

  @Test
  void copyFlagsAreSeparatedFromSourcesAndDestination() throws Exception {
    Dockerfile d = read("FROM a:1\nCOPY --from=build --chown=1:1 /src/a /src/b /app/\n");

    Stage.Copy copy = d.image().copies().get(0);
    assertThat(copy.from()).isEqualTo("build");
    assertThat(copy.sources()).containsExactly("/src/a", "/src/b");
    assertThat(copy.destination()).isEqualTo("/app/");
  }

  @Test
  void onlyATagOtherThanLatestOrADigestPinsAnImage() {
    assertThat(ImageReference.pinned("maven:3.9.11-eclipse-temurin-17")).isTrue();
    assertThat(ImageReference.pinned("gcr.io/distroless/java17-debian12:nonroot")).isTrue();
    assertThat(ImageReference.pinned("alpine@sha256:abc")).isTrue();
    assertThat(ImageReference.pinned("alpine:latest")).isFalse();
    assertThat(ImageReference.pinned("alpine")).isFalse();
    assertThat(ImageReference.pinned("registry:5000/alpine")).isFalse();
    assertThat(ImageReference.pinned("alpine:${TAG}")).isFalse();
  }

  @Test
  void mistakesNameTheFileAndLine() {
    assertThatThrownBy(() -> read("RUN x\n"))
        .hasMessageContaining("Dockerfile:1: RUN before the first FROM");
    assertThatThrownBy(() -> read("FROM a:1\nRUN x \\\n"))
        .hasMessageContaining("ends inside a continued line");
    assertThatThrownBy(() -> read("FROM a:1\nLABEL a=$NOPE\n").image().labels())
        .hasMessageContaining("Dockerfile:2: LABEL: $NOPE is not a declared ARG");
  }
}
