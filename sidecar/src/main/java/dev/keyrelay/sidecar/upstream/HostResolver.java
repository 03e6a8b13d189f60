package dev.keyrelay.sidecar.upstream;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Resolves host names off the event loop (the JDK resolver blocks, and honours /etc/hosts and the
 * JVM's DNS cache); IP literals are parsed without any lookup.
 */
public final class HostResolver {

  /** Looks up every address of a host name; may block. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress[] addresses(String host) throws UnknownHostException;
  }

  private final Executor executor;
  private final Lookup lookup;

  /**
   * Creates a resolver using the JDK's resolver.
   *
   * @param executor where lookups run; never a Netty event loop
   */
  public HostResolver(Executor executor) {
    this(executor, InetAddress::getAllByName);
  }

  public HostResolver(Executor executor, Lookup lookup) {
    this.executor = executor;
    this.lookup = lookup;
  }

  /** Every address of the host, in resolver order. */
  public CompletableFuture<List<InetAddress>> resolveAll(String host) {
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        return CompletableFuture.completedFuture(List.of(InetAddress.getByAddress(host, literal)));
      } catch (UnknownHostException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return List.of(lookup.addresses(host));
          } catch (UnknownHostException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  /** The first address of the host. */
  public CompletableFuture<InetAddress> resolve(String host) {
    return resolveAll(host).thenApply(all -> all.get(0));
  }
}
