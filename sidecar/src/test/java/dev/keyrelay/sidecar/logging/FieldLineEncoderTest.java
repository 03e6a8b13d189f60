package dev.keyrelay.sidecar.logging;

import static dev.keyrelay.sidecar.logging.JsonField.field;
import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The direct line and the LogstashEncoder's line of the same event are the same bytes. */
class FieldLineEncoderTest {

  private static final LoggerContext CONTEXT = new LoggerContext();

  static {
    CONTEXT.setMDCAdapter(new LogbackMDCAdapter());
  }

  private static final LogstashEncoder LOGSTASH = JsonLogConfigurator.logstashEncoder(CONTEXT);

  static Stream<LoggingEvent> events() {
    return Stream.of(
        event(
            "{}",
            null,
            field("decision", "injected"),
            field("host", "api.example.com"),
            field("route", (String) null),
            field("status", 200),
            field("bytes_sent", 1L << 40),
            field("scrubbed", true),
            field("duration_ms", 0.07),
            field("big", 1.0e21)),
        // The audit log's form: the message already names the decision.
        event(
            "decision=forwarded",
            null,
            field("decision", "forwarded"),
            field("path", "/v1"),
            field("duration_ms", 12.5)),
        // Escapes: quotes, backslashes, controls, and text outside ASCII.
        event(
            "{}",
            null,
            field("path", "/a\"b\\c\n\t\u0001/\u00e9\u4e2d\ud83d\ude00"),
            field("zero", 0.0)),
        // Not only JsonFields, or more than arguments: the LogstashEncoder writes these itself.
        event("agent connection failed {} {}", null, kv("kind", "x"), field("suppressed", 3)),
        event("start-up failed", new IllegalStateException("no \"config\"")),
        event("plain", null));
  }

  private static LoggingEvent event(String message, Throwable thrown, Object... arguments) {
    LoggingEvent event =
        new LoggingEvent(
            FieldLineEncoderTest.class.getName(),
            CONTEXT.getLogger("keyrelay.audit"),
            Level.INFO,
            message,
            thrown,
            arguments.length == 0 ? null : arguments);
    event.setTimeStamp(1_764_700_000_000L + (arguments.length % 2) * 7);
    return event;
  }

  /**
   * Every duration an audit line can carry up to 100 s, in hundredths of a millisecond, and a
   * sample above: the encoder's fast double writer gives the JDK's text, so the line stays the
   * LogstashEncoder's.
   */
  @Test
  void writesEveryDurationAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(19);
    LongStream everyUpTo100s = LongStream.range(0, 10_000_000);
    LongStream sampleAbove = random.longs(200_000, 10_000_000, 100_000_000_000L);
    LongStream.concat(everyUpTo100s, sampleAbove)
        .mapToDouble(hundredths -> hundredths / 100.0)
        .filter(millis -> !Double.toString(millis).equals(NumberOutput.toString(millis, true)))
        .findFirst()
        .ifPresent(
            millis -> fail(millis + " is written as " + NumberOutput.toString(millis, true)));
  }

  @ParameterizedTest
  @MethodSource("events")
  void writesTheSameLineAsTheLogstashEncoder(LoggingEvent event) {
    assertThat(text(JsonLogConfigurator.encoder(CONTEXT).encode(event))).isEqualTo(expected(event));
    assertThat(expected(event)).startsWith("{\"time\":\"").endsWith("}" + System.lineSeparator());
  }

  /** A thread's generator is kept between lines: each line is still exactly its own. */
  @Test
  void writesEveryLineOfASequenceOnItsOwn() {
    Encoder<ILoggingEvent> direct = JsonLogConfigurator.encoder(CONTEXT);
    for (int round = 0; round < 3; round++) {
      events().forEach(event -> assertThat(text(direct.encode(event))).isEqualTo(expected(event)));
    }
  }

  /** A line that fails half-written leaves nothing behind in the next one. */
  @Test
  void startsAfreshAfterALineCutShort() {
    Encoder<ILoggingEvent> direct = JsonLogConfigurator.encoder(CONTEXT);
    LoggingEvent broken =
        new LoggingEvent(
            FieldLineEncoderTest.class.getName(),
            CONTEXT.getLogger("keyrelay.audit"),
            Level.INFO,
            "{}",
            null,
            new Object[] {field("decision", "injected")}) {
          @Override
          public String getLoggerName() {
            throw new IllegalStateException("cut short");
          }
        };
    LoggingEvent next = events().findFirst().orElseThrow();

    assertThatThrownBy(() -> direct.encode(broken)).hasMessage("cut short");
    assertThat(text(direct.encode(next))).isEqualTo(expected(next));
  }

  private static String expected(LoggingEvent event) {
    return text(LOGSTASH.encode(event));
  }

  private static String text(byte[] line) {
    return new String(line, StandardCharsets.UTF_8);
  }
}
