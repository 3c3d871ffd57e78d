package dev.plora.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version the jar was built as. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"plora " + (v == null ? "(development build)" : v)};
  }
}
