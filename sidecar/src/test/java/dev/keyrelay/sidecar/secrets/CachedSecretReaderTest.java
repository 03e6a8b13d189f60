package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedSecretReaderTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FakeRemoteSource source = new FakeRemoteSource();
  private final CachedSecretReader reader =
      new CachedSecretReader(source, executor, now::get, TTL, GRACE);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void reusesTheValueWithinTheTtlAndFetchesAgainAfterIt() throws Exception {
    source.answer("v1");
    SecretRead first = read();
    advance(TTL.minusMillis(1));
    source.answer("v2");
    SecretRead cached = read();
    advance(Duration.ofMillis(1));
    SecretRead refreshed = read();

    assertThat(first.value().reveal()).isEqualTo("v1");
    assertThat(first.outcome()).isEqualTo(SecretRead.Outcome.FETCHED);
    assertThat(cached.value().reveal()).isEqualTo("v1");
    assertThat(cached.outcome()).isEqualTo(SecretRead.Outcome.CACHED);
    assertThat(cached.fetchedAtNanos()).isEqualTo(first.fetchedAtNanos());
    assertThat(refreshed.value().reveal()).isEqualTo("v2");
    assertThat(refreshed.outcome()).isEqualTo(SecretRead.Outcome.FETCHED);
    assertThat(source.calls).hasValue(2);
  }

  @Test
  void duringAnOutageTheLastValueServesUntilTheGraceEndsThenReadsFailClosed() throws Exception {
    source.answer("v1");
    read();
    source.fail(new SecretStoreDownException("vault could not be reached"));

    advance(TTL.plus(GRACE).minusSeconds(1));
    SecretRead stale = read();
    advance(Duration.ofSeconds(1));
    Throwable closed = failure();

    assertThat(stale.value().reveal()).isEqualTo("v1");
    assertThat(stale.outcome()).isEqualTo(SecretRead.Outcome.STALE);
    assertThat(closed)
        .isInstanceOf(SecretStoreDownException.class)
        .hasMessage("vault could not be reached");
  }

  @Test
  void aDefiniteNoFailsAtOnceAndForgetsTheValue() throws Exception {
    source.answer("v1");
    read();
    advance(TTL);
    source.fail(new SecretUnavailableException("vault denied reading x (HTTP 403)"));
    Throwable denied = failure();
    source.fail(new SecretStoreDownException("vault could not be reached"));
    Throwable afterwards = failure();

    assertThat(denied).isNotInstanceOf(SecretStoreDownException.class).hasMessageContaining("403");
    assertThat(afterwards).isInstanceOf(SecretStoreDownException.class);
  }

  @Test
  void concurrentMissesShareOneFetchAndHoldNoThreadWhileWaiting() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    source.answerAfter("v1", release);
    List<CompletableFuture<SecretRead>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waiting.add(reader.read("route"));
    }
    // The single executor thread is busy with the one fetch; 20 callers wait on its future.
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    release.countDown();

    for (CompletableFuture<SecretRead> f : waiting) {
      assertThat(f.get(5, TimeUnit.SECONDS).value().reveal()).isEqualTo("v1");
    }
    assertThat(source.calls).hasValue(1);
  }

  private SecretRead read() throws Exception {
    return reader.read("route").get(5, TimeUnit.SECONDS);
  }

  private Throwable failure() {
    Throwable t = reader.read("route").handle((v, e) -> e).orTimeout(5, TimeUnit.SECONDS).join();
    return t instanceof CompletionException ? t.getCause() : t;
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** A remote source whose next answers the test chooses. */
  private static final class FakeRemoteSource implements SecretSource {

    final AtomicInteger calls = new AtomicInteger();
    private volatile String value;
    private volatile SecretUnavailableException failure;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    void answer(String v) {
      value = v;
      failure = null;
    }

    void answerAfter(String v, CountDownLatch latch) {
      answer(v);
      gate = latch;
    }

    void fail(SecretUnavailableException e) {
      failure = e;
    }

    @Override
    public SecretValue read() throws SecretUnavailableException {
      calls.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw failure;
      }
      return new SecretValue(value);
    }

    @Override
    public String describe() {
      return "fake remote";
    }

    @Override
    public boolean remote() {
      return true;
    }
  }
}
