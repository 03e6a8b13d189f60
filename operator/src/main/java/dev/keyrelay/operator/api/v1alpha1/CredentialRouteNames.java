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

  private CredentialRouteNames() {}
}
