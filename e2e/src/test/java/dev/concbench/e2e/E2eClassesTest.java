package dev.concbench.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.Extension;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e2e classes' order, checked without a cluster (in {@code make unit}): the tests of a class run in
 * their {@code @Order} and the classes in theirs, so no two may share one (two tests at {@code @Order(13)}
 * ran in an order JUnit does not promise); every class that runs benchmarks says which operator it uses.
 */
class E2eClassesTest {

    @Test
    void noTwoTestsOfAClassAndNoTwoClassesShareAnOrder() throws Exception {
        List<Class<?>> classes = e2eClasses();
        assertThat(classes).hasSizeGreaterThan(5);
        List<String> wrong = new ArrayList<>();
        Map<Integer, String> classOrders = new HashMap<>();
        for (Class<?> c : classes) {
            Map<Integer, String> testOrders = new HashMap<>();
            for (Method m : c.getDeclaredMethods()) {
                Order order = m.getAnnotation(Order.class);
                if (order == null && m.isAnnotationPresent(Test.class)) {
                    wrong.add(c.getSimpleName() + "#" + m.getName() + " has no @Order");
                } else if (order != null) {
                    String other = testOrders.put(order.value(), m.getName());
                    if (other != null) {
                        wrong.add(c.getSimpleName() + "#" + m.getName() + " shares @Order(" + order.value() + ") with "
                                + other);
                    }
                }
            }
            Order classOrder = c.getAnnotation(Order.class);
            if (classOrder == null) {
                wrong.add(c.getSimpleName() + " has no @Order (junit-platform.properties orders the classes by it)");
            } else if (classOrders.put(classOrder.value(), c.getSimpleName()) != null) {
                wrong.add(c.getSimpleName() + " shares @Order(" + classOrder.value() + ")");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyClassIsTimedAndEveryClassThatAppliesBenchmarksNamesItsOperator() throws Exception {
        for (Class<?> c : e2eClasses()) {
            // as JUnit registers them: through the meta-annotations, in declaration order
            List<Class<? extends Extension>> extensions = AnnotationSupport.findRepeatableAnnotations(c, ExtendWith.class).stream()
                    .flatMap(with -> Stream.of(with.value())).toList();
            assertThat(extensions).as(c.getSimpleName() + "'s extensions").contains(Timings.class);
            // RuntimeImagesE2eIT runs kernels as plain Jobs; SecurityE2eIT installs a release of its own
            boolean own = List.of("RuntimeImagesE2eIT", "SecurityE2eIT").contains(c.getSimpleName());
            if (!own) {
                // Timings' afterEach runs first (after-callbacks in reverse) and prints the cluster of a failed
                // test before SharedOperator's deletes its unfinished benchmarks
                assertThat(extensions).as(c.getSimpleName() + " uses SharedOperator")
                        .containsSubsequence(SharedOperator.class, Timings.class);
            }
        }
    }

    /** Every *E2eIT class compiled beside this one (loaded, not initialized: no e2e environment here). */
    private static List<Class<?>> e2eClasses() throws IOException, ClassNotFoundException {
        Path dir = Path.of(E2eClassesTest.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve("dev/concbench/e2e");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("\\w+E2eIT\\.class")).sorted().toList()) {
                String name = "dev.concbench.e2e." + f.getFileName().toString().replace(".class", "");
                classes.add(Class.forName(name, false, E2eClassesTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
