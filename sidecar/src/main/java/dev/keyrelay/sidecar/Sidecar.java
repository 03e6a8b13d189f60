package dev.keyrelay.sidecar;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.admin.AdminServer;
import dev.keyrelay.sidecar.admin.ReadinessReport;
import dev.keyrelay.sidecar.admin.RuntimeMetrics;
import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.ConfigOverrides;
import dev.keyrelay.sidecar.config.ConfigWatcher;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.SidecarConfig;
import dev.keyrelay.sidecar.egress.EgressGuard;
import dev.keyrelay.sidecar.http.ProxyMetrics;
import dev.keyrelay.sidecar.http.ProxyServer;
import dev.keyrelay.sidecar.http.ProxyServices;
import dev.keyrelay.sidecar.http.ProxyState;
import dev.keyrelay.sidecar.http.RouteTable;
import dev.keyrelay.sidecar.http.TransparentServer;
import dev.keyrelay.sidecar.policy.RouteLimiters;
import dev.keyrelay.sidecar.postgres.ListenerTlsContext;
import dev.keyrelay.sidecar.postgres.PostgresListeners;
import dev.keyrelay.sidecar.scrub.Scrubbing;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.tls.CaFiles;
import dev.keyrelay.sidecar.tls.CaKeyFile;
import dev.keyrelay.sidecar.tls.CertificateAuthority;
import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import dev.keyrelay.sidecar.tls.ServerTlsContexts;
import dev.keyrelay.sidecar.tls.TlsStartup;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import dev.keyrelay.sidecar.upstream.UpstreamPool;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sidecar: the CA, the proxy and admin listeners, live config reloading, and the stop
 * request that the admin port accepts.
 */
