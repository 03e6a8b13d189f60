package dev.keyrelay.sidecar.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets through at most one log line per kind per interval and counts the ones it held back, so a
 * client that repeats a mistake thousands of times a second costs one line every few seconds.
 */
public final class LogThrottle {

  /** Returned by {@link #admit} when the line must not be written. */
  public static final long SUPPRESSED = -1;

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public LogThrottle(long intervalNanos, LongSupplier nanoClock) {
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Asks to write one line of {@code kind}.
   *
   * @return how many lines of that kind were held back since the last one written, or {@link
   *     #SUPPRESSED} when this one must be held back too
   */
  public long admit(String kind) {
    Window window = windows.computeIfAbsent(kind, k -> new Window());
    long now = nanoClock.getAsLong();
    synchronized (window) {
      if (window.written && now - window.lastNanos < intervalNanos) {
        window.heldBack++;
        return SUPPRESSED;
      }
      long heldBack = window.heldBack;
      window.written = true;
      window.lastNanos = now;
      window.heldBack = 0;
      return heldBack;
    }
  }

  private static final class Window {
    boolean written;
    long lastNanos;
    long heldBack;
  }
}
