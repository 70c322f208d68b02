package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ResultRow;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RowComparisonTest {

    private static ResultRow row(String strategy, int pods, int workers, Double... samples) {
        ResultRow r = new ResultRow();
        r.setStrategy(strategy);
        r.setPods(pods);
        r.setWorkers(workers);
        r.setSamples(List.of(samples));
        r.setMedian(List.of(samples).stream().sorted().toList().get(samples.length / 2));
        return r;
    }

    @Test
    void welchsTestAgreesWithTheStatisticComputedByHand() {
        // x: mean 2.5, variance 5/3; y: mean 4.5, variance 5/3. t = -2 / sqrt(5/12 + 5/12) = -2.19089,
        // Welch-Satterthwaite df = (5/6)^2 / (2 * (5/12)^2 / 3) = 6.
        List<Double> x = List.of(1.0, 2.0, 3.0, 4.0);
        List<Double> y = List.of(3.0, 4.0, 5.0, 6.0);
        double t = -2 / Math.sqrt(5.0 / 12 + 5.0 / 12);
        assertThat(t).isCloseTo(-2.19089, within(1e-5));
        double p = 2 * new TDistribution(6).cumulativeProbability(t);
        assertThat(RowComparison.welchP(x, y)).isCloseTo(p, within(1e-12));
        assertThat(p).isCloseTo(0.07095, within(1e-4)); // not below 0.05: "not significant"
    }

    @Test
    void aContendedRowOnEitherSideIsNotComparable() {
        ResultRow old = row("process-pool", 1, 0, 1.00, 1.01, 0.99, 1.00);
        ResultRow starved = row("process-pool", 1, 0, 2.00, 2.02, 1.98, 2.00);
        assertThat(RowComparison.compare(List.of(old), List.of(starved)).get(0).verdict())
                .isEqualTo(RowComparison.Verdict.SLOWER);
        starved.setContended(true);
        RowComparison c = RowComparison.compare(List.of(old), List.of(starved)).get(0);
        assertThat(c.verdict()).isEqualTo(RowComparison.Verdict.CONTENDED);
        assertThat(c.verdict().words()).isEqualTo("not comparable (contended)");
        assertThat(c.significant()).isFalse();
        assertThat(c.ratio()).as("the figures stay, for a person to read").isCloseTo(2.0, within(1e-9));
        // the baseline's side
        assertThat(RowComparison.compare(List.of(starved), List.of(old)).get(0).verdict())
                .isEqualTo(RowComparison.Verdict.CONTENDED);
        // false or unknown is comparable
        starved.setContended(false);
        assertThat(RowComparison.compare(List.of(old), List.of(starved)).get(0).verdict())
                .isEqualTo(RowComparison.Verdict.SLOWER);
    }

    @Test
    void verdictsInPyperfsWords() {
        ResultRow old = row("sequential", 1, 0, 1.00, 1.01, 0.99, 1.00);
        ResultRow slower = row("sequential", 1, 0, 2.00, 2.02, 1.98, 2.00);
        ResultRow faster = row("sequential", 1, 0, 0.50, 0.51, 0.49, 0.50);
        ResultRow same = row("sequential", 1, 0, 1.01, 0.99, 1.00, 1.02);

        RowComparison s = RowComparison.compare(List.of(old), List.of(slower)).get(0);
        assertThat(s.ratio()).isEqualTo(2.0);
        assertThat(s.verdict()).isEqualTo(RowComparison.Verdict.SLOWER);
        assertThat(s.verdict().words()).isEqualTo("slower");
        assertThat(RowComparison.compare(List.of(old), List.of(faster)).get(0).verdict().words()).isEqualTo("faster");
        assertThat(RowComparison.compare(List.of(old), List.of(same)).get(0).verdict().words())
                .isEqualTo("not significant");
    }

    @Test
    void rowsMatchByStrategyPodsAndWorkersAndTheOthersSaySo() {
        ResultRow oldPool = row("process-pool", 1, 2, 1.0, 1.1);
        ResultRow newPool4 = row("process-pool", 1, 4, 1.0, 1.1);     // other workers: no match
        ResultRow newPods2 = row("process-pool", 2, 2, 1.0, 1.1);     // other pods: no match
        ResultRow newPool = row("process-pool", 1, 2, 1.0, 1.1);
        List<RowComparison> rows = RowComparison.compare(List.of(oldPool), List.of(newPool4, newPods2, newPool));

        assertThat(rows).extracting(RowComparison::verdict).containsExactly(RowComparison.Verdict.NO_MATCH,
                RowComparison.Verdict.NO_MATCH, RowComparison.Verdict.NOT_SIGNIFICANT);
        assertThat(rows.get(0).baseline()).isNull();
        assertThat(rows.get(0).ratio()).isNull();
        assertThat(rows.get(2).baseline()).isSameAs(oldPool);
    }

    @Test
    void oneSampleOrNoVarianceCannotBeDecided() {
        ResultRow one = row("threads", 1, 0, 1.0);
        assertThat(RowComparison.compare(List.of(one), List.of(row("threads", 1, 0, 2.0, 2.0))).get(0).verdict())
                .isEqualTo(RowComparison.Verdict.UNDECIDABLE);
        ResultRow flat = row("threads", 1, 0, 1.0, 1.0, 1.0);
        assertThat(RowComparison.compare(List.of(flat), List.of(flat)).get(0).verdict())
                .isEqualTo(RowComparison.Verdict.UNDECIDABLE);
    }
}
