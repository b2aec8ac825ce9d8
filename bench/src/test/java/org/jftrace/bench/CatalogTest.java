package org.jftrace.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/** The row catalogue that {@link RunBenchmarks} prints from: complete, consistent, and loadable by its host JVM. */
class CatalogTest {

    /**
     * RunBenchmarks' JVM has no jftrace API on its class path, and the JVM verifies {@link Variant}'s
     * constant bodies when it reads the catalogue: a body that passes a bench class where a jftrace
     * type is expected would fail there with NoClassDefFoundError.
     */
    @Test
    void catalogueLoadsWithoutTheJftraceApi() throws Exception {
        List<URL> host = new ArrayList<>();
        for (Class<?> c : List.of(Variant.class, org.openjdk.jmh.runner.Runner.class, net.bytebuddy.ByteBuddy.class,
                net.bytebuddy.agent.ByteBuddyAgent.class, org.objectweb.asm.ClassWriter.class)) {
            host.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        try (URLClassLoader loader = new URLClassLoader(host.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("org.jftrace.FtraceFunc", false, loader),
                    "the host class path must not have the jftrace API");
            Method catalog = Class.forName(RowSpec.class.getName(), true, loader).getDeclaredMethod("catalog");
            catalog.setAccessible(true);
            List<?> rows = (List<?>) catalog.invoke(null);
            assertEquals(RowSpec.catalog().size(), rows.size());
        }
    }

    @Test
    void everyBenchmarkIsInTheCatalogueAndEveryRowIsABenchmark() throws Exception {
        Set<String> benchmarks = new TreeSet<>();
        try (InputStream in = Variant.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            for (BenchmarkListEntry e : BenchmarkList.readBenchmarkList(in)) {
                // The tracer benchmarks (ring buffer writes, function tracer) are not per-call hook
                // rows: they run by their own JMH command (BENCHMARKS.md, "Tracers").
                if (!e.getUsername().startsWith("org.jftrace.bench.tracers.")) {
                    benchmarks.add(e.getUsername());
                }
            }
        }
        Set<String> known = new TreeSet<>(RunBenchmarks.TIMINGS);
        for (RowSpec r : RowSpec.catalog()) {
            assertTrue(benchmarks.contains(r.benchmark()), "row " + r.name() + ": no benchmark " + r.benchmark()
                    + " (a SoloRow's @Benchmark method must be named as the row)");
            known.add(r.benchmark());
        }
        assertEquals(benchmarks, known, "every @Benchmark needs a Variant or SoloRow constant (or a TIMINGS entry)");
    }

    @Test
    void namesAreUniqueAndTargetsCompareCataloguedRows() {
        Set<String> names = new HashSet<>();
        for (RowSpec r : RowSpec.catalog()) {
            assertTrue(names.add(r.name()), "two rows named " + r.name());
        }
        for (RowSpec.Section s : RowSpec.Section.values()) {
            assertTrue(names.contains(s.baseline), s + "'s baseline " + s.baseline + " is no row");
        }
        for (RowSpec r : RowSpec.catalog()) {
            for (Check c : r.checks()) {
                for (String other : c.compares()) {
                    assertTrue(names.contains(other), r.name() + ": a target compares with " + other + ", which is no row");
                }
            }
        }
    }

    /** The row names BENCHMARKS.md's tables use are the names the summary prints. */
    @Test
    void rowsNamedInBenchmarksMdExist() throws Exception {
        Path doc = Path.of("..", "BENCHMARKS.md");
        if (!Files.isRegularFile(doc)) {
            return; // not in a full checkout
        }
        Set<String> names = new HashSet<>();
        RowSpec.catalog().forEach(r -> names.add(r.name()));
        Matcher m = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(Files.readString(doc));
        int seen = 0;
        while (m.find()) {
            seen++;
            assertTrue(names.contains(m.group(1)), "BENCHMARKS.md describes row " + m.group(1) + ", which the catalogue lacks");
        }
        assertTrue(seen >= 20, "found only " + seen + " row descriptions in BENCHMARKS.md");
    }
}
