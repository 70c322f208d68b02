package dev.concbench.domain;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {

    /** DNS-1123 label: what a Job name must be so that it can also be a label value. */
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    private static final String LONG_NAME = "a-very-long-benchmark-name-that-uses-all-of-the-sixty-three-chr";

    @Test
    void theLongNameIsReallySixtyThreeCharacters() {
        assertThat(LONG_NAME).hasSize(63);
    }

    @Test
    void shortNamesStayReadable() {
        assertThat(Names.jobName("demo", null, 1, 0)).isEqualTo("demo-g1-r0");
        assertThat(Names.jobName("demo", null, 12, 15)).isEqualTo("demo-g12-r15");
        assertThat(Names.kernelConfigMapName("demo", null)).isEqualTo("demo-kernel");
    }

    /** A benchmark deleted and applied again under its name: its Jobs and ConfigMap are not the old one's. */
    @Test
    void aFragmentOfTheUidKeepsBenchmarksOfTheSameNameApart() {
        String first = "3f2a9c41-0b7e-4c1d-9e55-2b8f0a1c6d70";
        String second = "a81d07e2-5c39-4f0a-8b61-7e2d9c4a1b05";
        assertThat(Names.jobName("demo", first, 1, 0)).isEqualTo("demo-1c6d70-g1-r0");
        assertThat(Names.kernelConfigMapName("demo", first)).isEqualTo("demo-1c6d70-kernel");
        assertThat(Names.jobName("demo", second, 1, 0)).isNotEqualTo(Names.jobName("demo", first, 1, 0));
        assertThat(Names.kernelConfigMapName("demo", second)).isNotEqualTo(Names.kernelConfigMapName("demo", first));
        for (String name : new String[] {"demo", LONG_NAME}) {
            assertThat(Names.jobName(name, first, Long.MAX_VALUE, 16)).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL)
                    .contains("-1c6d70-g");
            assertThat(Names.jobName(name, second, 1, 0)).isNotEqualTo(Names.jobName(name, first, 1, 0));
            assertThat(Names.kernelConfigMapName(name, first)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
        }
    }

    @Test
    void jobNamesOfALongBenchmarkFitAndAreDistinctAcrossRunsAndGenerations() {
        Set<String> seen = new HashSet<>();
        for (long generation = 1; generation <= 300; generation++) {
            for (int run = 0; run <= 16; run++) {
                String name = Names.jobName(LONG_NAME, null, generation, run);
                // room for the "-<index>-<5 random>" an Indexed Job appends to its pods' names
                assertThat(name).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL);
                assertThat(seen.add(name)).as("duplicate %s", name).isTrue();
            }
        }
        String huge = Names.jobName(LONG_NAME, null, Long.MAX_VALUE, 16);
        assertThat(huge).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL).endsWith("-g" + Long.MAX_VALUE + "-r16");
    }

    @Test
    void longNamesKeepARecognisablePrefixAndTheirSuffix() {
        String name = Names.jobName(LONG_NAME, null, 3, 7);
        assertThat(name).startsWith("a-very-long-benchmark").endsWith("-g3-r7");
    }

    @Test
    void longNamesSharingAPrefixDoNotCollide() {
        String other = LONG_NAME.substring(0, 62) + "x";
        assertThat(Names.jobName(other, null, 1, 0)).isNotEqualTo(Names.jobName(LONG_NAME, null, 1, 0));
        assertThat(Names.kernelConfigMapName(other, null)).isNotEqualTo(Names.kernelConfigMapName(LONG_NAME, null));
    }

    @Test
    void namesAreDeterministic() {
        assertThat(Names.jobName(LONG_NAME, null, 5, 2)).isEqualTo(Names.jobName(new String(LONG_NAME.toCharArray()), null, 5, 2));
        assertThat(Names.jobName("demo", null, 5, 2)).isEqualTo(Names.jobName("demo", null, 5, 2));
    }

    @Test
    void aCutOnADashLeavesNoDoubleOrTrailingDash() {
        for (int len = 40; len <= 63; len++) {
            String base = "ab-".repeat(30).substring(0, len).replaceAll("-$", "b");
            String name = Names.jobName(base, null, 1, 0);
            assertThat(name).as(base).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL).doesNotContain("--");
        }
    }

    @Test
    void kernelConfigMapNameFitsSixtyThree() {
        assertThat(Names.kernelConfigMapName(LONG_NAME, null)).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL)
                .endsWith("-kernel");
    }

    @Test
    void aShortenedNameCarriesAHashOfTheWholeName() {
        assertThat(Sha256.hex("demo")).hasSize(64)
                .isEqualTo("2a97516c354b68848cdbd8f54a226a0a55b21ed138e207ad6c5cbb9c00aa5aea");
        assertThat(Names.fit(LONG_NAME, "-x", 20)).endsWith(Sha256.hex(LONG_NAME).substring(0, 8) + "-x");
    }
}
