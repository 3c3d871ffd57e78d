package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.proto.NodeProto;
import java.util.List;

/** One rewrite of a graph's nodes; the value names other nodes and the engine use stay. */
interface GraphPass {
  /** The nodes after the rewrite (the same list when nothing matched). */
  List<NodeProto> apply(GraphIndex graph);

  /** How many patterns the last {@link #apply} replaced. */
  int replaced();
}
