package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import java.nio.file.Path;

/**
 * One HTTP route: traffic to {@code match} gets {@code auth} with the value from {@code secret}.
 *
 * @param upstreamCaFile extra PEM trust for the upstream besides the system roots, or null
 * @param allowInsecureHttp whether the credential may be sent over plain HTTP
 * @param scrub whether responses are scrubbed of the secret before the agent reads them
 * @param policy which requests get the credential, and how many; {@link RoutePolicy#OPEN} if none
 */
public record Route(
    String name,
    HostMatch match,
    Path upstreamCaFile,
    RouteAuth auth,
    SecretRef secret,
    boolean allowInsecureHttp,
    boolean scrub,
    RoutePolicy policy) {}
