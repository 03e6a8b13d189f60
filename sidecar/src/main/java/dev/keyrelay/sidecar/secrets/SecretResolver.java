package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Fetches a route's secret off the event loop on every request, so a rotated value is used by the
 * very next request. Sources are kept per {@link SecretRef}, so equal references share one source
 * (and its cache) across config reloads.
 */
public final class SecretResolver {

  private final Executor blockingExecutor;
  private final Function<SecretRef, SecretSource> sourceFactory;
  private final SecretMetrics metrics;
  private final ConcurrentMap<SecretRef, SecretSource> sources = new ConcurrentHashMap<>();

  /**
   * Creates a resolver.
   *
   * @param blockingExecutor where sources are read; never a Netty event loop
   */
  public SecretResolver(Executor blockingExecutor, MeterRegistry registry) {
    this(blockingExecutor, registry, SecretSources::create);
  }

  SecretResolver(
      Executor blockingExecutor,
      MeterRegistry registry,
      Function<SecretRef, SecretSource> sourceFactory) {
    this.blockingExecutor = blockingExecutor;
    this.sourceFactory = sourceFactory;
    this.metrics = new SecretMetrics(registry);
  }

  /**
   * Reads the current value of {@code ref} for {@code routeName}. The future completes on the
   * blocking executor; when no value is available it fails with a {@link
   * SecretUnavailableException}.
   */
  public CompletableFuture<SecretValue> resolve(String routeName, SecretRef ref) {
    SecretSource source = sources.computeIfAbsent(ref, sourceFactory);
    String kind = SecretSources.kind(ref);
    CompletableFuture<SecretValue> result = new CompletableFuture<>();
    try {
      blockingExecutor.execute(() -> read(routeName, kind, source, result));
    } catch (RejectedExecutionException e) {
      fail(routeName, kind, result, unavailable(source, e));
    }
    return result;
  }

  private void read(
      String routeName, String kind, SecretSource source, CompletableFuture<SecretValue> result) {
    try {
      SecretValue value = source.read();
      metrics.read(routeName, kind, "ok");
      result.complete(value);
    } catch (SecretUnavailableException e) {
      fail(routeName, kind, result, e);
    } catch (RuntimeException e) {
      fail(routeName, kind, result, unavailable(source, e));
    }
  }

  private void fail(
      String routeName,
      String kind,
      CompletableFuture<SecretValue> result,
      SecretUnavailableException e) {
    metrics.read(routeName, kind, "unavailable");
    result.completeExceptionally(e);
  }

  private static SecretUnavailableException unavailable(SecretSource source, Exception cause) {
    return new SecretUnavailableException(source.describe() + " could not be read", cause);
  }
}
