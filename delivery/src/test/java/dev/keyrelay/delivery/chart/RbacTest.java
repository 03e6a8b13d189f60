package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Least privilege: the permissions docs/operator/running.md and webhook.md list, no wildcard,
 * cluster-wide only what the operator uses in namespaces it cannot know in advance, and writes to
 * Secrets only in its own namespace and only to the webhook certificate.
 */
class RbacTest {

  private static final String CORE = "";

  /** What the reconciler uses in every namespace it watches. */
  private static final Set<String> ROUTE_PERMISSIONS =
      permissions(
          Map.of(
              "keyrelay.dev/credentialroutes", "get list watch patch update",
              "keyrelay.dev/credentialroutes/status", "get list watch patch update",
              "keyrelay.dev/egresspolicies", "get list watch",
              "keyrelay.dev/egresspolicies/status", "patch update",
              "secrets", "get",
              "pods", "list",
              "configmaps", "list watch create",
              "configmaps[keyrelay-routes]", "get update delete",
              "events", "create"));

  /** What the webhook uses whatever namespaces are watched. */
  private static final Set<String> WEBHOOK_PERMISSIONS =
      permissions(
          Map.of(
              "configmaps", "list watch",
              "authorization.k8s.io/subjectaccessreviews", "create",
              "nodes", "list watch",
              "admissionregistration.k8s.io/mutatingwebhookconfigurations[keyrelay-injector]",
                  "get list watch patch update"));

  @ParameterizedTest
  @EnumSource(Install.class)
  void noRuleUsesAWildcard(Install install) {
    for (PolicyRule rule : allRules(install.manifests())) {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Install.class)
  void everyRoleIsBoundToTheOperatorOnly(Install install) {
    Manifests manifests = install.manifests();
    List<Subject> subjects =
        manifests.all(RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()).toList();
    List<Subject> clusterSubjects =
        manifests.all(ClusterRoleBinding.class).stream()
            .flatMap(b -> b.getSubjects().stream())
            .toList();
    for (Subject subject : concat(subjects, clusterSubjects)) {
      assertThat(subject.getKind()).isEqualTo("ServiceAccount");
      assertThat(subject.getName()).isEqualTo("keyrelay-operator");
      assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    }
    assertThat(manifests.all(RoleBinding.class)).hasSameSizeAs(manifests.all(Role.class));
    assertThat(manifests.all(ClusterRoleBinding.class))
        .hasSameSizeAs(manifests.all(ClusterRole.class));
  }

  @Test
  void watchingEveryNamespaceNeedsTheRoutePermissionsClusterWide() {
    Manifests manifests = Install.DEFAULTS.manifests();
    assertThat(permissions(manifests.named(ClusterRole.class, "keyrelay-routes").getRules()))
        .isEqualTo(ROUTE_PERMISSIONS);
    assertThat(permissions(manifests.named(ClusterRole.class, "keyrelay-webhook").getRules()))
        .isEqualTo(WEBHOOK_PERMISSIONS);
    assertThat(manifests.all(ClusterRole.class)).hasSize(2);
  }

  @Test
  void watchingChosenNamespacesKeepsNamespacedPermissionsInRolesThere() {
    Manifests manifests = Install.WATCHED_NAMESPACES.manifests();
    // cluster-wide: only cluster-scoped resources, and the webhook's any-namespace informer
    assertThat(permissions(manifests.one(ClusterRole.class).getRules()))
        .isEqualTo(WEBHOOK_PERMISSIONS);
    for (String ns : List.of("team-a", "team-b")) {
      Role role =
          manifests.all(Role.class).stream()
              .filter(r -> r.getMetadata().getNamespace().equals(ns))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Role in " + ns));
      assertThat(permissions(role.getRules())).as(ns).isEqualTo(ROUTE_PERMISSIONS);
    }
  }

  @Test
  void theOperatorsOwnNamespaceHoldsItsLeaseAndCertificateByName() {
    Role role = Install.DEFAULTS.manifests().named(Role.class, "keyrelay-operator");
    assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    assertThat(permissions(role.getRules()))
        .isEqualTo(
            permissions(
                Map.of(
                    "coordination.k8s.io/leases", "create",
                    "coordination.k8s.io/leases[keyrelay-operator]", "get update patch",
                    "secrets", "create",
                    "secrets[keyrelay-webhook-tls]", "get update")));
  }

  @ParameterizedTest
  @EnumSource(Install.class)
  void secretsAreWrittenOnlyInTheReleaseNamespace(Install install) {
    Manifests manifests = install.manifests();
    Set<String> readOnly = Set.of("get", "list", "watch");
    for (ClusterRole role : manifests.all(ClusterRole.class)) {
      for (PolicyRule rule : role.getRules()) {
        if (rule.getResources().contains("secrets")) {
          assertThat(readOnly).as(role.getMetadata().getName()).containsAll(rule.getVerbs());
        }
      }
    }
    for (Role role : manifests.all(Role.class)) {
      boolean writes =
          role.getRules().stream()
              .anyMatch(
                  r -> r.getResources().contains("secrets") && !readOnly.containsAll(r.getVerbs()));
      if (writes) {
        assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
      }
    }
  }

  /** "group/resource[name]:verb" for every verb of every rule; the core group is left out. */
  private static Set<String> permissions(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names =
          rule.getResourceNames().isEmpty() ? List.of("") : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String name : names) {
            for (String verb : rule.getVerbs()) {
              String qualified = group.equals(CORE) ? resource : group + "/" + resource;
              out.add(qualified + (name.isEmpty() ? "" : "[" + name + "]") + ":" + verb);
            }
          }
        }
      }
    }
    return out;
  }

  private static Set<String> permissions(Map<String, String> verbsByResource) {
    return verbsByResource.entrySet().stream()
        .flatMap(e -> List.of(e.getValue().split(" ")).stream().map(v -> e.getKey() + ":" + v))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<PolicyRule> allRules(Manifests manifests) {
    return concat(
        manifests.all(Role.class).stream().flatMap(r -> r.getRules().stream()).toList(),
        manifests.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()).toList());
  }

  private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
