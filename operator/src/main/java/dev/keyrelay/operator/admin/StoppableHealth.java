package dev.keyrelay.operator.admin;

import java.util.Optional;

/**
 * The operator's health, turned not-ready once the process starts stopping, so the webhook Service
 * sends no new admissions to a replica that is about to close its server.
 */
public final class StoppableHealth implements OperatorHealth {

  private final OperatorHealth running;
  private volatile boolean stopping;

  public StoppableHealth(OperatorHealth running) {
    this.running = running;
  }

  /** From now on /readyz answers 503; /healthz is unchanged, so the kubelet does not restart us. */
  public void markStopping() {
    stopping = true;
  }

  @Override
  public boolean live() {
    return running.live();
  }

  @Override
  public Optional<String> notReadyReason() {
    return stopping ? Optional.of("stopping") : running.notReadyReason();
  }
}
