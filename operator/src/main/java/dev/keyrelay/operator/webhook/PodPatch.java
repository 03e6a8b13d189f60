package dev.keyrelay.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;

/**
 * The JSONPatch (RFC 6902) that turns a pod into its injected form, as admission responses carry.
 */
public final class PodPatch {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private PodPatch() {}

  /** Only add, remove and replace operations: some API servers reject move and copy. */
  public static JsonNode between(Pod original, Pod mutated) {
    return JsonDiff.asJson(
        tree(original), tree(mutated), DiffFlags.dontNormalizeOpIntoMoveAndCopy());
  }

  public static JsonNode tree(Pod pod) {
    return SERIALIZATION.convertValue(pod, JsonNode.class);
  }
}
