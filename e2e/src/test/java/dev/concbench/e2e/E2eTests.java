package dev.concbench.e2e;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An e2e class: one instance for all its tests, run in their {@code @Order} (a test may go on from what an
 * earlier one left, e.g. a benchmark it applied), each timed by {@link Timings}. The class's own
 * {@code @Order} stays on it (junit-platform.properties orders the classes by it). A class that runs
 * benchmarks on the shared operator is {@link OnTheSharedOperator} instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Timings.class)
@interface E2eTests {
}
