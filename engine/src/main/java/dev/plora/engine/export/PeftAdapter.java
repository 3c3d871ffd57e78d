package dev.plora.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.run.RunRecord;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A HuggingFace PEFT LoRA adapter directory: {@code adapter_config.json} ({@code peft_type} LORA,
 * {@code task_type} SEQ_CLS, the head under {@code modules_to_save}) and {@code
 * adapter_model.safetensors} with PEFT's key names, plus {@code partial_lora_masks.safetensors}.
 *
 * <p>Layouts: PEFT's {@code lora_A.weight [r, in]} and {@code lora_B.weight [out, r]} are plora's A
 * and B unchanged (masked entries 0). ONNX stores the frozen weight as {@code W0 [in, out]} ({@code
 * x·W0}); PyTorch's {@code nn.Linear.weight} is its transpose {@code [out, in]}, which PEFT never
 * stores. Keys are {@code base_model.model.<prefix><module>.lora_A.weight}, with prefix {@code
 * bert.} for BERT-family exports (modules under {@code encoder.}/{@code embeddings.}, as BertModel
 * exports name them) so they line up with {@code BertForSequenceClassification}; the head is {@code
 * base_model.model.classifier.weight [L, H]} and {@code .bias}. plora's head pools (mean over the
 * attention mask, or the first token state) where BertForSequenceClassification uses its tanh
 * pooler: {@code plora_config.json} says which pooling to apply, the labels and the max length
 * ({@code adapter_config.json} holds only fields PEFT's {@code LoraConfig} knows).
 */
public final class PeftAdapter {
  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";
  public static final String MASKS = "partial_lora_masks.safetensors";

  /** plora's settings for the adapter: pooling, labels, max length, the masks file. */
  public static final String PLORA_CONFIG = "plora_config.json";

  private PeftAdapter() {}

  /** The module-name prefix of the matching PyTorch model. */
  static String prefix(AdaptedModel model) {
    return model.layers().keySet().stream()
            .allMatch(m -> m.startsWith("encoder.") || m.startsWith("embeddings."))
        ? "bert."
        : "";
  }

  public static void write(Path dir, AdaptedModel model, RunRecord run) throws IOException {
    RunConfig config = run.config();
    String prefix = prefix(model);
    NDList weights = new NDList();
    NDList masks = new NDList();
    try (NDManager m = model.manager().newSubManager()) {
      NDList plain = model.adapterTensors(m);
      FiniteCheck.requireFinite(plain, config.data().singleTrain().toString());
      for (LoraLayer l : model.layers().values()) {
        String mod = l.site().module();
        String key = "base_model.model." + prefix + mod;
        weights.add(renamed(plain.get(mod + ".lora_A"), key + ".lora_A.weight"));
        weights.add(renamed(plain.get(mod + ".lora_B"), key + ".lora_B.weight"));
        masks.add(renamed(plain.get(mod + ".lora_A_mask"), key + ".lora_A.mask"));
        masks.add(renamed(plain.get(mod + ".lora_B_mask"), key + ".lora_B.mask"));
      }
      weights.add(renamed(plain.get("classifier.weight"), "base_model.model.classifier.weight"));
      weights.add(renamed(plain.get("classifier.bias"), "base_model.model.classifier.bias"));
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode c = json.createObjectNode();
      c.put("peft_type", "LORA");
      c.put("task_type", "SEQ_CLS");
      c.put(
          "base_model_name_or_path",
          config.model().isDefault()
              ? "sentence-transformers/all-MiniLM-L6-v2"
              : config.model().source());
      c.put("r", config.lora().rank());
      c.put("lora_alpha", config.lora().alpha());
      c.put("lora_dropout", config.lora().dropout());
      ArrayNode targets = c.putArray("target_modules");
      model.layers().keySet().forEach(mod -> targets.add(prefix + mod));
      c.putArray("modules_to_save").add("classifier");
      c.put("bias", "none");
      c.put("fan_in_fan_out", false);
      c.put("inference_mode", true);
      c.put("init_lora_weights", true);
      c.put("use_rslora", false);
      c.put("use_dora", false);
      c.putObject("rank_pattern");
      c.putObject("alpha_pattern");
      // plora's own settings live beside PEFT's file, not in it: PEFT warns about (and drops) any
      // key of adapter_config.json its LoraConfig does not know.
      ObjectNode plora = json.createObjectNode();
      plora.put("format", "plora-peft");
      plora.put("format_version", 2);
      plora.put("pooling", model.head().pooling().name().toLowerCase(java.util.Locale.ROOT));
      ArrayNode labels = plora.putArray("labels");
      run.labels().forEach(labels::add);
      plora.put("masks", MASKS);
      plora.put("max_length", config.training().maxLength());
      plora.put("head", "base_model.model.classifier");
      AtomicFiles.write(
          dir.resolve(WEIGHTS), out -> weights.encode(out, NDList.Encoding.SAFETENSORS));
      AtomicFiles.write(dir.resolve(MASKS), out -> masks.encode(out, NDList.Encoding.SAFETENSORS));
      AtomicFiles.write(dir.resolve(CONFIG), out -> json.writeValue(out, c));
      AtomicFiles.write(dir.resolve(PLORA_CONFIG), out -> json.writeValue(out, plora));
    }
  }

  private static NDArray renamed(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
