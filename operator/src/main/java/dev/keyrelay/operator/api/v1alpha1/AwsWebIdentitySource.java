package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Temporary AWS credentials the sidecar obtains at STS with AssumeRoleWithWebIdentity (IRSA, EKS
 * Pod Identity style), for a route with auth type awsSigV4.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AwsWebIdentitySource {

  public static final String ROLE_ARN_PATTERN =
      "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$";
  public static final String SESSION_NAME_PATTERN = "^[\\w+=,.@-]{2,64}$";

  @Required
  @Pattern(ROLE_ARN_PATTERN)
  @JsonPropertyDescription("The IAM role to assume, arn:aws:iam::ACCOUNT:role/NAME.")
  private String roleArn;

  @Required
  @Pattern("^/[^\\x00]*$")
  @Size(max = 1024)
  @JsonPropertyDescription(
      "The absolute path, in the sidecar container, of the projected service account token that"
          + " STS trusts, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token; read again"
          + " for every exchange, since the kubelet rotates it.")
  private String tokenFile;

  @Pattern("^https://[^\\s?#@]+$")
  @JsonPropertyDescription(
      "The STS endpoint; https://sts.amazonaws.com when absent, e.g."
          + " https://sts.us-east-1.amazonaws.com for the regional one.")
  private String stsUrl;

  @Pattern(SESSION_NAME_PATTERN)
  @JsonPropertyDescription("The RoleSessionName CloudTrail shows; keyrelay when absent.")
  private String sessionName;

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getTokenFile() {
    return tokenFile;
  }

  public void setTokenFile(String tokenFile) {
    this.tokenFile = tokenFile;
  }

  public String getStsUrl() {
    return stsUrl;
  }

  public void setStsUrl(String stsUrl) {
    this.stsUrl = stsUrl;
  }

  public String getSessionName() {
    return sessionName;
  }

  public void setSessionName(String sessionName) {
    this.sessionName = sessionName;
  }
}
