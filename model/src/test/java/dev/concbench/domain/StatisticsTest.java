package dev.concbench.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {

    private static final double EPS = 1e-6;

    @Test
    void evenSampleCount() {
        Statistics s = Statistics.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(s.n()).isEqualTo(4);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(s.median()).isCloseTo(2.5, within(EPS));
        assertThat(s.mean()).isCloseTo(2.5, within(EPS));
        // sqrt(5/3)
        assertThat(s.stddev()).isCloseTo(1.290994, within(EPS));
        // t(0.975, 3) = 3.182446; half width = 3.182446 * 1.290994 / 2 = 2.054260
        assertThat(s.ciLow()).isCloseTo(2.5 - 2.054260, within(1e-5));
        assertThat(s.ciHigh()).isCloseTo(2.5 + 2.054260, within(1e-5));
        // 1.290994 / sqrt(4) / 2.5
        assertThat(s.relativeStandardError()).isCloseTo(0.258199, within(EPS));
    }

    @Test
    void evenMedianIsTheTextbookMidpoint() {
        // Commons Math's default percentile would give a different value here.
        Statistics s = Statistics.of(List.of(1.0, 2.0, 10.0, 20.0));
        assertThat(s.median()).isEqualTo(6.0);
    }

    @Test
    void oddSampleCount() {
        Statistics s = Statistics.of(List.of(3.0, 1.0, 2.0));

        assertThat(s.n()).isEqualTo(3);
        assertThat(s.median()).isEqualTo(2.0);
        assertThat(s.mean()).isCloseTo(2.0, within(EPS));
        assertThat(s.stddev()).isCloseTo(1.0, within(EPS));
        // t(0.975, 2) = 4.302653; half width = 4.302653 / sqrt(3) = 2.484138
        assertThat(s.ciLow()).isCloseTo(2.0 - 2.484138, within(1e-5));
        assertThat(s.ciHigh()).isCloseTo(2.0 + 2.484138, within(1e-5));
    }

    @Test
    void medianIsRobustToAnOutlier() {
        Statistics s = Statistics.of(List.of(1.0, 1.1, 100.0, 0.9, 1.05));
        assertThat(s.median()).isEqualTo(1.05);
        assertThat(s.mean()).isCloseTo(20.81, within(EPS));
        assertThat(s.max()).isEqualTo(100.0);
        assertThat(s.min()).isEqualTo(0.9);
    }

    @Test
    void singleSampleHasNoSpreadAndNoInterval() {
        Statistics s = Statistics.of(List.of(5.0));

        assertThat(java.util.Arrays.asList(s.n(), s.min(), s.median(), s.mean(), s.max(), s.stddev(), s.ciLow(),
                s.ciHigh(), s.relativeStandardError(), s.unstable()))
                .containsExactly(1, 5.0, 5.0, 5.0, 5.0, 0.0, null, null, 0.0, false);
    }

    @Test
    void unstableThresholdIsStrictlyAboveTenPercent() {
        // [9, 10, 11]: mean 10, sd exactly 1 = 10% of the mean: not unstable
        Statistics exactly = Statistics.of(List.of(9.0, 10.0, 11.0));
        assertThat(exactly.stddev()).isEqualTo(1.0);
        assertThat(exactly.mean()).isEqualTo(10.0);
        assertThat(exactly.unstable()).isFalse();

        // sd 1.01 (10.1%): unstable
        assertThat(Statistics.of(List.of(8.99, 10.0, 11.01)).unstable()).isTrue();
        // sd 0.99 (9.9%): stable
        assertThat(Statistics.of(List.of(9.01, 10.0, 10.99)).unstable()).isFalse();
    }

    @Test
    void identicalSamplesHaveZeroSpreadAndAPointInterval() {
        Statistics s = Statistics.of(List.of(2.0, 2.0, 2.0));
        assertThat(s.stddev()).isZero();
        assertThat(s.ciLow()).isEqualTo(2.0);
        assertThat(s.ciHigh()).isEqualTo(2.0);
        assertThat(s.unstable()).isFalse();
    }

    @Test
    void noSamplesIsRejected() {
        assertThatThrownBy(() -> Statistics.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no samples");
        assertThatThrownBy(() -> Statistics.of(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
