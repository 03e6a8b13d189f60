package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.ReservedHeaders;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How an HTTP route presents its credential: a header (optionally with a scheme) or HTTP Basic. */
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
public class HttpAuthSpec {

  @Required
  @JsonPropertyDescription(
      "header: put the secret in headerName (prefixed by scheme when set); basic: send"
          + " Authorization: Basic base64(username:secret).")
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
}
