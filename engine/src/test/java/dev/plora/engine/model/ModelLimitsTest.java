package dev.plora.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.TinyTask;
import org.junit.jupiter.api.Test;

class ModelLimitsTest {
  @Test
  void aMaxLengthBeyondThePositionTableIsRefusedNamingTheSetting() {
    OnnxModel tiny = TinyTask.model(1); // 64 positions
    assertThat(ModelLimits.maxPositions(tiny)).hasValue(64);
    ModelLimits.checkMaxLength(tiny, 64);
    assertThatThrownBy(() -> ModelLimits.checkMaxLength(tiny, 65))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("training.maxLength is 65, but the model has 64 positions");
  }

  @Test
  void theDefaultModelHas512Positions() {
    assertThat(ModelLimits.maxPositions(OnnxModel.load(DefaultModel.onnx()))).hasValue(512);
  }
}
