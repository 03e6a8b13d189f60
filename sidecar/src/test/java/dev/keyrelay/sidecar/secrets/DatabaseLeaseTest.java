package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Renewal of a Vault database lease: only while held, and never past what Vault grants. */
class DatabaseLeaseTest {

  private static final Duration LEASE = Duration.ofSeconds(1);

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Duration> asked = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private DatabaseLease lease(DatabaseLease.Renewer renewer, boolean renewable) {
    return new DatabaseLease(
        "database/creds/r/1", "v-user", LEASE, renewable, renewer, executor, Clock.systemUTC());
  }

  private DatabaseLease.Renewer granting(Duration granted) {
    return (id, increment) -> {
      asked.add(increment);
      return granted;
    };
  }

  @Test
  void aLeaseNobodyHoldsIsNeverRenewed() throws Exception {
    lease(granting(LEASE), true);
    Thread.sleep(1500);
    assertThat(asked).isEmpty();
  }

  @Test
  void aHeldLeaseIsRenewedWithItsDurationUntilTheLastSessionEnds() throws Exception {
    DatabaseLease lease = lease(granting(LEASE), true);
    Runnable first = lease.hold();
    Runnable second = lease.hold();
    first.run();
    first.run(); // a second release of the same hold counts once
    Thread.sleep(2000);
    assertThat(asked).hasSizeGreaterThanOrEqualTo(2).containsOnly(LEASE);
    second.run();
    Thread.sleep(1000);
    int after = asked.size();
    Thread.sleep(1500);
    assertThat(asked).as("no renewal once no session holds it").hasSize(after);
    assertThat(lease.unusedAndExpired(Clock.systemUTC().instant())).isTrue();
  }

  @Test
  void renewalStopsWhenVaultRefusesOrNoLongerExtendsIt() throws Exception {
    List<String> calls = new ArrayList<>();
    lease(
            (id, increment) -> {
              calls.add(id);
              throw new SecretUnavailableException("vault refused (HTTP 400)");
            },
            true)
        .hold();
    // Vault's answer at max_ttl: only the time that is left, which extends nothing.
    lease(granting(Duration.ofMillis(300)), true).hold();
    Thread.sleep(2500);
    assertThat(calls).hasSize(1);
    assertThat(asked).hasSize(1);
  }

  @Test
  void aLeaseVaultMarksNotRenewableIsNotRenewed() throws Exception {
    lease(granting(LEASE), false).hold();
    Thread.sleep(1500);
    assertThat(asked).isEmpty();
  }
}
