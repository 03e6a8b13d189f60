package dev.keyrelay.sidecar.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * Writes the line {@link LogstashEncoder} (as {@link JsonLogConfigurator} sets it up) would write,
 * directly, for an event whose arguments are all {@link JsonField}s and that carries nothing else
 * (no exception, marker, MDC or key-value pair): every audit line. Any other event goes to the
 * LogstashEncoder. Its chain of field providers cost about 2 us per audit line on the event loop, a
 * few per cent of a proxied request (docs/benchmarks.md).
 *
 * <p>Each thread keeps one generator and its buffer for all its lines instead of building them per
 * line: they were a fifth of the line's CPU and most of the bytes it allocated.
 */
final class FieldLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final byte[] LINE_END = System.lineSeparator().getBytes(StandardCharsets.UTF_8);

  private final LogstashEncoder fallback;
  // Every audit line has a decimal (duration_ms): the JDK's Double.toString was a fifth of the
  // line's CPU. Jackson's Schubfach writer gives the same text (FieldLineEncoderTest checks it).
  private final JsonFactory json =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  private final LoggingEventFormattedTimestampJsonProvider time =
      new LoggingEventFormattedTimestampJsonProvider();
  private final ThreadLocal<LineWriter> writers = ThreadLocal.withInitial(this::newWriter);

  FieldLineEncoder(LogstashEncoder fallback, String timeField) {
    this.fallback = fallback;
    time.setFieldName(timeField);
  }

  @Override
  public void start() {
    time.start();
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (!onlyFields(event)) {
      return fallback.encode(event);
    }
    LineWriter writer = writers.get();
    JsonGenerator generator = writer.generator();
    boolean written = false;
    try {
      generator.writeStartObject();
      time.writeTo(generator, event);
      generator.writeStringField("message", event.getFormattedMessage());
      generator.writeStringField("logger", event.getLoggerName());
      generator.writeStringField("level", event.getLevel().toString());
      for (Object argument : event.getArgumentArray()) {
        ((JsonField) argument).writeTo(generator);
      }
      generator.writeEndObject();
      generator.flush();
      written = true;
      return writer.takeLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // only a generator used out of order
    } finally {
      if (!written) {
        // A line cut short left the generator inside an object: the next line starts afresh.
        writers.remove();
      }
    }
  }

  private LineWriter newWriter() {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    try {
      JsonGenerator generator = json.createGenerator(line);
      // Lines follow each other at the root; the file's line end separates them, not a space.
      generator.setRootValueSeparator(null);
      return new LineWriter(line, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /** One thread's generator and the bytes it has written since the last line was taken. */
  private record LineWriter(ByteArrayOutputStream line, JsonGenerator generator) {

    byte[] takeLine() {
      line.writeBytes(LINE_END);
      byte[] bytes = line.toByteArray();
      line.reset();
      return bytes;
    }
  }

  private static boolean onlyFields(ILoggingEvent event) {
    Object[] arguments = event.getArgumentArray();
    if (arguments == null
        || event.getThrowableProxy() != null
        || (event.getMarkerList() != null && !event.getMarkerList().isEmpty())
        || !event.getMDCPropertyMap().isEmpty()
        || (event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty())) {
      return false;
    }
    for (Object argument : arguments) {
      if (!(argument instanceof JsonField)) {
        return false;
      }
    }
    return true;
  }
}
