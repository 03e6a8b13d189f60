package dev.keyrelay.sidecar;

import dev.keyrelay.sidecar.config.ConfigOverrides;
import dev.keyrelay.sidecar.netinit.InitNetworkArguments;
import java.nio.file.Path;
import java.time.Duration;

/** What the command line asks the sidecar process to do. */
sealed interface SidecarCommand {

  /**
   * Run the sidecar.
   *
   * @param exitWhenReady stop and exit 0 as soon as it is ready, which trains the image's
   *     class-data-sharing archive at build time
   * @param configOptional start with the built-in defaults while {@code config} does not exist yet,
   *     and pick it up when it appears
   */
  record Run(Path config, ConfigOverrides overrides, boolean exitWhenReady, boolean configOptional)
      implements SidecarCommand {

    Run(Path config, ConfigOverrides overrides, boolean exitWhenReady) {
      this(config, overrides, exitWhenReady, false);
    }
  }

  /**
   * Exit 0 once {@code file} exists and is not empty, 1 after {@code timeout}; starts nothing else.
   * The fallback postStart hook, for an image without a shell.
   */
  record WaitForFile(Path file, Duration timeout) implements SidecarCommand {}

  /** Check the config against this machine, one line per check, and exit 0 only if all pass. */
  record Doctor(Path config, ConfigOverrides overrides) implements SidecarCommand {}

  /** Install the pod's egress rules (the enforced-egress init container) and exit. */
  record InitNetwork(InitNetworkArguments arguments) implements SidecarCommand {}

  /** Print the usage. */
  record Help() implements SidecarCommand {}
}
