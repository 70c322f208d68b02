package dev.concbench.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's own arithmetic: the overlap sweep and the percentiles it prints. */
class OperatorBenchUnitTest {

    @Test
    void overlapCountsIntervalsOpenAtOnePointAndAnEndFreesItsPointForTheNextStart() {
        assertThat(OperatorBench.maxOverlap(List.of())).isZero();
        // one after another, each starting exactly where the previous ended: never two at once
        assertThat(OperatorBench.maxOverlap(List.of(new long[] {1, 5}, new long[] {5, 9}, new long[] {9, 12})))
                .isEqualTo(1);
        // [1,10] holds while [2,4] and [3,6] both start: three at once at 3
        assertThat(OperatorBench.maxOverlap(List.of(new long[] {1, 10}, new long[] {2, 4}, new long[] {3, 6},
                new long[] {7, 8}))).isEqualTo(3);
    }

    @Test
    void percentilesAreNearestRank() {
        OperatorBench.Stats s = OperatorBench.Stats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0,
                11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0));
        assertThat(s.n()).isEqualTo(20);
        assertThat(s.p50()).isEqualTo(10.0);
        assertThat(s.p95()).isEqualTo(19.0);
        assertThat(s.max()).isEqualTo(20.0);
        assertThat(OperatorBench.Stats.of(List.of()).n()).isZero();
    }
}
