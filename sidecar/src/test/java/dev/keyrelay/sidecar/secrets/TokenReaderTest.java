package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenReaderTest {

  private static final Duration LIFETIME = Duration.ofSeconds(100);
  private static final Duration MAX_SKEW = Duration.ofSeconds(30);

  // Fetches run when the test says so, which makes "in flight" a state the test controls.
  private final ConcurrentLinkedQueue<Runnable> pool = new ConcurrentLinkedQueue<>();
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final FakeIssuer issuer = new FakeIssuer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TokenReader reader =
      new TokenReader(
          issuer,
          "oauth2",
          pool::add,
          now::get,
          Duration.ofSeconds(30),
          new SecretMetrics(registry, now::get));

  @Test
  void concurrentFirstReadsShareOneFetch() throws Exception {
    issuer.next("t1", LIFETIME);
    List<CompletableFuture<SecretRead>> reads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      reads.add(reader.read("api"));
    }
    runPool();

    for (CompletableFuture<SecretRead> read : reads) {
      assertThat(read.get(1, TimeUnit.SECONDS).value().reveal()).isEqualTo("t1");
    }
    assertThat(issuer.calls).hasValue(1);
    assertThat(refreshes("ok")).isEqualTo(1.0);
  }

  @Test
  void refreshesAheadInTheBackgroundWhileTheCurrentTokenStillServes() throws Exception {
    issuer.next("t1", LIFETIME);
    fetchNow();
    // Usable until 100s - min(30s, 10s) = 90s; refresh ahead from 90s - min(60s, 30s) = 60s.
    advance(Duration.ofSeconds(59));
    assertThat(readNow().value().reveal()).isEqualTo("t1");
    assertThat(pool).isEmpty();

    advance(Duration.ofSeconds(2));
    issuer.next("t2", LIFETIME);
    SecretRead during = readNow();
    assertThat(during.value().reveal()).isEqualTo("t1");
    assertThat(during.outcome()).isEqualTo(SecretRead.Outcome.CACHED);
    assertThat(pool).hasSize(1);
    reader.read("api"); // one refresh at a time
    assertThat(pool).hasSize(1);

    runPool();
    assertThat(readNow().value().reveal()).isEqualTo("t2");
    assertThat(issuer.calls).hasValue(2);
  }

  @Test
  void anUnusableTokenIsNeverHandedOutAndAFailedIssuerFailsClosed() throws Exception {
    issuer.next("t1", LIFETIME);
    fetchNow();
    issuer.failWith(new SecretStoreDownException("oauth2 token endpoint could not be reached"));
    advance(Duration.ofSeconds(61));
    assertThat(readNow().value().reveal()).isEqualTo("t1");
    runPool(); // the background refresh fails; t1 still serves within its usable time

    advance(Duration.ofSeconds(28));
    assertThat(readNow().value().reveal()).isEqualTo("t1");
    runPool();
    advance(Duration.ofSeconds(1));

    CompletableFuture<SecretRead> late = reader.read("api");
    runPool();
    Throwable failure = late.handle((v, e) -> e).join();
    assertThat(failure)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("could not be reached");
    assertThat(refreshes("failed")).isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void afterAFailedBackgroundRefreshTheNextAttemptWaitsASecond() throws Exception {
    issuer.next("t1", LIFETIME);
    fetchNow();
    issuer.failWith(new SecretStoreDownException("down"));
    advance(Duration.ofSeconds(61));
    readNow();
    runPool();

    readNow();
    assertThat(pool).isEmpty();
    advance(Duration.ofSeconds(1));
    readNow();
    assertThat(pool).hasSize(1);
  }

  @Test
  void aRejectedTokenIsDroppedAndTheNextReadFetchesAnother() throws Exception {
    issuer.next("t1", LIFETIME);
    SecretValue first = fetchNow().value();
    issuer.next("t2", LIFETIME);

    reader.reject(new SecretValue("some-other-token"));
    assertThat(readNow().value()).isEqualTo(first);
    reader.reject(first);

    assertThat(fetchNow().value().reveal()).isEqualTo("t2");
  }

  @Test
  void shortLifetimesKeepATenthAsSkewAndATokenWithoutExpiryLastsTheFallback() throws Exception {
    issuer.next("short", Duration.ofSeconds(3));
    fetchNow();
    advance(Duration.ofMillis(2_690));
    assertThat(readNow().value().reveal()).isEqualTo("short");
    advance(Duration.ofMillis(20));
    issuer.next("unknown", null);
    assertThat(fetchNow().value().reveal()).isEqualTo("unknown");
    advance(Duration.ofSeconds(26));
    assertThat(readNow().outcome()).isEqualTo(SecretRead.Outcome.CACHED);
    advance(Duration.ofSeconds(2));
    assertThat(reader.read("api")).isNotDone();
  }

  @Test
  void anAlreadyExpiredTokenIsRefused() {
    issuer.next("expired", Duration.ofSeconds(-5));
    CompletableFuture<SecretRead> read = reader.read("api");
    runPool();

    assertThat(read.handle((v, e) -> e).join())
        .cause()
        .isInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("expired");
  }

  private SecretRead fetchNow() throws Exception {
    CompletableFuture<SecretRead> read = reader.read("api");
    runPool();
    return read.get(1, TimeUnit.SECONDS);
  }

  private SecretRead readNow() throws Exception {
    CompletableFuture<SecretRead> read = reader.read("api");
    assertThat(read).as("a usable token is answered at once").isDone();
    return read.get();
  }

  private void runPool() {
    Runnable task;
    while ((task = pool.poll()) != null) {
      task.run();
    }
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private double refreshes(String outcome) {
    var counter =
        registry
            .find("keyrelay.token.refreshes")
            .tags("route", "api", "source", "oauth2", "outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static final class FakeIssuer implements TokenSource {

    final AtomicInteger calls = new AtomicInteger();
    private volatile IssuedToken next;
    private volatile SecretUnavailableException failure;

    void next(String value, Duration lifetime) {
      next = new IssuedToken(new SecretValue(value), lifetime);
      failure = null;
    }

    void failWith(SecretUnavailableException e) {
      failure = e;
    }

    @Override
    public IssuedToken issue() throws SecretUnavailableException {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return next;
    }

    @Override
    public Duration maxSkew() {
      return MAX_SKEW;
    }

    @Override
    public String describe() {
      return "fake issuer";
    }
  }
}
