package dev.concbench.domain;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

import java.util.List;

/**
 * Summary of repeated wall-time samples. The median is the headline figure (robust to a
 * noisy neighbour); the mean's 95% confidence interval uses Student's t.
 *
 * @param stddev sample standard deviation (n-1); 0 for a single sample
 * @param ciLow  lower bound of the 95% CI of the mean; null for a single sample
 */
public record Statistics(int n, double min, double median, double mean, double stddev, double max,
                         Double ciLow, Double ciHigh) {

    /** Above this coefficient of variation a row is flagged unstable. */
    public static final double UNSTABLE_CV = 0.10;

    public static Statistics of(List<Double> samples) {
        if (samples == null || samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        DescriptiveStatistics d = new DescriptiveStatistics();
        samples.forEach(d::addValue);
        int n = samples.size();
        double mean = d.getMean();
        double sd = n > 1 ? d.getStandardDeviation() : 0.0;
        // Commons Math's default percentile estimator interpolates differently from the
        // textbook median for even n; compute the textbook one.
        double[] sorted = d.getSortedValues();
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        Double lo = null;
        Double hi = null;
        if (n > 1) {
            double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
            double half = t * sd / Math.sqrt(n);
            lo = mean - half;
            hi = mean + half;
        }
        return new Statistics(n, d.getMin(), median, mean, sd, d.getMax(), lo, hi);
    }

    /** Standard error of the mean relative to the mean. */
    public double relativeStandardError() {
        return n > 1 && mean > 0 ? stddev / Math.sqrt(n) / mean : 0.0;
    }

    public boolean unstable() {
        return mean > 0 && stddev > UNSTABLE_CV * mean;
    }
}
