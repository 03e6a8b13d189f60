package dev.keyrelay.operator;

import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.route.CredentialRouteReconciler;
import dev.keyrelay.operator.route.PublishMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Wires java-operator-sdk with the keyrelay reconcilers, metrics and leader election. */
public final class KeyrelayOperator implements AutoCloseable {

  private final Operator operator;

  public KeyrelayOperator(KubernetesClient client, OperatorSettings settings, MeterRegistry registry) {
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // status and finalizers go through JSON patches rather than server-side apply: the same
          // result for a single writer, and the path the mock-API-server tests exercise
          .withUseSSAToPatchPrimaryResource(false)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
            .withLeaseNamespace(settings.leaseNamespace())
            .withIdentity(settings.identity())
            .build());
      }
    });
    operator.register(new CredentialRouteReconciler(Clock.systemUTC(), new PublishMetrics(registry)), c -> {
      if (!settings.watchNamespaces().isEmpty()) {
        c.settingNamespaces(settings.watchNamespaces());
      }
    });
  }

  public void start() {
    operator.start();
  }

  public RuntimeInfo runtimeInfo() {
    return operator.getRuntimeInfo();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
