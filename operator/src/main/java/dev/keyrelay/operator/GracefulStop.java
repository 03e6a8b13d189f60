package dev.keyrelay.operator;

import dev.keyrelay.operator.admin.StoppableHealth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator does on SIGTERM: go not-ready first, then close its parts in order (the webhook
 * drains the admissions in flight before its server closes), each even when an earlier one failed.
 */
final class GracefulStop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

  private final StoppableHealth health;
  private final List<AutoCloseable> parts;

  /**
   * @param parts closed in this order; the admin server belongs last, so probes see 503 and not a
   *     refused connection while the rest stops
   */
  GracefulStop(StoppableHealth health, List<AutoCloseable> parts) {
    this.health = health;
    this.parts = List.copyOf(parts);
  }

  @Override
  public void run() {
    LOG.info("Shutting down: not ready, draining admissions");
    health.markStopping();
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("Stopping {} failed", part, e);
      }
    }
  }
}
