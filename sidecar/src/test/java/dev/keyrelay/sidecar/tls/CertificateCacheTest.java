package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The minted-chain cache: one mint per host under concurrency, LRU, retry after failure. */
class CertificateCacheTest {

  private static final LeafCertificateMinter MINTER =
      new LeafCertificateMinter(CertificateAuthority.generate());

  private final ExecutorService mintPool = Executors.newFixedThreadPool(2);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    mintPool.shutdownNow();
  }

  @Test
  void concurrentFirstRequestsShareOneMint() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    var contexts = new CertificateCache(gated(release, realFactory()), mintPool, registry, 16);
    ExecutorService callers = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<CompletableFuture<X509Certificate[]>>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  awaitQuietly(start);
                  return contexts.chainFor("a.test");
                },
                callers));
      }
      start.countDown();
      List<CompletableFuture<X509Certificate[]>> futures = new ArrayList<>();
      for (var call : calls) {
        futures.add(call.get(10, TimeUnit.SECONDS));
      }
      release.countDown();

      Set<X509Certificate[]> distinct = ConcurrentHashMap.newKeySet();
      for (var future : futures) {
        distinct.add(future.get(10, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(registry.counter("keyrelay.certificates.minted").count()).isEqualTo(1.0);
      assertThat(registry.counter("keyrelay.certificates.cache.hits").count()).isEqualTo(49.0);
      assertThat(registry.timer("keyrelay.certificates.mint.duration").count()).isEqualTo(1);
      assertThat(registry.get("keyrelay.certificates.cache.size").gauge().value()).isEqualTo(1.0);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void mintsOnTheExecutorNeverOnTheCaller() throws Exception {
    Set<Thread> mintThreads = ConcurrentHashMap.newKeySet();
    Function<String, X509Certificate[]> recording =
        host -> {
          mintThreads.add(Thread.currentThread());
          return realFactory().apply(host);
        };
    var contexts = new CertificateCache(recording, mintPool, registry, 16);

    contexts.chainFor("a.test").get(10, TimeUnit.SECONDS);

    assertThat(mintThreads).hasSize(1).doesNotContain(Thread.currentThread());
  }

  @Test
  void serverContextsCanonicaliseHostsBeforeMinting() throws Exception {
    var contexts = new ServerTlsContexts(MINTER, mintPool, registry, 16);

    contexts.prepare("A.Test.").get(10, TimeUnit.SECONDS);
    contexts.prepare("a.test").get(10, TimeUnit.SECONDS);

    assertThat(contexts.size()).isEqualTo(1);
    assertThat(registry.counter("keyrelay.certificates.minted").count()).isEqualTo(1.0);
  }

  @Test
  void evictsTheLeastRecentlyUsedHostAtCapacity() throws Exception {
    AtomicInteger mints = new AtomicInteger();
    Function<String, X509Certificate[]> counting =
        host -> {
          mints.incrementAndGet();
          return realFactory().apply(host);
        };
    var contexts = new CertificateCache(counting, mintPool, registry, 2);

    X509Certificate[] a = contexts.chainFor("a.test").get(10, TimeUnit.SECONDS);
    contexts.chainFor("b.test").get(10, TimeUnit.SECONDS);
    assertThat(contexts.chainFor("a.test").get(10, TimeUnit.SECONDS)).isSameAs(a); // a is newest
    contexts.chainFor("c.test").get(10, TimeUnit.SECONDS); // evicts b
    assertThat(contexts.size()).isEqualTo(2);
    assertThat(mints).hasValue(3);

    assertThat(contexts.chainFor("a.test").get(10, TimeUnit.SECONDS)).isSameAs(a);
    assertThat(mints).hasValue(3);
    contexts.chainFor("b.test").get(10, TimeUnit.SECONDS);
    assertThat(mints).hasValue(4);
    assertThat(contexts.size()).isEqualTo(2);
  }

  @Test
  void aFailedMintIsForgottenAndTheNextCallRetries() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Function<String, X509Certificate[]> failingOnce =
        host -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("boom");
          }
          return realFactory().apply(host);
        };
    var contexts = new CertificateCache(failingOnce, mintPool, registry, 16);

    assertThatThrownBy(() -> contexts.chainFor("a.test").get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("boom");
    assertThat(contexts.size()).isZero();
    assertThat(registry.counter("keyrelay.certificates.minted").count()).isZero();

    assertThat(contexts.chainFor("a.test").get(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(attempts).hasValue(2);
    assertThat(contexts.size()).isEqualTo(1);
    assertThat(registry.counter("keyrelay.certificates.minted").count()).isEqualTo(1.0);
  }

  @Test
  void aRejectedMintFailsTheFutureAndIsForgotten() {
    var contexts =
        new CertificateCache(
            realFactory(),
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("shut down");
            },
            registry,
            16);

    assertThat(contexts.chainFor("a.test")).isCompletedExceptionally();
    assertThat(contexts.size()).isZero();
  }

  @Test
  void invalidHostsFailWithoutMinting() {
    var contexts = new ServerTlsContexts(MINTER, mintPool, registry, 16);

    assertThat(contexts.prepare("bad host")).isCompletedExceptionally();
    assertThat(contexts.size()).isZero();
    assertThatThrownBy(() -> new CertificateCache(realFactory(), mintPool, registry, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Function<String, X509Certificate[]> realFactory() {
    return host -> new X509Certificate[] {MINTER.mint(host), MINTER.authority().certificate()};
  }

  private static Function<String, X509Certificate[]> gated(
      CountDownLatch release, Function<String, X509Certificate[]> delegate) {
    return host -> {
      awaitQuietly(release);
      return delegate.apply(host);
    };
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
