package dev.keyrelay.sidecar.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

/**
 * The sidecar's logging: one JSON object per line on stdout, level from {@code KEYRELAY_LOG_LEVEL}
 * (default INFO), Netty at WARN.
 *
 * <p>Set up in code because reading an XML file took logback about 0.15 s of a start-up that should
 * take under a second. A {@code logback.configurationFile} system property or a {@code
 * logback-test.xml} on the class path (the tests) still wins.
 */
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {

  static final String LEVEL_VARIABLE = "KEYRELAY_LOG_LEVEL";
  private static final String TIME_FIELD = "time";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || getClass().getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    BatchingStdoutAppender appender = new BatchingStdoutAppender();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(encoder(context));
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(System.getenv(LEVEL_VARIABLE)));
    root.addAppender(appender);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * One JSON object per line: {@code time}, {@code message}, {@code logger}, {@code level}, then
   * the event's structured arguments as top-level fields.
   */
  static Encoder<ILoggingEvent> encoder(LoggerContext context) {
    FieldLineEncoder fields = new FieldLineEncoder(logstashEncoder(context), TIME_FIELD);
    fields.setContext(context);
    fields.start();
    return fields;
  }

  /** The general encoder, for the lines {@link FieldLineEncoder} does not write itself. */
  static LogstashEncoder logstashEncoder(LoggerContext context) {
    LogstashEncoder logstash = new LogstashEncoder();
    logstash.setContext(context);
    LogstashFieldNames names = new LogstashFieldNames();
    names.setTimestamp(TIME_FIELD);
    names.setLogger("logger");
    names.setVersion(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    names.setThread(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    logstash.setFieldNames(names);
    logstash.start();
    return logstash;
  }

  /** TRACE, DEBUG, INFO, WARN, ERROR or OFF in any case; anything else (or unset) means INFO. */
  static Level level(String value) {
    return Level.toLevel(value == null ? null : value.strip(), Level.INFO);
  }
}
