package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kubelet's rendering of labels and annotations, with Go-quoted values. */
class DownwardApiFileTest {

  @Test
  void readsKeyValueLinesAsTheKubeletWritesThem() {
    String content =
        "app=\"agent\"\n"
            + "keyrelay.dev/routes=\"openai, github\"\n"
            + "kubectl.kubernetes.io/last-applied-configuration=\"{\\\"a\\\":1}\\n\"\n"
            + "empty=\"\"";

    assertThat(DownwardApiFile.parse(content))
        .containsExactly(
            Map.entry("app", "agent"),
            Map.entry("keyrelay.dev/routes", "openai, github"),
            Map.entry("kubectl.kubernetes.io/last-applied-configuration", "{\"a\":1}\n"),
            Map.entry("empty", ""));
  }

  @Test
  void decodesEveryGoEscape() {
    String content =
        "k=\"tab\\there \\\\ \\a\\b\\f\\r\\v \\x41\\101 "
            + "\\u00e9\\U0001F600 caf\u00e9 \\xc3\\xa9\"\n";

    assertThat(DownwardApiFile.parse(content).get("k"))
        .isEqualTo("tab\there \\ \u0007\b\f\r\u000b AA \u00e9\uD83D\uDE00 caf\u00e9 \u00e9");
  }

  @Test
  void anEmptyFileHasNoEntries() {
    assertThat(DownwardApiFile.parse("")).isEmpty();
    assertThat(DownwardApiFile.parse("\n")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app=agent",
        "=\"x\"",
        "app",
        "app=\"unterminated",
        "app=\"a\"b\"",
        "app=\"bad \\q escape\"",
        "app=\"short \\x4\"",
        "app=\"lone \\\"",
        "ok=\"2\""
      })
  void refusesAMalformedLineNamingItButNotItsValue(String content) {
    assertThatThrownBy(() -> DownwardApiFile.parse("ok=\"1\"\n" + content))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("line 2 ")
        .hasMessageNotContaining("agent")
        .hasMessageNotContaining("unterminated");
  }
}
