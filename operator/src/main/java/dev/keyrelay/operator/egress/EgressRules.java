package dev.keyrelay.operator.egress;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Egress rules for traffic that matches no route: the cluster-wide default, a namespace's
 * EgressPolicy, or the two merged. Entries are kept as written (the sidecar canonicalises them).
 *
 * @param allow used only in mode allowList
 * @param exceptions private destinations exempt from the sidecar's address guard
 */
public record EgressRules(
    EgressMode mode, List<String> allow, List<String> block, List<String> exceptions) {

  /**
   * Blocked in every namespace whatever its policy says: the cloud metadata endpoints (AWS, GCP,
   * Azure and Oracle use 169.254.169.254, AWS also fd00:ec2::254 over IPv6). The sidecar checks the
   * block list before exceptions, so no exception can reach them.
   */
  public static final List<String> ALWAYS_BLOCKED =
      List.of("169.254.169.254/32", "fd00:ec2::254/128", "metadata.google.internal");

  /** No allow list, nothing blocked beyond {@link #ALWAYS_BLOCKED}, no exception. */
  public static final EgressRules OPEN =
      new EgressRules(EgressMode.OPEN, List.of(), List.of(), List.of());

  public EgressRules {
    Objects.requireNonNull(mode, "mode");
    allow = List.copyOf(allow);
    block = List.copyOf(block);
    exceptions = List.copyOf(exceptions);
  }

  /** The rules of a valid EgressPolicy's spec on its own. */
  public static EgressRules of(EgressPolicySpec spec) {
    return new EgressRules(
        spec.getMode(),
        orEmpty(spec.getAllow()),
        orEmpty(spec.getBlock()),
        orEmpty(spec.getExceptions()));
  }

  /**
   * A namespace's policy over this default: the namespace's mode, allow list and exceptions replace
   * the default's; block lists add up, so a namespace cannot unblock what the cluster blocks.
   */
  public EgressRules overriddenBy(EgressRules namespace) {
    return new EgressRules(
        namespace.mode, namespace.allow, union(block, namespace.block), namespace.exceptions);
  }

  /**
   * The sidecar's {@code egress:} block: in mode allowList the allow list is {@code allow} plus the
   * exceptions (an exception is meant to be reachable); the block list always ends with {@link
   * #ALWAYS_BLOCKED}.
   */
  public Map<String, Object> sidecarBlock() {
    Map<String, Object> egress = new LinkedHashMap<>();
    if (!exceptions.isEmpty()) {
      egress.put("exceptions", exceptions);
    }
    if (mode == EgressMode.ALLOW_LIST) {
      egress.put("allowList", union(allow, exceptions));
    }
    egress.put("blockList", union(block, ALWAYS_BLOCKED));
    return egress;
  }

  private static List<String> union(List<String> first, List<String> second) {
    Set<String> all = new LinkedHashSet<>(first);
    all.addAll(second);
    return new ArrayList<>(all);
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
