package dev.keyrelay.delivery.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs a platform engineer browses hold together: every relative link in README.md,
 * CONTRIBUTING.md and docs/ reaches a file, every {@code #anchor} a heading of it, and the README
 * stays a front page.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of("..");
  private static final long README_MAX_BYTES = 12 * 1024;

  /** A URL with a scheme (https:, mailto:) or a network path: not a link into the repository. */
  private static final Pattern ABSOLUTE = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*:|//).*");

  @Test
  void everyRelativeLinkResolvesToAFileAndAHeading() throws IOException {
    List<Path> files = documents(ROOT);
    assertThat(files)
        .contains(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md"))
        .anySatisfy(f -> assertThat(f).startsWith(ROOT.resolve("docs")));

    assertThat(brokenLinks(ROOT, files)).isEmpty();
  }

  @Test
  void theReadmeIsAFrontPage() throws IOException {
    assertThat(Files.size(ROOT.resolve("README.md"))).isLessThanOrEqualTo(README_MAX_BYTES);
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("mvn -B verify");
  }

  @Test
  void aMissingFileAndAMissingHeadingAreBothReported(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(
        dir.resolve("docs/a.md"),
        "# A page\n\n## `vault`: how it works\n\n"
            + "[ok](#vault-how-it-works) [ok](b.md#b-heading) [ok](../docs/)\n"
            + "[web](https://x.test/y) [mail](mailto:a@x.test)\n"
            + "[gone](c.md) [wrong anchor](b.md#nope) `[in code](d.md)`\n"
            + "```\n[in a fence](e.md)\n```\n");
    Files.writeString(dir.resolve("docs/b.md"), "# B heading\n");

    assertThat(brokenLinks(dir, List.of(dir.resolve("docs/a.md"))))
        .containsExactly(
            "docs/a.md:7: c.md: no such file",
            "docs/a.md:7: b.md#nope: no heading \"nope\" in docs/b.md");
  }

  @Test
  void slugsFollowGitHub() {
    assertThat(MarkdownFile.slug("`listeners`: PostgreSQL listeners"))
        .isEqualTo("listeners-postgresql-listeners");
    assertThat(MarkdownFile.slug("Availability: fail closed for opted-in pods only"))
        .isEqualTo("availability-fail-closed-for-opted-in-pods-only");
    assertThat(MarkdownFile.slug("Example: an API key in a header (Anthropic)"))
        .isEqualTo("example-an-api-key-in-a-header-anthropic");
    assertThat(MarkdownFile.slug("See [the CA](http.md#the-ca)")).isEqualTo("see-the-ca");
  }

  /** README.md, CONTRIBUTING.md and every Markdown file under docs/. */
  private static List<Path> documents(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    files.add(root.resolve("CONTRIBUTING.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** One line per broken link: {@code file:line: target: what is wrong}. */
  private static List<String> brokenLinks(Path root, List<Path> files) throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      MarkdownFile markdown = MarkdownFile.read(file);
      for (MarkdownFile.Link link : markdown.links()) {
        String problem = problem(root, file, markdown, link.target());
        if (problem != null) {
          broken.add(
              slashes(root.relativize(file))
                  + ":"
                  + link.line()
                  + ": "
                  + link.target()
                  + ": "
                  + problem);
        }
      }
    }
    return broken;
  }

  /** What is wrong with one link target, or null when it resolves (or is not relative). */
  private static String problem(Path root, Path file, MarkdownFile markdown, String target)
      throws IOException {
    if (target.isEmpty()) {
      return "empty link";
    }
    if (ABSOLUTE.matcher(target).matches()) {
      return null;
    }
    int hash = target.indexOf('#');
    String pathPart = (hash < 0 ? target : target.substring(0, hash)).replace("%20", " ");
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor == null) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "an anchor into a file that is not Markdown";
    }
    MarkdownFile linked = resolved.equals(file) ? markdown : MarkdownFile.read(resolved);
    return linked.anchors().contains(anchor)
        ? null
        : "no heading \"" + anchor + "\" in " + slashes(root.relativize(resolved));
  }

  private static String slashes(Path path) {
    return path.toString().replace('\\', '/');
  }
}
