package dev.keyrelay.operator.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Where {@link KubeletStandIn} reads what it projects into a pod's volumes. */
public interface VolumeData {

  /** The ConfigMap's data, or null when it does not exist. */
  Map<String, String> configMap(String name);

  /** The Secret's decoded data, or null when it does not exist. */
  Map<String, String> secret(String name);

  /** A token of the pod's ServiceAccount for {@code audience}, bound to the pod. */
  String serviceAccountToken(String audience, long expirationSeconds);

  /** Fixed objects, for tests without an API server; they have no ServiceAccount tokens. */
  static VolumeData of(
      Map<String, Map<String, String>> configMaps, Map<String, Map<String, String>> secrets) {
    return new VolumeData() {
      @Override
      public Map<String, String> configMap(String name) {
        return configMaps.get(name);
      }

      @Override
      public Map<String, String> secret(String name) {
        return secrets.get(name);
      }

      @Override
      public String serviceAccountToken(String audience, long expirationSeconds) {
        throw new UnsupportedOperationException("no API server to issue a token");
      }
    };
  }

  /**
   * What the kubelet reads for {@code pod} from a real API server: ConfigMaps and Secrets of the
   * pod's namespace, and tokens from the TokenRequest API bound to the stored pod.
   */
  static VolumeData apiServer(KubernetesClient client, Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    return new VolumeData() {
      @Override
      public Map<String, String> configMap(String name) {
        ConfigMap map = client.configMaps().inNamespace(ns).withName(name).get();
        return map == null ? null : Objects.requireNonNullElse(map.getData(), Map.of());
      }

      @Override
      public Map<String, String> secret(String name) {
        Secret secret = client.secrets().inNamespace(ns).withName(name).get();
        if (secret == null) {
          return null;
        }
        Map<String, String> decoded = new HashMap<>();
        Objects.requireNonNullElse(secret.getData(), Map.<String, String>of())
            .forEach(
                (k, v) ->
                    decoded.put(
                        k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return decoded;
      }

      @Override
      public String serviceAccountToken(String audience, long expirationSeconds) {
        String account =
            Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
        // without a controller manager nobody creates a namespace's default ServiceAccount
        if (client.serviceAccounts().inNamespace(ns).withName(account).get() == null) {
          client
              .resource(
                  new ServiceAccountBuilder()
                      .withNewMetadata()
                      .withName(account)
                      .withNamespace(ns)
                      .endMetadata()
                      .build())
              .create();
        }
        return client
            .serviceAccounts()
            .inNamespace(ns)
            .withName(account)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withAudiences(audience)
                    .withExpirationSeconds(expirationSeconds)
                    .withNewBoundObjectRef()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(pod.getMetadata().getName())
                    .withUid(pod.getMetadata().getUid())
                    .endBoundObjectRef()
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
      }
    };
  }
}
