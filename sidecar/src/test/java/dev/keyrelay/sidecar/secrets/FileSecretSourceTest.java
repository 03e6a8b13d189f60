package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.sidecar.testing.KubeletVolume;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileSecretSourceTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'token'          | 'token'
          'token\\n'       | 'token'
          'token\\r\\n'    | 'token'
          ' token \\n'     | ' token '
          """)
  void trimsExactlyOneTrailingLineEnding(String content, String expected) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, unescape(content));

    assertThat(source(file).read().reveal()).isEqualTo(unescape(expected));
  }

  /** A second line break, a bare CR or any other control character could split a header. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "token\\n\\n",
        "token\\r\\n\\n",
        "token\\r",
        "tok\\r\\nX-Injected: 1",
        "tok\\ten",
        "tok\\u0000en"
      })
  void refusesAControlCharacterOtherThanOneTrailingNewline(String content) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, unescape(content));

    assertThatThrownBy(() -> source(file).read())
        .isInstanceOf(SecretInvalidException.class)
        .hasMessage(
            "file " + file + " holds a control character (only one trailing newline is removed)");
  }

  @Test
  void emptyFileIsUnavailable() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "\n");

    assertThatThrownBy(() -> source(file).read())
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("file " + file + " is empty");
  }

  @Test
  void missingFileIsUnavailable() {
    Path file = dir.resolve("absent");

    assertThatThrownBy(() -> source(file).read())
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("file " + file + " is not readable");
  }

  @Test
  void rewrittenFileIsReadAgain() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first\n");
    FileSecretSource source = source(file);
    assertThat(source.read().reveal()).isEqualTo("first");

    Files.writeString(file, "second-longer\n");

    assertThat(source.read().reveal()).isEqualTo("second-longer");
  }

  @Test
  void unchangedFileIsServedFromMemory() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "aaaa");
    FileSecretSource source = source(file);
    assertThat(source.read().reveal()).isEqualTo("aaaa");
    FileTime modified = Files.getLastModifiedTime(file);

    // Same inode, same size, same modification time: only a cache explains the old answer.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("bbbb".getBytes(StandardCharsets.UTF_8)));
    }
    Files.setLastModifiedTime(file, modified);

    assertThat(source.read().reveal()).isEqualTo("aaaa");
  }

  @Test
  void followsKubeletSymlinkSwaps() throws Exception {
    KubeletVolume volume = KubeletVolume.create(dir.resolve("github"), "token", "v1");
    FileSecretSource source = source(volume.keyPath());
    assertThat(source.read().reveal()).isEqualTo("v1");

    volume.swap("v2");

    assertThat(source.read().reveal()).isEqualTo("v2");
  }

  private static FileSecretSource source(Path file) {
    return new FileSecretSource(file, "file " + file);
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n")
        .replace("\\r", "\r")
        .replace("\\t", "\t")
        .replace("\\u0000", "\u0000");
  }
}
