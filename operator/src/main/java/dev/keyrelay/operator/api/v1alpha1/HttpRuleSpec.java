package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.keyrelay.contract.HttpTokens;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One allow rule of an HTTP route: methods and path patterns a request must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.methods) || has(self.paths)",
    message = "a rule needs methods, paths or both")
@ValidationRule(
    value =
        "!has(self.paths) || self.paths.all(p, p.startsWith('/') && !p.contains('?')"
            + " && !p.contains('//') && !p.contains('/./') && !p.contains('/../')"
            + " && !p.endsWith('/.') && !p.endsWith('/..'))",
    message = "paths must start with '/' and contain no query and no '//', '.' or '..' segments")
public class HttpRuleSpec {

  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "HTTP methods the rule allows, in upper case (GET, HEAD, POST, ...); absent allows every"
          + " method.")
  private List<@Size(max = 32) @Pattern(HttpTokens.METHOD_PATTERN) String> methods;

  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Path patterns the rule allows, matched against the normalised path without its query:"
          + " '*' is one segment, '**' any number; absent allows every path.")
  private List<@Size(max = 1024) String> paths;

  public List<String> getMethods() {
    return methods;
  }

  public void setMethods(List<String> methods) {
    this.methods = methods;
  }

  public List<String> getPaths() {
    return paths;
  }

  public void setPaths(List<String> paths) {
    this.paths = paths;
  }
}
