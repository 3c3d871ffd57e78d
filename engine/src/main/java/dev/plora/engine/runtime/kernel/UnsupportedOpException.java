package dev.plora.engine.runtime.kernel;

import java.util.Collection;

/**
 * A node whose operator plora cannot execute; names the op, the node and the opset, and lists what
 * is supported.
 */
public final class UnsupportedOpException extends GraphExecutionException {
  private static final long serialVersionUID = 1L;

  private final String opType;

  public UnsupportedOpException(
      String opType, String domain, String nodeName, int opset, Collection<String> supported) {
    super(
        "unsupported op "
            + (domain.isEmpty() ? "" : domain + ".")
            + opType
            + " (node '"
            + nodeName
            + "', opset "
            + opset
            + "); supported ops: "
            + String.join(", ", supported));
    this.opType = opType;
  }

  public String opType() {
    return opType;
  }
}
