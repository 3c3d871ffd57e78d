package dev.plora.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void binaryMetricsMatchHandComputedValues() {
    // gold:  1 1 1 1 0 0 0 0 0 0 ; predicted: 1 1 1 0 1 0 0 0 0 0
    // TP=3 FN=1 FP=1 TN=5: accuracy 0.8; F1(pos)=2·0.75·0.75/1.5=0.75,
    // F1(neg)=2·(5/6)·(5/6)/(10/6)=0.8333;
    // MCC=(3·5−1·1)/sqrt(4·4·6·6)=14/24=0.58333
    int[] gold = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    int[] pred = {1, 1, 1, 0, 1, 0, 0, 0, 0, 0};
    Metrics m = Metrics.of(gold, pred, List.of("neg", "pos"));
    assertThat(m.accuracy()).isEqualTo(0.8);
    assertThat(m.macroF1()).isCloseTo((0.75 + 5.0 / 6.0) / 2, offset(1e-12));
    assertThat(m.mcc()).isCloseTo(14.0 / 24.0, offset(1e-12));
    assertThat(m.confusion()[1]).containsExactly(1, 3);
    assertThat(m.confusion()[0]).containsExactly(5, 1);
  }

  @Test
  void multiClassMccUsesGorodkinsForm() {
    // 3 classes; C = [[2,1,0],[0,2,1],[1,0,3]], n=10, correct=7; t=(3,3,4), p=(3,3,4)
    // MCC = (7·10 − (9+9+16)) / sqrt((100−34)·(100−34)) = 36/66
    int[] gold = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
    int[] pred = {0, 0, 1, 1, 1, 2, 0, 2, 2, 2};
    Metrics m = Metrics.of(gold, pred, List.of("a", "b", "c"));
    assertThat(m.mcc()).isCloseTo(36.0 / 66.0, offset(1e-12));
    assertThat(m.accuracy()).isEqualTo(0.7);
  }

  @Test
  void constantPredictionsGiveZeroMccNotNaN() {
    Metrics m = Metrics.of(new int[] {0, 1, 1}, new int[] {1, 1, 1}, List.of("a", "b"));
    assertThat(m.mcc()).isEqualTo(0.0);
    assertThat(m.macroF1()).isCloseTo(0.4, offset(1e-12)); // F1(a)=0, F1(b)=2·(2/3)·1/(5/3)=0.8
  }
}
