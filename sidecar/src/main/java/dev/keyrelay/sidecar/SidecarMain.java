package dev.keyrelay.sidecar;

import dev.keyrelay.sidecar.config.ConfigException;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.SidecarConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Command line: {@code java -jar keyrelay-sidecar.jar --config FILE}. */
public final class SidecarMain {

  private static final String USAGE = "usage: keyrelay-sidecar --config FILE";

  private SidecarMain() {}

  public static void main(String[] args) throws Exception {
    Path file = configPath(args);
    SidecarConfig config;
    try {
      config = ConfigLoader.load(file);
    } catch (ConfigException e) {
      System.err.println("keyrelay: invalid configuration\n" + e.getMessage());
      System.exit(2);
      return;
    }
    Sidecar sidecar = Sidecar.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sidecar.close();
                  stopped.countDown();
                },
                "keyrelay-shutdown"));
    stopped.await();
  }

  private static Path configPath(String[] args) {
    if (args.length == 2 && args[0].equals("--config")) {
      return Path.of(args[1]);
    }
    if (args.length == 1 && args[0].startsWith("--config=")) {
      return Path.of(args[0].substring("--config=".length()));
    }
    System.err.println(USAGE);
    System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
    throw new IllegalStateException("unreachable");
  }
}
