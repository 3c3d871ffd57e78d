package dev.plora.engine.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The labelled data.
 *
 * @param train training files (JSONL or CSV/TSV); several give a multi-task Partial-LoRA plan
 * @param eval held-out data; null: metrics are computed on the training data
 */
public record DataConfig(List<Path> train, Path eval, TextFields fields) {
  public DataConfig {
    train = Check.notEmpty("data.train", train);
    if (fields == null) {
      fields = TextFields.DEFAULT;
    }
  }

  public static DataConfig of(Path train, Path eval) {
    return new DataConfig(List.of(train), eval, TextFields.DEFAULT);
  }

  /** The one training file, for what trains on a single task. */
  public Path singleTrain() {
    if (train.size() != 1) {
      throw new ConfigException(
          "data.train", "must name exactly one file here, got " + train.size());
    }
    return train.get(0);
  }
}
