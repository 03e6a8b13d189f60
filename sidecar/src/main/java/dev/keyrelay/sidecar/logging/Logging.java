package dev.keyrelay.sidecar.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Starts logback before anything logs, and stops it last so queued lines reach stdout. */
public final class Logging {

  private Logging() {}

  /**
   * Initialises logging. Call it first: a log call from another thread while SLF4J initialises
   * would be queued and replayed with a warning on stderr.
   */
  public static void start() {
    LoggerFactory.getILoggerFactory();
  }

  /**
   * Turns the log off, for one-shot commands whose output is their own lines ({@code doctor}): what
   * would be logged, they report themselves.
   */
  public static void silence() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
    }
  }

  /** Writes every queued line and stops the appenders; call it after the last log call. */
  public static void stop() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.stop();
    }
  }
}