public final class Sidecar implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sidecar.class);
  // How often the upstream CA files are looked at for a rotation: a stat each, off the event loops.
  private static final long TRUST_RECHECK_SECONDS = 5;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ExecutorService blocking = BlockingExecutor.create();
  private final HostResolver resolver = new HostResolver(blocking);
  private final Transport transport = Transport.best();
  private final EventLoopGroup boss = transport.newGroup(1);
  private final EventLoopGroup workers;
  private final AtomicReference<ProxyState> state;
  private final UpstreamTlsContexts upstreamTls = new UpstreamTlsContexts();
  private final UpstreamPool upstreams;
  private final SecretResolver secrets;
  private final ProxyServer proxy;
  private final TransparentServer transparent; // null without enforced egress
  private final PostgresListeners listeners;
  private final AdminServer admin;
  private final ConfigWatcher watcher;
  private final CountDownLatch quitRequested = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile SidecarConfig config;
  private volatile boolean ready;

  private Sidecar(SidecarConfig config, ConfigOverrides overrides, TlsStartup.Started tls)
      throws Exception {
    this.config = config;
    workers = transport.newGroup(config.proxy().workers());
    RuntimeMetrics.configure(registry);
    ReadinessReport report = new ReadinessReport(() -> ready, blocking);
    admin =
        AdminServer.bind(
            config.admin().listen(),
            transport,
            boss,
            registry,
            () -> ready,
            report,
            quitRequested::countDown);

    CaFiles.write(tls.caFiles(), config.ca().dir());
    LeafCertificateMinter minter = new LeafCertificateMinter(tls.ca());
    ServerTlsContexts serverTls = new ServerTlsContexts(minter, blocking, registry);
    // Not on the way to ready: a first connection that comes sooner waits for this read.
    blocking.execute(() -> upstreamTls.prepare(config.upstreamCaFiles()));
    boss.scheduleWithFixedDelay(
        () -> {
          if (!closed.get()) { // close() shuts the blocking pool down
            blocking.execute(upstreamTls::refresh);
          }
        },
        TRUST_RECHECK_SECONDS,
        TRUST_RECHECK_SECONDS,
        TimeUnit.SECONDS);
    AuditLog audit = new AuditLog();

    state = new AtomicReference<>(stateFor(config));
    secrets = new SecretResolver(blocking, registry, config.secrets(), config.vault());
    upstreams =
        new UpstreamPool(
            transport, upstreamTls, config.proxy().connectTimeout(), config.proxy().idleTimeout());
    ProxyServices services =
        new ProxyServices(
            state,
            transport,
            resolver,
            secrets,
            serverTls,
            upstreams,
            new ProxyMetrics(registry),
            audit,
            new Scrubbing(),
            config.proxy().connectTimeout(),
            config.proxy().headerTimeout(),
            new RouteLimiters(),
            blocking);
    proxy = ProxyServer.bind(config.proxy(), boss, workers, services);
    transparent =
        config.transparent() == null
            ? null
            : TransparentServer.bind(
                config.transparent(), config.proxy(), proxy, boss, workers, services);
    listeners =
        new PostgresListeners(
            transport,
            boss,
            workers,
            blocking,
            secrets,
            new ListenerTlsContext(minter),
            upstreamTls,
            registry,
            audit,
            config.proxy().connectTimeout());
    List<String> unbound = listeners.apply(config.listeners());
    if (!unbound.isEmpty()) {
      throw new IllegalStateException(String.join("; ", unbound));
    }
    watcher = new ConfigWatcher(config.source(), config, overrides, this::apply);
    watcher.start();
    report.attach(new ReadinessReport.Sources(() -> this.config, secrets, watcher));
    ready = true;
    blocking.execute(() -> RuntimeMetrics.bindTo(registry));
  }

  /**
   * Starts everything; returns once both listeners are bound and the CA files are written, which is
   * when /readyz turns ready.
   *
   * @param config loaded with {@code overrides}, which reloads of its file keep applying
   */
  public static Sidecar start(SidecarConfig config, ConfigOverrides overrides) throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate();
    return start(config, overrides, new TlsStartup.Started(ca, CaFiles.prepare(ca)));
  }

  /** Starts with the TLS work done beforehand by {@link TlsStartup} while the config loaded. */
  public static Sidecar start(
      SidecarConfig config, ConfigOverrides overrides, TlsStartup.Started tls) throws Exception {
    Sidecar sidecar = new Sidecar(config, overrides, CaKeyFile.reuseOrStore(config.ca(), tls));
    log.info(
        "keyrelay sidecar listening {} {} {} {} {}",
        kv("proxy", hostPort(sidecar.proxyAddress())),
        kv("admin", hostPort(sidecar.adminAddress())),
        kv("ca_dir", config.ca().dir().toString()),
        kv("routes", config.routes().size()),
        kv("listeners", config.listeners().size()));
    return sidecar;
  }

  private static String hostPort(InetSocketAddress address) {
    return new HostPort(address.getAddress().getHostAddress(), address.getPort()).toString();
  }

  public InetSocketAddress proxyAddress() {
    return proxy.address();
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /**
   * Applies a reloaded config: new routes, egress policy and secret settings for new decisions, and
   * listeners bound, rebound or stopped to match.
   */
  private void apply(SidecarConfig next) {
    SidecarConfig running = config;
    if (running.proxy().needsRestartFor(next.proxy())
        || !next.admin().equals(running.admin())
        || !next.ca().equals(running.ca())
        || !Objects.equals(next.transparent(), running.transparent())) {
      log.warn("changes to proxy, admin, ca and transparent take effect only after a restart");
    }
    upstreamTls.prepare(next.upstreamCaFiles());
    config = next;
    secrets.reconfigure(next.secrets(), next.vault());
    state.set(stateFor(next));
    listeners.apply(next.listeners());
    log.info(
        "config reloaded {} {} {}",
        kv("file", next.source().toString()),
        kv("routes", next.routes().size()),
        kv("listeners", next.listeners().size()));
  }

  /** Blocks until a pod container asks the sidecar to stop (POST /quitquitquit). */
  public void awaitQuitRequest() throws InterruptedException {
    quitRequested.await();
  }

  private ProxyState stateFor(SidecarConfig config) {
    return new ProxyState(
        new RouteTable(config.routes()),
        new EgressGuard(config.egress(), resolver, registry),
        config.proxy().tokens());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready = false;
    try {
      watcher.close();
    } catch (IOException e) {
      log.warn("closing the config watcher failed: {}", e.toString());
    }
    proxy.close();
    if (transparent != null) {
      transparent.close();
    }
    listeners.close();
    admin.close();
    upstreams.close();
    workers.shutdownGracefully();
    boss.shutdownGracefully();
    blocking.shutdownNow();
  }
}
