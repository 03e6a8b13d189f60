package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.secrets.SecretInvalidException;
import dev.keyrelay.sidecar.secrets.SecretUnavailableException;
import dev.keyrelay.sidecar.tls.TrustUnavailableException;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Turns what went wrong on the way to an upstream into the rejection the agent reads. */
final class UpstreamFailures {

  private UpstreamFailures() {}

  static ProxyRejection toRejection(Throwable failure, String route) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ProxyRejection rejection) {
      return rejection;
    }
    if (cause instanceof SecretInvalidException e) {
      return new ProxyRejection(
          ProblemType.SECRET_INVALID, route, "secret unusable: " + e.getMessage());
    }
    if (cause instanceof SecretUnavailableException e) {
      return new ProxyRejection(
          ProblemType.SECRET_UNAVAILABLE, route, "secret unavailable: " + e.getMessage());
    }
    if (cause instanceof TrustUnavailableException e) {
      return new ProxyRejection(ProblemType.UPSTREAM_TRUST_UNAVAILABLE, route, e.getMessage());
    }
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyRejection(
          ProblemType.UPSTREAM_TIMEOUT, route, "connecting to the upstream timed out");
    }
    SSLException tls = find(cause, SSLException.class);
    if (tls != null) {
      return new ProxyRejection(
          ProblemType.UPSTREAM_TLS_FAILED,
          route,
          "upstream TLS handshake failed (certificate not trusted or not valid for the host): "
              + RootCause.message(tls));
    }
    if (cause instanceof UnknownHostException) {
      return new ProxyRejection(ProblemType.UPSTREAM_UNRESOLVED, route, "cannot resolve host");
    }
    if (cause instanceof ConnectException) {
      return new ProxyRejection(
          ProblemType.UPSTREAM_UNREACHABLE, route, "cannot connect to the upstream");
    }
    return failed(route, "upstream connection failed");
  }

  /** 502 {@code upstream_failed}: the upstream answered or behaved in a way we cannot relay. */
  static ProxyRejection failed(String route, String detail) {
    return new ProxyRejection(ProblemType.UPSTREAM_FAILED, route, detail);
  }

  static ProxyRejection timeout(String route) {
    return new ProxyRejection(
        ProblemType.UPSTREAM_TIMEOUT, route, "the upstream did not answer within the idle timeout");
  }

  static ProxyRejection closed(String route) {
    return failed(route, "the upstream closed the connection before answering");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
