package dev.keyrelay.sidecar.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.logging.LogThrottle;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the proxy's open agent connections against {@code proxy.maxConnections}. Every connection
 * holds a file descriptor and buffers; past the limit a new one is refused at once rather than
 * letting a runaway or hostile agent exhaust the sidecar for every other container in the pod.
 */
final class ConnectionLimit {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final ProxyMetrics metrics;
  private final AtomicInteger open = new AtomicInteger();
  private final LogThrottle throttle =
      new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

  ConnectionLimit(int max, ProxyMetrics metrics) {
    this.max = max;
    this.metrics = metrics;
    metrics.openConnections(open::get);
  }

  int max() {
    return max;
  }

  /** Admits {@code channel} and counts it until it closes, or counts a refusal. */
  boolean admit(Channel channel) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refused();
      return false;
    }
    channel.closeFuture().addListener(closed -> open.decrementAndGet());
    return true;
  }

  private void refused() {
    metrics.connectionRefused();
    long heldBack = throttle.admit("refused");
    if (heldBack != LogThrottle.SUPPRESSED) {
      log.warn(
          "proxy connection limit reached, refusing new agent connections with 503 {} {}",
          kv("max_connections", max),
          kv("suppressed", heldBack));
    }
  }
}
