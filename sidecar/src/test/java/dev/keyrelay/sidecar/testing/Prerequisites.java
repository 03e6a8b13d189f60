package dev.keyrelay.sidecar.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a built jar, a tmpfs, root). On a developer's machine a
 * missing prerequisite skips the test with the reason; under {@code CI=true} it fails it, since
 * there it means CI's set-up is broken and a green run would be a lie.
 */
public final class Prerequisites {

  private Prerequisites() {}

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("missing under CI=true: " + what);
    }
    Assumptions.assumeTrue(false, what);
  }
}
