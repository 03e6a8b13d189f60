package dev.keyrelay.operator.webhook;

import dev.keyrelay.operator.inject.InjectionRoute;
import java.util.List;

/**
 * The routes published in a namespace, answered from a local cache (never a call per admission).
 */
@FunctionalInterface
public interface RoutesSource {

  List<InjectionRoute> routes(String namespace);
}
