package dev.concbench.e2e;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An {@link E2eTests} class whose benchmarks run on the operator the classes share ({@link SharedOperator}).
 * SharedOperator is registered before Timings (JUnit follows the meta-annotations in declaration order), so
 * after a failed test Timings prints the cluster before SharedOperator deletes the unfinished benchmarks.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedOperator.class)
@E2eTests
@interface OnTheSharedOperator {
}
