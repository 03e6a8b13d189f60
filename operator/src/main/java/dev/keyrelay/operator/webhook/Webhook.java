package dev.keyrelay.operator.webhook;

import dev.keyrelay.operator.inject.InjectionSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook as the operator runs it: routes cache, certificate and HTTPS server. Every replica
 * runs it independently of leader election, so a replica that lost the lease and restarts never
 * leaves the cluster without a webhook.
 */
public final class Webhook implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
  private static final Duration CERT_CHECK = Duration.ofHours(1);
  private static final Duration SAR_TIMEOUT = Duration.ofMillis(500);

  private final ConfigMapRoutesSource routes;
  private final NodeKubeletVersions nodes;
  private final InjectionEvents events;
  private final WebhookServer server;
  private final ScheduledExecutorService scheduler;
  private final AutoCloseable configurationWatch;

  private Webhook(
      ConfigMapRoutesSource routes,
      NodeKubeletVersions nodes,
      InjectionEvents events,
      WebhookServer server,
      ScheduledExecutorService s,
      AutoCloseable configurationWatch) {
    this.routes = routes;
    this.nodes = nodes;
    this.events = events;
    this.server = server;
    this.scheduler = s;
    this.configurationWatch = configurationWatch;
  }

  public static Webhook start(
      KubernetesClient client,
      WebhookSettings settings,
      InjectionSettings injection,
      MeterRegistry registry)
      throws InterruptedException {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "keyrelay-webhook-certs"));
    Supplier<SslContext> tls;
    AutoCloseable configurationWatch = () -> {};
    if (settings.certDir() != null) {
      tls = new CertificateFiles(settings.certDir());
      tls.get();
    } else {
      String svc = settings.service() + "." + settings.namespace() + ".svc";
      WebhookCertificateManager certs =
          new WebhookCertificateManager(
              client,
              new WebhookCertificateManager.Settings(
                  settings.namespace(),
                  settings.secret(),
                  settings.configuration(),
                  List.of(svc, svc + ".cluster.local"),
                  Duration.ofDays(365),
                  Duration.ofDays(30)),
              Clock.systemUTC());
      certs.ensure();
      scheduler.scheduleWithFixedDelay(
          certs::ensureQuietly, CERT_CHECK.toMinutes(), CERT_CHECK.toMinutes(), TimeUnit.MINUTES);
      configurationWatch = certs.watchConfiguration(scheduler)::close;
      tls = certs;
    }
    ConfigMapRoutesSource routes = new ConfigMapRoutesSource(client);
    InjectionEvents events = new InjectionEvents(client);
    NodeKubeletVersions nodes =
        settings.nativeSidecarAuto() ? new NodeKubeletVersions(client) : null;
    Supplier<InjectionSettings> perAdmission =
        nodes == null
            ? () -> injection
            : () -> injection.withNativeSidecar(nodes.allSupportNativeSidecars());
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            routes,
            perAdmission,
            Set.of("kube-system", settings.namespace()),
            registry,
            new SecretAccessCheck(client, SAR_TIMEOUT),
            events);
    return new Webhook(
        routes,
        nodes,
        events,
        WebhookServer.start(settings.port(), tls, handler),
        scheduler,
        configurationWatch);
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    try {
      configurationWatch.close();
    } catch (Exception e) {
      LOG.debug("Stopping the webhook configuration watch failed", e);
    }
    scheduler.shutdownNow();
    server.close();
    events.close();
    routes.close();
    if (nodes != null) {
      nodes.close();
    }
  }
}
