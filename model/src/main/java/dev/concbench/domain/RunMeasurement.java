package dev.concbench.domain;

import dev.concbench.api.v1alpha1.ConcurrencyBenchmarkSpec;
import dev.concbench.api.v1alpha1.RunState;
import dev.concbench.api.v1alpha1.RunStatus;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Combines the results of a run's pods into the run's measurement. The pods start from a
 * common start, so a repetition's makespan is the slowest pod's wall time for it.
 */
public final class RunMeasurement {

    private RunMeasurement() {
    }

    /**
     * Fills {@code run}'s measured fields from one result per shard and marks it Succeeded.
     *
     * @throws ResultFormatException when a shard is missing or repeated, a result does not
     *                               match the run, or the checksums prove a task was lost
     */
    public static void record(ConcurrencyBenchmarkSpec spec, PlannedRun planned, List<KernelResult> results,
                              RunStatus run) throws ResultFormatException {
        List<KernelResult> shards = new ArrayList<>(results);
        shards.sort(Comparator.comparingInt(KernelResult::shardIndex));
        check(spec, planned, shards);

        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String strategy : planned.strategyNames()) {
            List<Double> makespans = new ArrayList<>();
            for (int rep = 0; rep < spec.getRepetitions(); rep++) {
                double slowest = 0;
                for (KernelResult shard : shards) {
                    slowest = Math.max(slowest, shard.times().get(strategy).get(rep));
                }
                makespans.add(slowest);
            }
            samples.put(strategy, makespans);
        }
        run.setSamples(samples);
        run.setCpus(shards.stream().map(KernelResult::cpus).toList());
        run.setNodes(new ArrayList<>(new TreeSet<>(shards.stream()
                .map(r -> r.node() == null ? "local" : r.node()).toList())));
        run.setRuntimeVersion(shards.get(0).runtimeVersion());
        run.setChecksum(Checksums.sum(shards.stream().map(KernelResult::checksum).toList()).toString());
        run.setState(RunState.Succeeded);
    }

    private static void check(ConcurrencyBenchmarkSpec spec, PlannedRun planned, List<KernelResult> shards)
            throws ResultFormatException {
        if (shards.size() != planned.pods()) {
            throw new ResultFormatException("expected " + planned.pods() + " results, got " + shards.size());
        }
        for (int i = 0; i < shards.size(); i++) {
            KernelResult r = shards.get(i);
            String expectedShard = i + "/" + planned.pods();
            if (!expectedShard.equals(r.shard())) {
                throw new ResultFormatException("expected shard " + expectedShard + ", got " + r.shard()
                        + (r.pod() == null ? "" : " from pod " + r.pod()));
            }
            if (r.repetitions() != spec.getRepetitions()) {
                throw new ResultFormatException("shard " + r.shard() + " measured " + r.repetitions()
                        + " repetitions, expected " + spec.getRepetitions());
            }
            if (!r.times().keySet().containsAll(planned.strategyNames())) {
                throw new ResultFormatException("shard " + r.shard() + " lacks strategies: measured "
                        + r.times().keySet() + ", expected " + planned.strategyNames());
            }
        }
        BigInteger expected = Checksums.expected(spec.getWorkload().getType(), spec.getWorkload().getSize(),
                spec.getWorkload().getTasks());
        BigInteger actual = Checksums.sum(shards.stream().map(KernelResult::checksum).toList());
        if (!expected.equals(actual)) {
            throw new ResultFormatException("checksum " + actual + " differs from the expected " + expected
                    + ": some calls were lost or repeated");
        }
    }
}
