package dev.keyrelay.sidecar.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces made by a test ({@code ip netns}), linked by veth pairs, each optionally with
 * its own {@code /etc/hosts} (which {@code ip netns exec} mounts from {@code /etc/netns/NAME/}).
 * Names carry a random suffix, so parallel runs do not collide; {@link #close} removes whatever was
 * made, also after a failure half-way. Needs root and iproute2.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private static final Path ETC_NETNS = Path.of("/etc/netns");

  private final String suffix =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
  private final List<String> namespaces = new ArrayList<>();

  /** Whether this process can make namespaces: root with {@code ip} installed. */
  public static boolean available() {
    try {
      return Clients.run(List.of("id", "-u"), Map.of()).stdout().strip().equals("0")
          && Clients.run(List.of("ip", "-V"), Map.of()).exitCode() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Makes {@code prefix-SUFFIX} (at most 15 characters, so it can name a veth too) with lo up. */
  public String create(String prefix) throws Exception {
    String name = prefix + "-" + suffix;
    run("ip", "netns", "add", name);
    namespaces.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** A veth pair between two namespaces, with an address (CIDR form) on each end, both up. */
  public void link(String a, String aAddress, String b, String bAddress) throws Exception {
    run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    run("ip", "link", "set", a, "netns", a);
    run("ip", "link", "set", b, "netns", b);
    run("ip", "-n", a, "addr", "add", aAddress, "dev", a);
    run("ip", "-n", b, "addr", "add", bAddress, "dev", b);
    run("ip", "-n", a, "link", "set", a, "up");
    run("ip", "-n", b, "link", "set", b, "up");
  }

  /**
   * Adds an IPv6 address (CIDR form) to the veth end named like {@code name} (see {@link #link}),
   * usable at once: duplicate address detection would hold it back for a second or two.
   */
  public void addIpv6(String name, String address) throws Exception {
    run("ip", "-n", name, "addr", "add", address, "dev", name, "nodad");
  }

  /** The {@code /etc/hosts} that programs started with {@link #exec} in {@code name} see. */
  public void hosts(String name, String content) throws IOException {
    Path dir = Files.createDirectories(ETC_NETNS.resolve(name));
    Files.writeString(dir.resolve("hosts"), content);
  }

  /** {@code command} run inside namespace {@code name}. */
  public static List<String> exec(String name, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Runs a set-up command; fails with its output unless it exits 0. */
  public static void run(String... command) throws Exception {
    Clients.Run run = Clients.run(List.of(command), Map.of());
    if (run.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (" + run.exitCode() + "): " + run.stderr());
    }
  }

  @Override
  public void close() throws Exception {
    // Deleting a namespace deletes its end of each veth pair, and with it the pair.
    for (String name : namespaces) {
      Clients.run(List.of("ip", "netns", "del", name), Map.of());
      Path dir = ETC_NETNS.resolve(name);
      Files.deleteIfExists(dir.resolve("hosts"));
      Files.deleteIfExists(dir);
    }
    namespaces.clear();
  }
}
