package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.TestNamespace;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the chart's RBAC lets the operator's ServiceAccount do, asked of the real authorizer with
 * SubjectAccessReviews: enough to run (ChartRbacIT), and not more where the chart can limit it.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartLeastPrivilegeIT {

  private static KubeApiServer server;
  private static ChartRelease release;

  @BeforeAll
  static void installTheChart(KubeApiServer apiServer, TestNamespace releaseNamespace) {
    server = apiServer;
    release = ChartRelease.install(server, releaseNamespace);
  }

  @ParameterizedTest(name = "{0} {1}/{2} {3} in {4}: {5}")
  @CsvSource({
    // the routes ConfigMap of any namespace, by name; no other ConfigMap
    "create, '', configmaps, '', team-a, true",
    "list, '', configmaps, '', team-a, true",
    "get, '', configmaps, " + RoutesConfigMap.NAME + ", team-a, true",
    "update, '', configmaps, " + RoutesConfigMap.NAME + ", team-a, true",
    "delete, '', configmaps, " + RoutesConfigMap.NAME + ", team-a, true",
    "get, '', configmaps, kube-root-ca.crt, team-a, false",
    "update, '', configmaps, app-settings, team-a, false",
    "delete, '', configmaps, app-settings, team-a, false",
    "patch, '', configmaps, " + RoutesConfigMap.NAME + ", team-a, false",
    // its own Lease, renewed with a patch; no other Lease
    "patch, coordination.k8s.io, leases, LEASE, RELEASE, true",
    "update, coordination.k8s.io, leases, LEASE, RELEASE, true",
    "patch, coordination.k8s.io, leases, other-operator, RELEASE, false",
    "patch, coordination.k8s.io, leases, LEASE, team-a, false",
    // routes and their status, pods only listed, events only created
    "patch, keyrelay.dev, credentialroutes/status, r, team-a, true",
    "delete, keyrelay.dev, credentialroutes, r, team-a, false",
    // egress policies: watched and their status patched, never created, changed or deleted
    "watch, keyrelay.dev, egresspolicies, '', team-a, true",
    "patch, keyrelay.dev, egresspolicies/status, default, team-a, true",
    "create, keyrelay.dev, egresspolicies, '', team-a, false",
    "patch, keyrelay.dev, egresspolicies, default, team-a, false",
    "delete, keyrelay.dev, egresspolicies, default, team-a, false",
    "list, '', pods, '', team-a, true",
    "get, '', pods, p, team-a, false",
    "create, '', events, '', team-a, true",
    "delete, '', events, e, team-a, false",
    // Secrets: a route's own Secret by name, never listed or watched in any namespace
    "get, '', secrets, anthropic-key, team-a, true",
    "list, '', secrets, '', team-a, false",
    "watch, '', secrets, '', team-a, false",
    "list, '', secrets, '', '', false",
    "watch, '', secrets, '', '', false",
    // no writes to Secrets
    "update, '', secrets, s, team-a, false",
    "create, '', secrets, '', team-a, false",
  })
  void theOperatorMayDoOnlyWhatItNeeds(
      String verb, String group, String resource, String name, String namespace, boolean allowed) {
    String[] parts = resource.split("/");
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(release.user())
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withGroup(group)
            .withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null)
            .withName(name.replace("LEASE", release.leaseName()))
            .withNamespace(namespace.replace("RELEASE", release.namespace()))
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = server.admin().resource(review).create();
    assertThat(answer.getStatus().getAllowed())
        .as(answer.getStatus().getReason())
        .isEqualTo(allowed);
  }
}
