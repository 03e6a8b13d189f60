package dev.keyrelay.sidecar.netinit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the rules of a {@link NetworkPolicy} in the current network namespace with {@code
 * iptables-restore} and {@code ip6tables-restore}, or prints them. Fails closed: a pod whose rules
 * could not be installed must not start its agent, so any failure exits non-zero.
 */
public final class NetworkInit {

  /** Present exactly when the kernel has IPv6 on; without it there is no IPv6 egress to refuse. */
  private static final Path IPV6_INTERFACES = Path.of("/proc/net/if_inet6");

  private NetworkInit() {}

  /** Returns the process exit code: 0 installed (or printed), 1 failed. */
  public static int run(InitNetworkArguments arguments, PrintStream out, PrintStream err) {
    String ipv4 = IptablesRules.ipv4(arguments.policy());
    String ipv6 = IptablesRules.ipv6(arguments.policy());
    if (arguments.dryRun()) {
      out.print("# iptables-restore\n" + ipv4 + "# ip6tables-restore\n" + ipv6);
      return 0;
    }
    try {
      restore("iptables-restore", ipv4);
      if (Files.exists(IPV6_INTERFACES)) {
        restore("ip6tables-restore", ipv6);
      } else {
        out.println("keyrelay init-network: IPv6 is off in this kernel; no IPv6 rules needed");
      }
    } catch (IOException | InterruptedException e) {
      err.println("keyrelay init-network: " + e.getMessage());
      return 1;
    }
    out.println(
        "keyrelay init-network: egress enforced; TCP 443 and 80 go to ports "
            + arguments.policy().httpsPort()
            + " and "
            + arguments.policy().httpPort()
            + ", uid "
            + arguments.policy().proxyUid()
            + " passes");
    return 0;
  }

  private static void restore(String binary, String rules)
      throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(List.of(binary)).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run " + binary + " (is iptables installed?): " + e.getMessage(), e);
    }
    try (OutputStream in = process.getOutputStream()) {
      in.write(rules.getBytes(StandardCharsets.US_ASCII));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(binary + " did not finish within 30 s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          binary + " failed with exit code " + process.exitValue() + ": " + output.strip());
    }
  }
}
