package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.proto.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A pass that replaces matched patterns: each node is offered to {@link #match} as an anchor (nodes
 * already replaced are skipped); the matched nodes leave the graph and the replacement nodes join
 * it (the execution plan orders them).
 */
abstract class PatternPass implements GraphPass {
  /** The nodes a pattern matched and the nodes that take their place. */
  record Match(List<NodeProto> replaced, List<NodeProto> added) {}

  private int replaced;

  /** The pattern anchored at {@code node}, if there is one. */
  abstract Optional<Match> match(GraphIndex g, NodeProto node);

  @Override
  public final List<NodeProto> apply(GraphIndex g) {
    replaced = 0;
    Set<NodeProto> removed = new HashSet<>();
    List<NodeProto> added = new ArrayList<>();
    for (NodeProto n : g.nodes()) {
      if (removed.contains(n)) {
        continue;
      }
      Optional<Match> m = match(g, n);
      if (m.isPresent()) {
        removed.addAll(m.get().replaced());
        added.addAll(m.get().added());
        replaced++;
      }
    }
    if (replaced == 0) {
      return g.nodes();
    }
    List<NodeProto> out = new ArrayList<>();
    for (NodeProto n : g.nodes()) {
      if (!removed.contains(n)) {
        out.add(n);
      }
    }
    out.addAll(added);
    return out;
  }

  @Override
  public final int replaced() {
    return replaced;
  }
}
