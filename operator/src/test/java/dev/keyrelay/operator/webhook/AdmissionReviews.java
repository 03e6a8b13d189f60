package dev.keyrelay.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** AdmissionReview requests shaped as kube-apiserver sends them. */
public final class AdmissionReviews {

  static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {}

  /** An AdmissionReview as kube-apiserver sends it for a pod. */
  public static ObjectNode review(
      String operation, String namespace, JsonNode pod, JsonNode oldPod) {
    return review(operation, namespace, pod, oldPod, true);
  }

  static ObjectNode review(
      String operation, String namespace, JsonNode pod, JsonNode oldPod, boolean dryRun) {
    ObjectNode request = JSON.createObjectNode();
    request.put("uid", UID);
    request.set(
        "kind", JSON.createObjectNode().put("group", "").put("version", "v1").put("kind", "Pod"));
    request.set(
        "resource",
        JSON.createObjectNode().put("group", "").put("version", "v1").put("resource", "pods"));
    request.put("namespace", namespace);
    request.put("operation", operation);
    request.set(
        "userInfo",
        JSON.createObjectNode()
            .put("username", "system:serviceaccount:kube-system:replicaset-controller"));
    request.set("object", pod);
    request.set("oldObject", oldPod == null ? JSON.nullNode() : oldPod);
    request.put("dryRun", dryRun);
    request.set(
        "options",
        JSON.createObjectNode().put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions"));
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    review.set("request", request);
    return review;
  }
}
