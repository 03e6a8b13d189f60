package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The namespace's egress rules for traffic that matches no route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode == 'allowList' || !has(self.allow)",
    message =
        "allow is used only with mode allowList; in mode open every destination that is not"
            + " blocked is reachable")
@ValidationRule(
    value = "self.mode != 'allowList' || has(self.allow)",
    message = "mode allowList needs at least one allow entry")
public class EgressPolicySpec {

  private static final String ENTRIES =
      "self.all(e, e.matches('" + EgressPolicyNames.ENTRY_PATTERN + "'))";

  @Required
  @JsonPropertyDescription(
      "open: traffic that matches no route may reach any public destination that is not blocked."
          + " allowList: only the destinations in allow (and exceptions). Replaces the cluster"
          + " default's mode.")
  private EgressMode mode;

  @Size(min = 1, max = EgressPolicyNames.MAX_ENTRIES)
  @ValidationRule(value = ENTRIES, message = EgressPolicyNames.ENTRY_RULE_MESSAGE)
  @JsonPropertyDescription(
      "mode allowList only: the destinations traffic that matches no route may reach, as"
          + " host[:port], *.domain[:port] or a CIDR range. Replaces the cluster default's allow"
          + " list.")
  private List<@Size(max = EgressPolicyNames.MAX_ENTRY_LENGTH) String> allow;

  @Size(min = 1, max = EgressPolicyNames.MAX_ENTRIES)
  @ValidationRule(value = ENTRIES, message = EgressPolicyNames.ENTRY_RULE_MESSAGE)
  @JsonPropertyDescription(
      "Destinations always refused, as host[:port], *.domain[:port] or a CIDR range; block wins"
          + " over allow and exceptions. Added to the cluster default's block list, which a"
          + " namespace cannot lift.")
  private List<@Size(max = EgressPolicyNames.MAX_ENTRY_LENGTH) String> block;

  @Size(min = 1, max = EgressPolicyNames.MAX_ENTRIES)
  @ValidationRule(value = ENTRIES, message = EgressPolicyNames.ENTRY_RULE_MESSAGE)
  @JsonPropertyDescription(
      "Private, loopback or link-local destinations the sidecar's address guard would refuse"
          + " that traffic may reach anyway (in-cluster services, a VPN range). Reachable in"
          + " both modes; never the cloud metadata addresses, never a blocked entry. Replaces the"
          + " cluster default's exceptions.")
  private List<@Size(max = EgressPolicyNames.MAX_ENTRY_LENGTH) String> exceptions;

  public EgressMode getMode() {
    return mode;
  }

  public void setMode(EgressMode mode) {
    this.mode = mode;
  }

  public List<String> getAllow() {
    return allow;
  }

  public void setAllow(List<String> allow) {
    this.allow = allow;
  }

  public List<String> getBlock() {
    return block;
  }

  public void setBlock(List<String> block) {
    this.block = block;
  }

  public List<String> getExceptions() {
    return exceptions;
  }

  public void setExceptions(List<String> exceptions) {
    this.exceptions = exceptions;
  }
}
