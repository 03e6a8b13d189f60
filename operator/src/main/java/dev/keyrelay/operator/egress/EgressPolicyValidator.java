package dev.keyrelay.operator.egress;

import dev.keyrelay.contract.EgressEntries;
import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicyNames;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import dev.keyrelay.operator.route.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's own checks of an EgressPolicy, the same as the CRD's CEL rules plus what a regular
 * expression cannot see (ports, prefixes, bits after the prefix). A policy that fails them is not
 * applied: its namespace keeps the cluster default.
 */
public final class EgressPolicyValidator {

  private EgressPolicyValidator() {}

  public static List<Violation> validate(EgressPolicy policy) {
    List<Violation> found = new ArrayList<>();
    String name = policy.getMetadata().getName();
    if (!EgressPolicyNames.SINGLETON_NAME.equals(name)) {
      found.add(new Violation("metadata.name", EgressPolicyNames.NAME_RULE_MESSAGE));
    }
    EgressPolicySpec spec = policy.getSpec();
    if (spec == null) {
      found.add(new Violation("spec", "is required"));
      return found;
    }
    found.addAll(
        rules(spec.getMode(), spec.getAllow(), spec.getBlock(), spec.getExceptions(), "spec."));
    return found;
  }

  /**
   * The checks shared by a policy's spec and the cluster default: a mode, allow only (and not
   * empty) in mode allowList, and every entry one the sidecar reads.
   *
   * @param prefix put before each field name, "spec." for a policy
   */
  public static List<Violation> rules(
      EgressMode mode,
      List<String> allow,
      List<String> block,
      List<String> exceptions,
      String prefix) {
    List<Violation> found = new ArrayList<>();
    if (mode == null) {
      found.add(new Violation(prefix + "mode", "is required: open or allowList"));
    } else if (mode == EgressMode.ALLOW_LIST && (allow == null || allow.isEmpty())) {
      found.add(new Violation(prefix + "allow", "mode allowList needs at least one allow entry"));
    } else if (mode == EgressMode.OPEN && allow != null && !allow.isEmpty()) {
      found.add(
          new Violation(
              prefix + "allow",
              "is used only with mode allowList; in mode open every destination that is not"
                  + " blocked is reachable"));
    }
    entries(allow, prefix + "allow", found);
    entries(block, prefix + "block", found);
    entries(exceptions, prefix + "exceptions", found);
    return found;
  }

  private static void entries(List<String> entries, String field, List<Violation> found) {
    if (entries == null) {
      return;
    }
    if (entries.size() > EgressPolicyNames.MAX_ENTRIES) {
      found.add(
          new Violation(field, "has more than " + EgressPolicyNames.MAX_ENTRIES + " entries"));
    }
    for (int i = 0; i < entries.size(); i++) {
      int index = i;
      entryProblem(entries.get(i))
          .ifPresent(p -> found.add(new Violation(field + "[" + index + "]", p)));
    }
  }

  /** Why the sidecar would refuse {@code text} in an egress list; empty when it loads. */
  static Optional<String> entryProblem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty");
    }
    try {
      EgressEntries.parse(text);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }
}
