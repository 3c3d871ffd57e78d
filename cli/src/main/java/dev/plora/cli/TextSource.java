package dev.plora.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Texts given on the command line ({@code --text}, repeatable) or one per line of {@code
 * --input-file}.
 */
final class TextSource {
  @Option(names = "--text", required = true, description = "a text (repeatable)")
  List<String> texts;

  @Option(names = "--input-file", required = true, description = "a file with one text per line")
  Path inputFile;

  List<String> read(CommandSpec spec) throws IOException {
    if (texts != null) {
      return texts;
    }
    if (!Files.isRegularFile(inputFile)) {
      throw new ParameterException(spec.commandLine(), "--input-file: no such file " + inputFile);
    }
    List<String> lines =
        Files.readAllLines(inputFile, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
    if (lines.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--input-file: " + inputFile + " has no non-empty lines");
    }
    return lines;
  }
}
