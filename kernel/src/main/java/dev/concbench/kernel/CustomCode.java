package dev.concbench.kernel;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The user's own code on the JVM: a public class with a public no-argument constructor that
 * implements {@link IntFunction}, found in the jars (and class directories) of a directory
 * ({@code workloads/} beside the kernel jar: the image is built FROM the kernel image with the
 * user's jar copied there). One instance per JVM, made once (its class initialization and
 * constructor are the set-up, timed apart) and shared by every thread; each call is
 * {@code apply(task index)}, its value hashed (SHA-256 of its text, the first 8 bytes).
 */
final class CustomCode {

    /** Where the jars are unless {@code --code-dir} says: {@code workloads/} beside the kernel's jar. */
    static final String DEFAULT_DIR_NAME = "workloads";
    private static final Pattern IDENTITY_HASH = Pattern.compile("@[0-9a-f]+\\b");
    private static final Map<String, CustomCode> LOADED = new ConcurrentHashMap<>();

    private final IntFunction<?> function;
    private final int callTimeout;

    private CustomCode(IntFunction<?> function, int callTimeout) {
        this.function = function;
        this.callTimeout = callTimeout;
    }

    /** The workload's code in this JVM, loaded on first use. */
    static CustomCode of(Workload workload) throws WorkloadException {
        String key = workload.codeDir() + "\n" + workload.entrypoint();
        CustomCode code = LOADED.get(key);
        if (code == null) {
            synchronized (LOADED) {
                code = LOADED.get(key);
                if (code == null) {
                    code = new CustomCode(load(workload.entrypoint(), workload.codeDir()), workload.callTimeout());
                    LOADED.put(key, code);
                }
            }
        }
        return code;
    }

    /** The directory {@code workloads/} beside the jar (or classes directory) the kernel runs from. */
    static Path defaultDirectory() {
        Path code = Path.of(ChildJvm.codeLocation()).toAbsolutePath();
        return (Files.isDirectory(code) ? code : code.getParent()).resolve(DEFAULT_DIR_NAME);
    }

    long call(int t) throws WorkloadException {
        CallWatch watch = CallWatch.of(callTimeout);
        long token = watch == null ? 0 : watch.begin(t);
        Object value;
        try {
            value = function.apply(t);
        } catch (Throwable e) { // whatever the user's code throws, errors included, is its failure
            throw WorkloadException.of("task " + t, e);
        } finally {
            if (watch != null) {
                watch.end(token);
            }
        }
        return hash(value);
    }

    /** A value as a number mod 2^64: the first 8 bytes of the SHA-256 of its text (an identity hash left out). */
    static long hash(Object value) {
        String text = value != null && value.getClass().isArray()
                ? Arrays.deepToString(new Object[] {value}) : String.valueOf(value);
        text = IDENTITY_HASH.matcher(text).replaceAll("");
        return Workload.first8(Workload.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static IntFunction<?> load(String className, Path directory) throws WorkloadException {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader(directory));
        } catch (ClassNotFoundException e) {
            throw new WorkloadException("class " + className + " not found in " + directory + " (" + listing(directory)
                    + ")");
        } catch (ExceptionInInitializerError e) {
            throw WorkloadException.of("setup of " + className, e);
        } catch (LinkageError e) {
            throw WorkloadException.of("loading " + className, e);
        }
        if (!IntFunction.class.isAssignableFrom(type)) {
            throw new WorkloadException(className + " does not implement java.util.function.IntFunction"
                    + " (a public class with a public no-argument constructor and R apply(int taskIndex))");
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new WorkloadException(className + " must be a public class that is not abstract");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new WorkloadException(className + " has no public constructor without arguments");
        }
        try {
            return (IntFunction<?>) constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw WorkloadException.of("setup of " + className, e);
        }
    }

    /** The directory itself (classes) and every jar in it, children of the kernel's own class loader. */
    private static ClassLoader loader(Path directory) throws WorkloadException {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(directory.toUri().toURL());
            for (Path jar : jars(directory)) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new WorkloadException("cannot read " + directory + ": " + e.getMessage());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), CustomCode.class.getClassLoader());
    }

    private static List<Path> jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String listing(Path directory) {
        if (!Files.isDirectory(directory)) {
            return "it does not exist: copy the jar there in the image, e.g. COPY my.jar "
                    + (directory.isAbsolute() ? directory : directory.toAbsolutePath()) + "/";
        }
        List<String> names = jars(directory).stream().map(p -> p.getFileName().toString()).toList();
        return names.isEmpty() ? "it holds no jar" : "its jars: " + String.join(", ", names);
    }
}
