package dev.keyrelay.operator.apiserver;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the JVM's one {@link KubeApiServer} (started on first use, stopped when the
 * test plan ends) and each test method a fresh {@link TestNamespace}. Use with
 * {@code @ExtendWith(KubeApiServerExtension.class)}.
 */
public final class KubeApiServerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubeApiServer.class || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KubeApiServer server = server(context);
    if (parameter.getParameter().getType() == KubeApiServer.class) {
      return server;
    }
    String testClass = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
    String name =
        testClass.substring(0, Math.min(testClass.length(), 40))
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    server
        .admin()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return new TestNamespace(name);
  }

  /** Held in the root context's store, so JUnit closes it once, after the last class. */
  private static KubeApiServer server(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(KubeApiServer.class, k -> KubeApiServer.start(), KubeApiServer.class);
  }
}
