package dev.keyrelay.sidecar.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Checks a SigV4 signed request as AWS does: finds the key, recomputes the signature over the
 * received method, path, query, signed headers and body with the real secret key (the SDK's signer,
 * its clock set to the request's X-Amz-Date), and compares. The errors are AWS's error types.
 */
public final class SigV4Verifier {

  /** Why a request was refused: an AWS error type and its message. */
  public record Refusal(String type, String message) {}

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request,"
              + " ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private final AwsTestAccount account;
  private final String service;
  private final String region;

  public SigV4Verifier(AwsTestAccount account, String service, String region) {
    this.account = account;
    this.service = service;
    this.region = region;
  }

  /**
   * @param headers the received headers, names lower-cased
   * @return null when the signature is right
   */
  public Refusal verify(
      String method, String rawUri, Map<String, List<String>> headers, byte[] body) {
    String authorization = first(headers, "authorization");
    Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
    if (m == null || !m.matches()) {
      return new Refusal("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    AwsTestAccount.Key key = account.find(m.group(1));
    if (key == null
        || key.sessionToken() != null
            && !key.sessionToken().equals(first(headers, "x-amz-security-token"))) {
      return new Refusal(
          "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    if (key.expired()) {
      return new Refusal(
          "ExpiredTokenException", "The security token included in the request is expired");
    }
    if (!m.group(3).equals(region) || !m.group(4).equals(service)) {
      return new Refusal("InvalidSignatureException", "Credential should be scoped correctly.");
    }
    Instant signedAt;
    try {
      signedAt =
          LocalDateTime.parse(String.valueOf(first(headers, "x-amz-date")), AMZ_DATE)
              .toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return new Refusal("IncompleteSignatureException", "X-Amz-Date is missing or invalid");
    }
    if (Duration.between(signedAt, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
      return new Refusal("InvalidSignatureException", "Signature expired");
    }
    String expected = signature(method, rawUri, headers, body, key, signedAt, m.group(5));
    if (!expected.equals(m.group(6))) {
      return new Refusal(
          "InvalidSignatureException",
          "The request signature we calculated does not match the signature you provided."
              + " Check your AWS Secret Access Key and signing method.");
    }
    return null;
  }

  private String signature(
      String method,
      String rawUri,
      Map<String, List<String>> headers,
      byte[] body,
      AwsTestAccount.Key key,
      Instant signedAt,
      String signedHeaders) {
    String host = first(headers, "host");
    int colon = host.lastIndexOf(':');
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .protocol("https")
            .host(colon < 0 ? host : host.substring(0, colon))
            .port(colon < 0 ? 443 : Integer.parseInt(host.substring(colon + 1)));
    int query = rawUri.indexOf('?');
    request.encodedPath(query < 0 ? rawUri : rawUri.substring(0, query));
    if (query >= 0) {
      for (String pair : rawUri.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (!pair.isEmpty()) {
          request.appendRawQueryParameter(
              SdkHttpUtils.urlDecode(eq < 0 ? pair : pair.substring(0, eq)),
              eq < 0 ? "" : SdkHttpUtils.urlDecode(pair.substring(eq + 1)));
        }
      }
    }
    for (String name : signedHeaders.split(";")) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      if (values != null) {
        values.forEach(v -> request.appendHeader(name, v));
      }
    }
    boolean unsigned = "UNSIGNED-PAYLOAD".equals(first(headers, "x-amz-content-sha256"));
    AwsCredentialsIdentity identity =
        key.sessionToken() == null
            ? AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey())
            : AwsSessionCredentialsIdentity.create(
                key.accessKeyId(), key.secretAccessKey(), key.sessionToken());
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r -> {
                  r.identity(identity)
                      .request(request.build())
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                      .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                      .putProperty(
                          AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC))
                      .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, !unsigned);
                  if (!unsigned) {
                    r.payload(ContentStreamProvider.fromByteArray(body));
                  }
                })
            .request();
    Matcher m = AUTHORIZATION.matcher(signed.firstMatchingHeader("Authorization").orElseThrow());
    if (!m.matches() || !m.group(5).equals(signedHeaders)) {
      return "signed-headers-differ";
    }
    return m.group(6);
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
