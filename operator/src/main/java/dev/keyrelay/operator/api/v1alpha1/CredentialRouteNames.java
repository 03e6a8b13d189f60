package dev.keyrelay.operator.api.v1alpha1;

/** Group, version, kind and plural of the CredentialRoute resource, in one place. */
public final class CredentialRouteNames {

  public static final String GROUP = "keyrelay.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "CredentialRoute";
  public static final String PLURAL = "credentialroutes";
  public static final String SHORT_NAME = "kcr";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /**
   * A route's name is a DNS label, not the subdomain Kubernetes allows for custom resources: it
   * becomes part of the names of the pod volumes and trust files the injector creates for it.
   */
  public static final String ROUTE_NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  public static final int ROUTE_NAME_MAX_LENGTH = 63;

  public static final String ROUTE_NAME_RULE_MESSAGE =
      "metadata.name must be a DNS label: at most 63 lower-case letters, digits and '-', no dots";

  private CredentialRouteNames() {}
}
