package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.ReservedHeaders;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How an HTTP route presents its credential: a header (optionally with a scheme), HTTP Basic, or an
 * AWS SigV4 signature.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != 'header' || has(self.headerName)",
    message = "headerName is required when type is header")
@ValidationRule(
    value = "self.type != 'basic' || has(self.username)",
    message = "username is required when type is basic")
@ValidationRule(
    value = "self.type != 'basic' || (!has(self.headerName) && !has(self.scheme))",
    message =
        "headerName and scheme are not allowed when type is basic (Basic always uses Authorization)")
@ValidationRule(
    value = "self.type != 'header' || !has(self.username)",
    message = "username is only allowed when type is basic")
@ValidationRule(
    value =
        "!has(self.headerName) || !(self.headerName.lowerAscii() in "
            + ReservedHeaders.CEL_LIST
            + ")",
    message =
        "headerName must not be one of Host, Content-Length, Transfer-Encoding, Connection,"
            + " Keep-Alive, TE, Trailer, Upgrade, Proxy-Authorization, Proxy-Authenticate")
@ValidationRule(
    value =
        "!has(self.headerName) || self.headerName.lowerAscii() != 'authorization'"
            + " || has(self.scheme)",
    message = "the Authorization header needs a scheme, e.g. Bearer")
@ValidationRule(
    value = "self.type != 'awsSigV4' || (has(self.service) && has(self.region))",
    message = "service and region are required when type is awsSigV4")
@ValidationRule(
    value =
        "self.type != 'awsSigV4' || (!has(self.headerName) && !has(self.scheme)"
            + " && !has(self.username))",
    message = "headerName, scheme and username are not allowed when type is awsSigV4")
@ValidationRule(
    value = "self.type == 'awsSigV4' || (!has(self.service) && !has(self.region))",
    message = "service and region are only allowed when type is awsSigV4")
public class HttpAuthSpec {

  /** AWS signing names (bedrock, execute-api) and region codes (us-east-1). */
  public static final String AWS_NAME_PATTERN = "^[a-z][a-z0-9-]{0,62}$";

  @Required
  @JsonPropertyDescription(
      "header: put the secret in headerName (prefixed by scheme when set); basic: send"
          + " Authorization: Basic base64(username:secret); awsSigV4: sign the request with the"
          + " AWS credentials of secret.aws or secret.awsWebIdentity.")
  private AuthType type;

  @Pattern(HttpTokens.PATTERN)
  @Size(max = 256)
  @JsonPropertyDescription(
      "The header that carries the credential (type header), e.g. x-api-key or Authorization."
          + " Any copy the agent sent is removed.")
  private String headerName;

  @Pattern(HttpTokens.PATTERN)
  @Size(max = 64)
  @JsonPropertyDescription(
      "A scheme written before the secret, e.g. Bearer; required when headerName is Authorization.")
  private String scheme;

  @Pattern("^[^:]+$")
  @Size(max = 256)
  @JsonPropertyDescription("The user name for type basic, e.g. x-access-token; no colon.")
  private String username;

  @Pattern(AWS_NAME_PATTERN)
  @JsonPropertyDescription("The AWS service signing name for type awsSigV4, e.g. bedrock.")
  private String service;

  @Pattern(AWS_NAME_PATTERN)
  @JsonPropertyDescription("The AWS region for type awsSigV4, e.g. us-east-1.")
  private String region;

  public AuthType getType() {
    return type;
  }

  public void setType(AuthType type) {
    this.type = type;
  }

  public String getHeaderName() {
    return headerName;
  }

  public void setHeaderName(String headerName) {
    this.headerName = headerName;
  }

  public String getScheme() {
    return scheme;
  }

  public void setScheme(String scheme) {
    this.scheme = scheme;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }
}
