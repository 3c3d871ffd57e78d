package dev.plora.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.ClassificationHead;
import dev.plora.engine.lora.Parameter;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.train.AdamW;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Where a training step's time goes (issue 15): tokenizing, the forward pass (and its slowest op
 * types), the backward pass, the gradient norm and the AdamW update, on MiniLM with dense LoRA r 8
 * on the 36 targets, the way Trainer runs a step. Prints a Markdown table of milliseconds per step
 * (mean of the timed steps after two warm-up steps).
 *
 * <p>Usage: {@code StepProfile BATCH SEQ STEPS}.
 */
public final class StepProfile {
  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int seq = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    Random r = new Random(1);
    OnnxModel onnx = OnnxModel.load(DefaultModel.onnx());
    LoraConfig lora = LoraConfig.DEFAULTS;
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), lora.targets());
    String[] words = {"the", "service", "was", "quick", "and", "food", "room", "quiet", "staff"};
    double[] ms = new double[5];
    try (NDManager root = NDManager.newBaseManager();
        TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), seq);
        AdaptedModel model =
            new AdaptedModel(
                onnx,
                lora,
                sites,
                AdapterMasks.uniform(sites, 8, 1.0, 1),
                2,
                Pooling.MEAN,
                SparseLrScaling.NONE,
                1,
                root)) {
      model.setTraining(true);
      List<Parameter> params = model.parameters();
      AdamW adam = new AdamW(0.01, model.manager());
      for (int step = 0; step < steps; step++) {
        boolean timed = step >= 2;
        if (step == 2) {
          model.executor().startProfiling();
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          StringBuilder t = new StringBuilder();
          for (int w = 0; w < seq * 2; w++) {
            t.append(words[r.nextInt(words.length)]).append(' ');
          }
          texts.add(t.toString());
        }
        long t0 = System.nanoTime();
        TokenizedBatch tokens = tok.encode(texts, null);
        long t1 = System.nanoTime();
        // As Trainer does: the scope closes every array the step makes (gradient handles, AdamW
        // temporaries), which no manager of the step owns.
        try (NDManager m = model.manager().newSubManager();
            NDScope scope = new NDScope()) {
          int[] y = new int[batch];
          for (int i = 0; i < batch; i++) {
            y[i] = i % 2;
          }
          NDArray loss;
          long t2;
          long t3;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.logits(m, tokens);
            loss = ClassificationHead.loss(logits, OwnedArrays.own(m.create(y)));
            loss.getFloat();
            t2 = System.nanoTime();
            gc.backward(loss);
            t3 = System.nanoTime();
          }
          List<NDArray> grads = new ArrayList<>();
          double sq = 0;
          for (Parameter p : params) {
            NDArray g = p.value().getGradient();
            grads.add(g);
            sq += g.square().sum().getFloat();
          }
          long t4 = System.nanoTime();
          adam.step(params, grads, 5e-4);
          long t5 = System.nanoTime();
          if (timed) {
            ms[0] += (t1 - t0) / 1e6;
            ms[1] += (t2 - t1) / 1e6;
            ms[2] += (t3 - t2) / 1e6;
            ms[3] += (t4 - t3) / 1e6;
            ms[4] += (t5 - t4) / 1e6;
          }
          if (sq < 0) {
            throw new IllegalStateException();
          }
        }
      }
      int n = steps - 2;
      String[] parts = {"tokenize", "forward (incl. loss)", "backward", "gradient norm", "AdamW"};
      double total = 0;
      for (double v : ms) {
        total += v / n;
      }
      System.out.printf("| part (%d x %d) | ms per step | share |%n|---|---|---|%n", batch, seq);
      for (int i = 0; i < parts.length; i++) {
        System.out.printf("| %s | %.1f | %.0f%% |%n", parts[i], ms[i] / n, 100 * ms[i] / n / total);
      }
      System.out.printf("| total | %.1f | |%n%n", total);
      System.out.println("| forward op type | ms per step | calls per step |\n|---|---|---|");
      int shown = 0;
      for (Map.Entry<String, long[]> e : model.executor().profile().entrySet()) {
        if (shown++ < 12) {
          System.out.printf(
              "| %s | %.1f | %d |%n", e.getKey(), e.getValue()[0] / 1e6 / n, e.getValue()[1] / n);
        }
      }
    }
  }
}
