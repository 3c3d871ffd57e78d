package dev.plora.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DeviceChoice;

/**
 * Turns a {@link DeviceChoice} into the DJL device to train on, given how many GPUs PyTorch sees.
 */
public final class Devices {
  private Devices() {}

  public static Device select(DeviceChoice choice) {
    TorchEnvironment.check(); // before DJL, whose own error for a half-set environment misleads
    return select(choice, Engine.getInstance().getGpuCount());
  }

  /** The pure decision, for tests: {@code gpus} is what PyTorch reports. */
  public static Device select(DeviceChoice choice, int gpus) {
    return switch (choice) {
      case CPU -> Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new ConfigException(
              "training.device", "is gpu, but PyTorch sees no GPU (use cpu or auto)");
        }
        yield Device.gpu();
      }
      case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
    };
  }
}
