package dev.keyrelay.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.keyrelay.operator.inject.InjectionResult;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.WorkloadInjector;
import dev.keyrelay.operator.inject.YamlDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code inject -f FILE|- [--routes ROUTES.yaml]}: prints the injected YAML of Pods and workload
 * pod templates without a cluster, through the same injector as the webhook.
 */
public final class InjectCommand {

  static final String USAGE =
      "usage: java -jar keyrelay-operator.jar inject -f FILE|- [--routes ROUTES.yaml]";

  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;

  InjectCommand(InputStream stdin, PrintStream out, PrintStream err) {
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  /** Returns the exit code: 0 done, 1 a document was refused, 2 bad usage or unreadable input. */
  int run(List<String> args, Map<String, String> env) {
    String file = null;
    String routesFile = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      boolean hasValue = i + 1 < args.size();
      if ((arg.equals("-f") || arg.equals("--filename")) && hasValue) {
        file = args.get(++i);
      } else if (arg.equals("--routes") && hasValue) {
        routesFile = args.get(++i);
      } else {
        err.println(USAGE);
        return 2;
      }
    }
    if (file == null) {
      err.println(USAGE);
      return 2;
    }
    List<YamlDocuments.Document> docs;
    List<InjectionRoute> routes;
    InjectionSettings settings;
    try {
      docs = YamlDocuments.split(read(file));
      routes =
          routesFile == null
              ? List.of()
              : OfflineRoutes.from(
                  YamlDocuments.split(read(routesFile)).stream()
                      .map(YamlDocuments.Document::tree)
                      .toList());
      settings = InjectionSettings.fromEnvironment(env);
    } catch (IOException | IllegalArgumentException e) {
      err.println("keyrelay-operator inject: " + e.getMessage());
      return 2;
    }
    return print(file, docs, routes, settings);
  }

  private int print(
      String file,
      List<YamlDocuments.Document> docs,
      List<InjectionRoute> routes,
      InjectionSettings settings) {
    List<String> printed = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      YamlDocuments.Document doc = docs.get(i);
      try {
        WorkloadInjector.Result result = WorkloadInjector.inject(doc.tree(), routes, settings);
        if (result == null || unchanged(result)) {
          printed.add(doc.text());
        } else {
          result.injection().warnings().forEach(w -> err.println("Warning: " + w));
          printed.add(YamlDocuments.write(result.document()));
        }
      } catch (IllegalArgumentException | JsonProcessingException e) {
        err.printf(
            "keyrelay-operator inject: %s, document %d (%s %s): %s%n",
            file,
            i + 1,
            doc.tree().path("kind").asText(),
            doc.tree().path("metadata").path("name").asText(),
            e.getMessage());
        return 1;
      }
    }
    out.print(String.join("---\n", printed));
    out.flush();
    return 0;
  }

  private static boolean unchanged(WorkloadInjector.Result result) {
    return result.injection().outcome() != InjectionResult.Outcome.INJECTED;
  }

  private String read(String file) throws IOException {
    byte[] bytes = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
