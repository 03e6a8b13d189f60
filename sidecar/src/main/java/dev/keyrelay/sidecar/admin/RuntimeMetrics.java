package dev.keyrelay.sidecar.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM and process meters, named as Prometheus's linter expects: Micrometer's {@code
 * process.cpu.time} (nanoseconds, {@code process_cpu_time_ns_total}) becomes the conventional
 * {@code process_cpu_seconds_total}, and {@code system.cpu.count} loses the {@code _count} suffix
 * that Prometheus reserves for histograms and summaries.
 */
public final class RuntimeMetrics {

  private RuntimeMetrics() {}

  /** Sets the names up; call it before any meter is registered. */
  public static void configure(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
  }

  /**
   * Registers the meters. Asking the JVM's management beans for them took 50 ms of start-up, so the
   * sidecar does it once it is ready.
   */
  public static void bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder("process.cpu", sun, bean -> bean.getProcessCpuTime() / 1e9)
          .description("CPU time the sidecar process used")
          .baseUnit("seconds")
          .register(registry);
    }
  }
}
