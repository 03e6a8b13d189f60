package dev.keyrelay.operator.inject;

import dev.keyrelay.operator.config.Environment;
import java.util.Map;

/**
 * Whether the sidecar is injected as a native sidecar (an init container with restartPolicy Always,
 * Kubernetes 1.29+) or as the first regular container: the one reading of {@code
 * KEYRELAY_NATIVE_SIDECAR}, shared by the injection defaults and the webhook.
 */
public enum NativeSidecarMode {
  /** Decided per admission from the nodes' kubelet versions; native when no node is known. */
  AUTO,
  ON,
  OFF;

  public static final String VARIABLE = "KEYRELAY_NATIVE_SIDECAR";

  /** Reads {@link #VARIABLE}: {@code auto} (the default), {@code true} or {@code false}. */
  public static NativeSidecarMode fromEnvironment(Map<String, String> env) {
    String value = new Environment(env).string(VARIABLE, "auto");
    return switch (value) {
      case "auto" -> AUTO;
      case "true" -> ON;
      case "false" -> OFF;
      default ->
          throw new IllegalArgumentException(
              VARIABLE + ": \"" + value + "\" is not valid; expected auto, true or false");
    };
  }
}
