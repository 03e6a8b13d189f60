package dev.keyrelay.operator;

import dev.keyrelay.operator.admin.AdminServer;
import dev.keyrelay.operator.admin.LibraryMeterHelp;
import dev.keyrelay.operator.admin.StoppableHealth;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.webhook.Webhook;
import dev.keyrelay.operator.webhook.WebhookSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the keyrelay operator against the current kubeconfig or in-cluster service account. */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length > 0 && args[0].equals("inject")) {
      InjectCommand command = new InjectCommand(System.in, System.out, System.err);
      System.exit(command.run(List.of(args).subList(1, args.length), System.getenv()));
    }
    if (args.length > 0) {
      System.err.println(
          "usage: java -jar keyrelay-operator.jar   (configured by environment:"
              + " KEYRELAY_WATCH_NAMESPACES, KEYRELAY_ADMIN_PORT, KEYRELAY_LEADER_ELECTION,"
              + " POD_NAMESPACE, POD_NAME, KEYRELAY_WEBHOOK_*, KEYRELAY_SIDECAR_*; see"
              + " docs/operator/running.md)\n"
              + "       "
              + InjectCommand.USAGE);
      System.exit(2);
    }
    OperatorSettings settings;
    InjectionSettings injection;
    WebhookSettings webhookSettings;
    KubernetesClient client = new KubernetesClientBuilder().build();
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv());
      injection = InjectionSettings.fromEnvironment(System.getenv());
      String namespace =
          settings.leaseNamespace() != null ? settings.leaseNamespace() : client.getNamespace();
      webhookSettings = WebhookSettings.fromEnvironment(System.getenv(), namespace);
    } catch (IllegalArgumentException e) {
      System.err.println("keyrelay-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new LibraryMeterHelp());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    // Every replica serves the webhook, leader or not.
    Webhook webhook =
        webhookSettings.enabled()
            ? Webhook.start(client, webhookSettings, injection, registry)
            : null;
    KeyrelayOperator operator = new KeyrelayOperator(client, settings, registry);
    StoppableHealth health = new StoppableHealth(operator);
    AdminServer admin = AdminServer.start(settings.adminPort(), health, registry);
    List<AutoCloseable> parts = new ArrayList<>();
    if (webhook != null) {
      parts.add(webhook);
    }
    parts.addAll(List.of(operator, admin, client));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(new GracefulStop(health, parts), "keyrelay-shutdown"));
    LOG.info(
        "Starting keyrelay operator (namespaces: {}, leader election: {})",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElection());
    operator.start();
  }
}
