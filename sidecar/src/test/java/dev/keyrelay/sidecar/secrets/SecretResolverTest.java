package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SecretsSettings;
import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.Prerequisites;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

  private static final String READER_THREAD = "test-secret-reader";
  private static final SecretsSettings SETTINGS =
      new SecretsSettings(Path.of("/unused"), Duration.ofSeconds(30), Duration.ofMinutes(5));

  @TempDir Path dir;

  private final ExecutorService readers =
      Executors.newFixedThreadPool(4, r -> new Thread(r, READER_THREAD));
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void stop() {
    readers.shutdownNow();
  }

  @Test
  void readsEnvironmentVariablesInPlaceWithoutAThreadHop() {
    Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant-1");
    AtomicInteger created = new AtomicInteger();
    Set<String> readOn = ConcurrentHashMap.newKeySet();
    SecretResolver resolver =
        new SecretResolver(
            readers,
            registry,
            SETTINGS,
            null,
            vault ->
                ref -> {
                  created.incrementAndGet();
                  return new EnvSecretSource(
                      ((SecretRef.Env) ref).variable(),
                      name -> {
                        readOn.add(Thread.currentThread().getName());
                        return env.get(name);
                      });
                },
            System::nanoTime);

    SecretRef ref = new SecretRef.Env("ANTHROPIC_API_KEY");
    SecretValue value = resolver.resolve("anthropic", ref).join();

    assertThat(value.reveal()).isEqualTo("sk-ant-1");
    assertThat(readOn).containsExactly(Thread.currentThread().getName());
    assertThat(failure(resolver.resolve("other", new SecretRef.Env("MISSING"))))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("environment variable MISSING is not set");
    // An equal reference (as after a config reload) reuses the first source.
    resolver.resolve("anthropic", new SecretRef.Env("ANTHROPIC_API_KEY")).join();
    assertThat(created).hasValue(2);
    assertThat(reads("anthropic", "env", "ok")).isEqualTo(2.0);
    assertThat(reads("other", "env", "unavailable")).isEqualTo(1.0);
  }

  @Test
  void rewrittenFileIsUsedByTheNextResolve() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "ghp_first\n");
    SecretResolver resolver = new SecretResolver(readers, registry, SETTINGS, null);
    SecretRef ref = new SecretRef.File(file);
    assertThat(resolver.resolve("github", ref).join().reveal()).isEqualTo("ghp_first");

    Files.writeString(file, "ghp_second\n");

    assertThat(resolver.resolve("github", new SecretRef.File(file)).join().reveal())
        .isEqualTo("ghp_second");
    assertThat(reads("github", "file", "ok")).isEqualTo(2.0);
  }

  @Test
  void followsAKubernetesSecretVolumeSwap() throws Exception {
    KubeletVolume volume = KubeletVolume.create(dir.resolve("github-token"), "token", "v1");
    SecretResolver resolver = new SecretResolver(readers, registry, SETTINGS, null);
    SecretRef ref = new SecretRef.Kubernetes("github-token", "token", dir);
    assertThat(resolver.resolve("git", ref).join().reveal()).isEqualTo("v1");

    volume.swap("v2");

    assertThat(resolver.resolve("git", ref).join().reveal()).isEqualTo("v2");
    assertThat(reads("git", "kubernetes", "ok")).isEqualTo(2.0);
  }

  @Test
  void aSecretVolumeOnTmpfsIsReadInPlaceAndStillFollowsTheSwap() throws Exception {
    Path shm = Path.of("/dev/shm");
    Prerequisites.require(
        Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"),
        "a tmpfs at /dev/shm");
    Path root = Files.createTempDirectory(shm, "keyrelay-test");
    try {
      KubeletVolume volume = KubeletVolume.create(root.resolve("github-token"), "token", "v1");
      AtomicInteger handedToPool = new AtomicInteger();
      SecretResolver resolver = resolverCounting(handedToPool);
      SecretRef ref = new SecretRef.Kubernetes("github-token", "token", root);

      // The first read runs on the pool, where the source learns its file system.
      assertThat(resolver.resolve("git", ref).join().reveal()).isEqualTo("v1");
      assertThat(handedToPool).hasValue(1);
      CompletableFuture<SecretValue> inPlace = resolver.resolve("git", ref);
      assertThat(inPlace).isDone();
      assertThat(inPlace.join().reveal()).isEqualTo("v1");
      volume.swap("v2");
      assertThat(resolver.resolve("git", ref).join().reveal()).isEqualTo("v2");
      assertThat(handedToPool).hasValue(1);
    } finally {
      try (var files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aFileOnDiskIsReadOnTheBlockingPool() throws Exception {
    Prerequisites.require(
        !MemoryFileSystems.isMemoryType(Files.getFileStore(dir).type()),
        "a temporary directory on disk, not tmpfs (set TMPDIR)");
    Path file = Files.writeString(dir.resolve("token"), "ghp_first\n");
    AtomicInteger handedToPool = new AtomicInteger();
    SecretResolver resolver = resolverCounting(handedToPool);

    assertThat(resolver.resolve("github", new SecretRef.File(file)).join().reveal())
        .isEqualTo("ghp_first");
    assertThat(resolver.resolve("github", new SecretRef.File(file)).join().reveal())
        .isEqualTo("ghp_first");
    assertThat(handedToPool).hasValue(2);
  }

  /** A resolver whose blocking pool counts the reads handed to it. */
  private SecretResolver resolverCounting(AtomicInteger handedToPool) {
    return new SecretResolver(
        task -> {
          handedToPool.incrementAndGet();
          readers.execute(task);
        },
        registry,
        SETTINGS,
        null);
  }

  @Test
  void concurrentReadersSeeOnlyWholeValuesWhileTheVolumeRotates() throws Exception {
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    KubeletVolume volume = KubeletVolume.create(dir.resolve("api"), "token", a);
    SecretRef ref = new SecretRef.Kubernetes("api", "token", dir);
    SecretResolver resolver = new SecretResolver(readers, registry, SETTINGS, null);
    AtomicBoolean rotating = new AtomicBoolean(true);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new ArrayList<>();
    AtomicInteger resolved = new AtomicInteger();

    ExecutorService callers = Executors.newFixedThreadPool(4);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      loops.add(
          callers.submit(
              () -> {
                while (rotating.get()) {
                  try {
                    seen.add(resolver.resolve("api", ref).join().reveal());
                    resolved.incrementAndGet();
                  } catch (CompletionException e) {
                    synchronized (failures) {
                      failures.add(e.getCause());
                    }
                  }
                }
              }));
    }
    try {
      for (int i = 1; i <= 200; i++) {
        volume.swap(i % 2 == 0 ? a : b);
      }
    } finally {
      rotating.set(false);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      callers.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(resolved.get()).isPositive();
    assertThat(seen).isSubsetOf(a, b);
    assertThat(resolver.resolve("api", ref).join().reveal()).isEqualTo(a);
  }

  @Test
  void theValueNeverShowsInTextOrMetrics() throws Exception {
    String secret = "sk-live-DO-NOT-LEAK-0123456789";
    Path file = dir.resolve("token");
    Files.writeString(file, secret + "\n");
    SecretResolver resolver = new SecretResolver(readers, registry, SETTINGS, null);
    SecretValue value = resolver.resolve("stripe", new SecretRef.File(file)).join();
    Path notAFile = dir.resolve("dir-not-file");
    Files.createDirectory(notAFile);
    Throwable dirFailure = failure(resolver.resolve("stripe", new SecretRef.File(notAFile)));
    Throwable envFailure =
        failure(resolver.resolve("stripe", new SecretRef.Env("KEYRELAY_TEST_SURELY_UNSET")));

    assertThat(value.reveal()).isEqualTo(secret);
    assertThat(value.toString()).doesNotContain(secret);
    assertThat(dirFailure).hasMessageNotContaining(secret);
    assertThat(envFailure).hasMessageNotContaining(secret);
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("keyrelay_secret_reads_total{outcome=\"ok\",route=\"stripe\",source=\"file\"} 1")
        .doesNotContain(secret);
  }

  @Test
  void remoteSourcesAreCachedCountedAndAged() {
    AtomicLong now = new AtomicLong(0);
    AtomicInteger fetches = new AtomicInteger();
    SecretResolver resolver = remoteResolver(now, fetches);
    SecretRef ref = new SecretRef.Vault("secret/data/agents/internal", "key");

    assertThat(resolver.resolve("internal", ref).join().reveal()).isEqualTo("remote-1");
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(resolver.resolve("internal", ref).join().reveal()).isEqualTo("remote-1");

    assertThat(fetches).hasValue(1);
    assertThat(reads("internal", "vault", "ok")).isEqualTo(2.0);
    assertThat(
            registry
                .get("keyrelay.secret.cache.hits")
                .tags("route", "internal", "source", "vault")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("keyrelay.secret.fetch.age")
                .tags("route", "internal", "source", "vault")
                .gauge()
                .value())
        .isEqualTo(5.0);
  }

  @Test
  void reconfigureKeepsCachesForUnchangedSettingsAndStartsAfreshOtherwise() {
    AtomicLong now = new AtomicLong(0);
    AtomicInteger fetches = new AtomicInteger();
    SecretResolver resolver = remoteResolver(now, fetches);
    SecretRef ref = new SecretRef.Vault("secret/data/agents/internal", "key");
    resolver.resolve("internal", ref).join();

    resolver.reconfigure(SETTINGS, null);
    resolver.resolve("internal", ref).join();
    assertThat(fetches).hasValue(1);

    resolver.reconfigure(
        new SecretsSettings(Path.of("/unused"), Duration.ofSeconds(10), Duration.ofMinutes(5)),
        null);
    assertThat(resolver.resolve("internal", ref).join().reveal()).isEqualTo("remote-2");
    assertThat(fetches).hasValue(2);
  }

  private SecretResolver remoteResolver(AtomicLong now, AtomicInteger fetches) {
    return new SecretResolver(
        readers,
        registry,
        SETTINGS,
        null,
        vault ->
            ref ->
                new SecretSource() {
                  @Override
                  public SecretValue read() {
                    return new SecretValue("remote-" + fetches.incrementAndGet());
                  }

                  @Override
                  public String describe() {
                    return ref.describe();
                  }

                  @Override
                  public boolean remote() {
                    return true;
                  }
                },
        now::get);
  }

  private double reads(String route, String source, String outcome) {
    return registry
        .get("keyrelay.secret.reads")
        .tags("route", route, "source", source, "outcome", outcome)
        .counter()
        .count();
  }

  private static Throwable failure(CompletableFuture<SecretValue> future) {
    return future.handle((v, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
  }
}
