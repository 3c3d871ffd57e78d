package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.Task;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {
  @Test
  void roundTripsAndReadsBothFieldNameStyles() {
    JobSpec spec =
        JobSpec.newBuilder()
            .setClientJobId("c-1")
            .setLora(LoraSpec.newBuilder().setRank(4).addTargets("query"))
            .build();
    String json = ProtoJson.print(spec);
    assertThat(json)
        .isEqualTo("{\"clientJobId\":\"c-1\",\"lora\":{\"rank\":4,\"targets\":[\"query\"]}}");
    assertThat(ProtoJson.parse(json, JobSpec.newBuilder()).build()).isEqualTo(spec);
    assertThat(
            ProtoJson.parse(
                    "{\"client_job_id\":\"c-1\",\"lora\":{\"rank\":4,\"targets\":[\"query\"]}}",
                    JobSpec.newBuilder())
                .build())
        .isEqualTo(spec);
  }

  @Test
  void unknownFieldsAndBrokenJsonAreErrorsNamingTheMessage() {
    assertThatThrownBy(() -> ProtoJson.parse("{\"lora\":{\"rnak\":4}}", JobSpec.newBuilder()))
        .hasMessageContaining("plora.v1.JobSpec")
        .hasMessageContaining("rnak");
    assertThatThrownBy(() -> ProtoJson.parse("not json", JobSpec.newBuilder()))
        .hasMessageContaining("plora.v1.JobSpec");
  }

  @Test
  void internalMessagesFromANewerVersionAreReadWithTheirUnknownFieldsIgnored() {
    // A rolling upgrade: a newer gateway adds a field to Task; an older worker must still run it.
    String newer =
        "{\"jobId\":\"j\",\"trial\":2,\"stage\":\"STAGE_TRAIN\",\"attempt\":3,\"priority\":\"high\"}";
    Task task = ProtoJson.parseLenient(newer, Task.newBuilder()).build();
    assertThat(task.getJobId()).isEqualTo("j");
    assertThat(task.getAttempt()).isEqualTo(3);
    assertThatThrownBy(() -> ProtoJson.parse(newer, Task.newBuilder()))
        .hasMessageContaining("priority");
  }

  @Test
  void warmUpChecksThatEachExampleSurvivesTheRoundTrip() {
    CodecWarmUp.run(); // every mesh message, filled in
    JobSpec withUnknown =
        JobSpec.newBuilder()
            .setClientJobId("c-1")
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(999, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    assertThatThrownBy(() -> ProtoJson.warmUp(withUnknown))
        .hasMessageContaining("plora.v1.JobSpec does not survive");
  }
}
