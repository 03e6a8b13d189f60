package dev.keyrelay.sidecar.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detector at {@code paranoid} inside the test JVM, with its reports collected instead
 * of only logged. Netty reports a buffer that was garbage collected without being released when the
 * next buffer is tracked; {@link #assertNone()} forces both.
 */
public final class NettyLeaks {

  private static final List<String> REPORTS = new ArrayList<>();
  private static boolean installed;

  private NettyLeaks() {}

  /**
   * Tracks every buffer from now on; reports from the whole JVM are collected, except those of
   * buffers lost before this call (by tests that ran earlier in the same JVM).
   */
  public static synchronized void track() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    if (!installed) {
      install();
    }
    collect();
    REPORTS.clear();
  }

  private static void install() {
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().contains("LEAK:")) {
              synchronized (NettyLeaks.class) {
                REPORTS.add(event.getFormattedMessage());
              }
            }
          }
        };
    appender.start();
    ((Logger) LoggerFactory.getLogger(ResourceLeakDetector.class)).addAppender(appender);
    installed = true;
  }

  /** Collects garbage, lets the detector look at it, fails on any report since {@link #track}. */
  public static void assertNone() {
    collect();
    synchronized (NettyLeaks.class) {
      if (!REPORTS.isEmpty()) {
        String first = REPORTS.get(0);
        REPORTS.clear();
        throw new AssertionError("Netty reported a leaked buffer:\n" + first);
      }
    }
  }

  private static void collect() {
    for (int round = 0; round < 2; round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
        probe.release();
      }
    }
  }
}
