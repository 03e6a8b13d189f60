package dev.keyrelay.operator;

import dev.keyrelay.operator.admin.OperatorHealth;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.egress.EgressPolicyReconciler;
import dev.keyrelay.operator.route.CredentialRouteReconciler;
import dev.keyrelay.operator.route.PublishMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires java-operator-sdk with the keyrelay reconcilers, metrics and leader election. */
public final class KeyrelayOperator implements OperatorHealth, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KeyrelayOperator.class);

  private final Operator operator;
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private volatile boolean closing;

  public KeyrelayOperator(
      KubernetesClient client, OperatorSettings settings, MeterRegistry registry) {
    this.client = client;
    this.settings = settings;
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // Status and finalizers go through JSON patches rather than server-side
                  // apply: the same result for a single writer.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            settings.leaseName())
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withIdentity(settings.identity())
                        // java-operator-sdk would call System.exit when leadership ends, which
                        // deadlocks inside our own shutdown hook; exit only on a real loss.
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> {}, () -> leadershipLost(settings.leaseName()), leader -> {}))
                        .build());
              }
            });
    operator.register(
        new CredentialRouteReconciler(
            Clock.systemUTC(),
            new PublishMetrics(registry),
            settings.vault(),
            settings.egressDefault(),
            settings.secretRecheck()),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    operator.register(
        new EgressPolicyReconciler(Clock.systemUTC(), settings.egressDefault()),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
  }

  public void start() {
    operator.start();
  }

  @Override
  public boolean live() {
    return operator.getRuntimeInfo().isStarted();
  }

  @Override
  public Optional<String> notReadyReason() {
    RuntimeInfo info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return Optional.of("operator not started");
    }
    return info.allEventSourcesAreHealthy()
        ? Optional.empty()
        : Optional.of("unhealthy event sources: " + info.unhealthyEventSources().keySet());
  }

  private void leadershipLost(String leaseName) {
    if (!closing) {
      LOG.error(
          "Lost the {} lease; exiting so a restarted replica rejoins the election", leaseName);
      new Thread(() -> System.exit(1), "keyrelay-exit").start();
    }
  }

  @Override
  public void close() {
    closing = true;
    operator.stop();
    if (settings.leaderElection()) {
      String namespace =
          settings.leaseNamespace() != null ? settings.leaseNamespace() : client.getNamespace();
      LeaseRelease.release(client, namespace, settings.leaseName(), settings.identity());
    }
  }
}
