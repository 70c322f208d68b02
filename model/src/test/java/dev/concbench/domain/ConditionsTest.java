package dev.concbench.domain;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.750Z");
    private static final Instant T1 = Instant.parse("2025-03-01T10:05:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T10:09:30Z");

    /** The one condition's type, status, reason, message, observed generation and transition time. */
    private static List<Object> only(List<Condition> conditions) {
        assertThat(conditions).hasSize(1);
        Condition c = conditions.get(0);
        return List.of(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), c.getObservedGeneration(),
                c.getLastTransitionTime());
    }

    @Test
    void aConditionTransitionsWhenItsStatusFlipsNotWhenOnlyReasonOrMessageChange() {
        List<Condition> conditions = new ArrayList<>();
        Conditions.set(conditions, Conditions.PROGRESSING, true, "RunInProgress", "run 1/3", 1, T0);
        // new: transitions now, at second precision (RFC 3339)
        assertThat(only(conditions))
                .containsExactly("Progressing", "True", "RunInProgress", "run 1/3", 1L, "2025-03-01T10:00:00Z");

        Conditions.set(conditions, Conditions.PROGRESSING, true, "RunInProgress2", "run 2/3", 2, T1);
        assertThat(only(conditions))
                .containsExactly("Progressing", "True", "RunInProgress2", "run 2/3", 2L, "2025-03-01T10:00:00Z");

        Conditions.set(conditions, Conditions.PROGRESSING, false, "Completed", "done", 2, T1);
        assertThat(only(conditions)).containsExactly("Progressing", "False", "Completed", "done", 2L, "2025-03-01T10:05:00Z");

        Conditions.set(conditions, Conditions.PROGRESSING, true, "RunInProgress", "again", 3, T2);
        assertThat(only(conditions)).containsExactly("Progressing", "True", "RunInProgress", "again", 3L, "2025-03-01T10:09:30Z");
    }

    @Test
    void conditionsOfOtherTypesAreLeftAloneAndOrderIsKept() {
        List<Condition> conditions = new ArrayList<>();
        Conditions.set(conditions, Conditions.VALID, true, "SpecValid", "ok", 1, T0);
        Conditions.set(conditions, Conditions.ADMITTED, false, "Queued", "waiting", 1, T0);
        Conditions.set(conditions, Conditions.VALID, false, "InvalidSpec", "bad", 2, T1);

        assertThat(conditions).extracting(Condition::getType).containsExactly("Valid", "Admitted");
        assertThat(conditions.get(1).getStatus()).isEqualTo("False");
        assertThat(conditions.get(1).getLastTransitionTime()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(conditions.get(0).getLastTransitionTime()).isEqualTo("2025-03-01T10:05:00Z");
    }

    @Test
    void findAndIsTrue() {
        List<Condition> conditions = new ArrayList<>();
        assertThat(Conditions.find(conditions, Conditions.VALID)).isEmpty();
        assertThat(Conditions.isTrue(conditions, Conditions.VALID)).isFalse();
        Conditions.set(conditions, Conditions.VALID, true, "SpecValid", "ok", 1, T0);
        Conditions.set(conditions, Conditions.FAILED, false, "NoFailure", "none", 1, T0);
        assertThat(Conditions.isTrue(conditions, Conditions.VALID)).isTrue();
        assertThat(Conditions.isTrue(conditions, Conditions.FAILED)).isFalse();
        assertThat(Conditions.find(conditions, Conditions.FAILED)).get()
                .extracting(Condition::getReason).isEqualTo("NoFailure");
    }

    @Test
    void timestampIsUtcSecondPrecision() {
        assertThat(Conditions.timestamp(Instant.parse("2025-12-31T23:59:59.999999Z"))).isEqualTo("2025-12-31T23:59:59Z");
    }
}
