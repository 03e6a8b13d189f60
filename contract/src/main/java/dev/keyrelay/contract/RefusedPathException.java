package dev.keyrelay.contract;

/** A request path the sidecar will not match against rules because servers may read it apart. */
public final class RefusedPathException extends Exception {

  RefusedPathException(String reason) {
    super(reason, null, false, false);
  }
}
