package dev.keyrelay.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the leader Lease up when a leading replica stops, so that a standby takes over at its next
 * retry rather than when the Lease expires. java-operator-sdk builds fabric8's elector without
 * release-on-cancel (it needs the elector's stop callback in every case), so the operator writes
 * what release-on-cancel would: no holder and a one-second duration, as client-go does. Called once
 * the reconcilers have stopped, so no two replicas reconcile at once.
 */
final class LeaseRelease {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  /** Gives the Lease up if this replica ({@code identity}) holds it. */
  static void release(KubernetesClient client, String namespace, String name, String identity) {
    LeaseLock lock = new LeaseLock(namespace, name, identity);
    try {
      LeaderElectionRecord held = lock.get(client);
      if (held == null || !identity.equals(held.getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      // The update carries the version just read: a Lease taken meanwhile is left alone.
      lock.update(
          client,
          new LeaderElectionRecord(
              null, Duration.ofSeconds(1), now, now, held.getLeaderTransitions()));
      LOG.info("Released the {} lease", name);
    } catch (KubernetesClientException e) {
      LOG.warn("Could not release the {} lease; a standby takes over when it expires", name, e);
    }
  }
}
