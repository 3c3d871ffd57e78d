package dev.plora.engine.lora;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Selects target sites by PEFT-style patterns; a pattern that matches nothing is an error listing
 * the modules.
 */
public final class TargetMatcher {
  private TargetMatcher() {}

  public static boolean matches(String pattern, String module) {
    if (pattern.startsWith("re:")) {
      return Pattern.compile(pattern.substring(3)).matcher(module).matches();
    }
    return module.equals(pattern) || module.endsWith("." + pattern);
  }

  /** The sites matched by any pattern, in graph order. */
  public static List<TargetSite> select(List<TargetSite> sites, List<String> patterns) {
    for (String p : patterns) {
      if (sites.stream().noneMatch(s -> matches(p, s.module()))) {
        throw new IllegalArgumentException(
            "target pattern '"
                + p
                + "' matches no module; targetable modules are "
                + sites.stream().map(TargetSite::module).toList());
      }
    }
    List<TargetSite> out = new ArrayList<>();
    for (TargetSite s : sites) {
      if (patterns.stream().anyMatch(p -> matches(p, s.module()))) {
        out.add(s);
      }
    }
    return out;
  }
}
