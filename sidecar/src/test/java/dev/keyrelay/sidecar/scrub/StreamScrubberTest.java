package dev.keyrelay.sidecar.scrub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamScrubberTest {

  private static final String SECRET = "sk-live/Abc+123=xyz\"q";
  private final Scrubbing scrubbing = new Scrubbing();

  private String scrubWhole(String text, String basicUser) {
    StreamScrubber scrubber = scrubbing.newScrubber(SECRET, basicUser);
    ByteBuf out = scrubber.scrub(buf(text), true, ByteBufAllocator.DEFAULT);
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  private static ByteBuf buf(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  @Test
  void masksTheValueWithAMaskOfTheSameLength() {
    String text = "{\"echo\":\"x-api-key: " + SECRET + "\"}";
    String scrubbed = scrubWhole(text, null);

    assertThat(scrubbed)
        .doesNotContain(SECRET)
        .hasSameSizeAs(text)
        .contains("*".repeat(SECRET.length()));
  }

  /** Base64 of the secret inside a longer Base64 text, at each of the three alignments. */
  @ParameterizedTest
  @ValueSource(strings = {"", "a", "ab", "abc"})
  void masksTheBase64OfTheSecretWhateverSurroundsIt(String prefix) {
    byte[] payload = (prefix + SECRET + "tail").getBytes(StandardCharsets.UTF_8);
    for (Base64.Encoder encoder :
        new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
      String encoded = encoder.encodeToString(payload);
      String scrubbed = scrubWhole("data=" + encoded, null);

      byte[] decoded = decodeLeniently(scrubbed.substring(5));
      assertThat(new String(decoded, StandardCharsets.UTF_8)).doesNotContain(SECRET);
      assertThat(scrubbed).hasSameSizeAs("data=" + encoded);
    }
  }

  @Test
  void masksTheBasicCredentialAsTheAuthorizationHeaderCarriesIt() {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("agent:" + SECRET).getBytes(StandardCharsets.UTF_8));

    assertThat(scrubWhole("{\"authorization\":\"" + header + "\"}", "agent"))
        .doesNotContain(header.substring(6, 30));
  }

  @Test
  void masksPercentEncodingAndJsonEscaping() {
    String percent = URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20");
    String json = SECRET.replace("\"", "\\\"").replace("/", "\\/");

    assertThat(scrubWhole("q=" + percent, null)).isEqualTo("q=" + "*".repeat(percent.length()));
    assertThat(scrubWhole("\"" + json + "\"", null))
        .isEqualTo("\"" + "*".repeat(json.length()) + "\"");
  }

  @Test
  void aSecretSplitAcrossPiecesIsStillMaskedAndNothingIsLost() {
    String text = "event: a\ndata: " + SECRET + " done\n\n";
    StringBuilder out = new StringBuilder();
    for (int cut = 1; cut < text.length(); cut++) {
      StreamScrubber scrubber = scrubbing.newScrubber(SECRET, null);
      out.setLength(0);
      append(out, scrubber.scrub(buf(text.substring(0, cut)), false, ByteBufAllocator.DEFAULT));
      append(out, scrubber.scrub(buf(text.substring(cut)), true, ByteBufAllocator.DEFAULT));

      assertThat(out.toString()).as("cut at %d", cut).doesNotContain(SECRET).hasSameSizeAs(text);
    }
  }

  @Test
  void holdsBackOnlyWhatCouldStillBecomeTheSecret() {
    StreamScrubber scrubber = scrubbing.newScrubber(SECRET, null);

    ByteBuf event = scrubber.scrub(buf("data: hello\n\n"), false, ByteBufAllocator.DEFAULT);
    assertThat(event.toString(StandardCharsets.UTF_8)).isEqualTo("data: hello\n\n");
    event.release();

    ByteBuf partial = scrubber.scrub(buf("data: sk-li"), false, ByteBufAllocator.DEFAULT);
    assertThat(partial.toString(StandardCharsets.UTF_8)).isEqualTo("data: ");
    partial.release();

    ByteBuf rest = scrubber.scrub(buf("ght\n\n"), false, ByteBufAllocator.DEFAULT);
    assertThat(rest.toString(StandardCharsets.UTF_8)).isEqualTo("sk-light\n\n");
    rest.release();
    assertThat(scrubber.masked()).isZero();
  }

  @Test
  void headerValuesAreScrubbedToo() {
    StreamScrubber scrubber = scrubbing.newScrubber(SECRET, null);

    assertThat(scrubber.scrub("Bearer " + SECRET))
        .isEqualTo("Bearer " + "*".repeat(SECRET.length()));
    assertThat(scrubber.scrub("nothing here")).isEqualTo("nothing here");
    assertThat(scrubber.masked()).isEqualTo(1);
  }

  private static void append(StringBuilder out, ByteBuf buf) {
    out.append(buf.toString(StandardCharsets.UTF_8));
    buf.release();
  }

  /** Decodes Base64 text in which masked characters became '*': they decode as zero bits. */
  private static byte[] decodeLeniently(String text) {
    String alphabet =
        text.contains("-") || text.contains("_") ? text.replace('-', '+').replace('_', '/') : text;
    return Base64.getDecoder().decode(alphabet.replace('*', 'A'));
  }
}
