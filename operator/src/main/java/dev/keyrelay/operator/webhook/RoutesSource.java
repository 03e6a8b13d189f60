package dev.keyrelay.operator.webhook;

import dev.keyrelay.operator.inject.InjectionRoute;
import java.util.List;

/**
 * The routes published in a namespace, answered from a local cache (never a call per admission).
 */
@FunctionalInterface
public interface RoutesSource {

  /**
   * @throws dev.keyrelay.operator.inject.InjectionRefusedException when the namespace's routes
   *     cannot be trusted, which refuses every pod that opts in there
   */
  List<InjectionRoute> routes(String namespace);
}
