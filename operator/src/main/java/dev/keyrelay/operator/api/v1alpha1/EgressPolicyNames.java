package dev.keyrelay.operator.api.v1alpha1;

/** Kind, plural, the singleton's name and the entry grammar of the EgressPolicy resource. */
public final class EgressPolicyNames {

  public static final String KIND = "EgressPolicy";
  public static final String PLURAL = "egresspolicies";
  public static final String SHORT_NAME = "kep";
  public static final String CRD_NAME = PLURAL + "." + CredentialRouteNames.GROUP;

  /** A namespace has at most one policy; any other name is refused by the API server. */
  public static final String SINGLETON_NAME = "default";

  public static final String NAME_RULE_MESSAGE =
      "metadata.name must be \"default\": a namespace has one EgressPolicy, named default";

  public static final int MAX_ENTRIES = 256;
  public static final int MAX_ENTRY_LENGTH = 260;

  private static final String LABEL = "[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?";
  private static final String NAME = LABEL + "(\\\\." + LABEL + ")*\\\\.?";
  private static final String PORT = "(:[0-9]{1,5})?";

  /**
   * The shapes the sidecar's egress lists accept, for CEL ({@code matches}, RE2): {@code
   * host[:port]}, an IPv4 address, {@code [ipv6][:port]} or a bare IPv6 address, {@code
   * *.domain[:port]}, or a CIDR range. The operator's Java check is stricter (ports, prefixes, bits
   * after the prefix); this one catches typos before they are stored.
   */
  public static final String ENTRY_PATTERN =
      "^(("
          + "(\\\\*\\\\.)?"
          + NAME
          + PORT
          + ")|(\\\\[[0-9a-fA-F:.]+\\\\]"
          + PORT
          + ")|([0-9a-fA-F]*:[0-9a-fA-F:.]+)|([0-9a-fA-F:.]+/[0-9]{1,3}))$";

  public static final String ENTRY_RULE_MESSAGE =
      "each entry must be host[:port], *.domain[:port], an IP address or a CIDR range such as"
          + " 10.0.0.0/8";

  private EgressPolicyNames() {}
}
