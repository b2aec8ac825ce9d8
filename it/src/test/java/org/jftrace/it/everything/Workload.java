package org.jftrace.it.everything;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The "real workload" of {@link TraceEverythingTest}: writes four small Java sources (records, a
 * sealed interface, generics, lambdas, streams), compiles them in-process with the system Java
 * compiler, loads the classes in a fresh class loader and runs them.
 */
final class Workload {
    /** What {@code demo.Main.get()} must return. */
    static final String EXPECTED = "Point[x=0, y=6]|36|27|1:1,2:4,3:9,4:16,5:25|Point[x=3, y=4]|{false=6, true=4}|3"
            + "|negative";

    static final Map<String, String> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("demo/Point.java", String.join("\n",
                "package demo;",
                "",
                "public record Point(int x, int y) implements Comparable<Point> {",
                "    public Point {",
                "        if (x < 0 || y < 0) {",
                "            throw new IllegalArgumentException(\"negative\");",
                "        }",
                "    }",
                "",
                "    public int dist2() {",
                "        return x * x + y * y;",
                "    }",
                "",
                "    public Point plus(Point o) {",
                "        return new Point(x + o.x, y + o.y);",
                "    }",
                "",
                "    @Override",
                "    public int compareTo(Point o) {",
                "        return Integer.compare(dist2(), o.dist2());",
                "    }",
                "}",
                ""));
        SOURCES.put("demo/Box.java", String.join("\n",
                "package demo;",
                "",
                "import java.util.ArrayList;",
                "import java.util.Comparator;",
                "import java.util.List;",
                "import java.util.Optional;",
                "import java.util.function.Function;",
                "",
                "public final class Box<T extends Comparable<? super T>> {",
                "    private final List<T> items = new ArrayList<>();",
                "",
                "    @SafeVarargs",
                "    public static <T extends Comparable<? super T>> Box<T> of(T... ts) {",
                "        Box<T> b = new Box<>();",
                "        for (T t : ts) {",
                "            b.items.add(t);",
                "        }",
                "        return b;",
                "    }",
                "",
                "    public Optional<T> max() {",
                "        return items.stream().max(Comparator.naturalOrder());",
                "    }",
                "",
                "    public <R extends Comparable<? super R>> Box<R> map(Function<? super T, ? extends R> f) {",
                "        Box<R> b = new Box<>();",
                "        for (T t : items) {",
                "            b.items.add(f.apply(t));",
                "        }",
                "        return b;",
                "    }",
                "",
                "    public int size() {",
                "        return items.size();",
                "    }",
                "}",
                ""));
        SOURCES.put("demo/Shape.java", String.join("\n",
                "package demo;",
                "",
                "public sealed interface Shape permits Shape.Circle, Shape.Rect {",
                "    record Circle(int r) implements Shape {",
                "    }",
                "",
                "    record Rect(int w, int h) implements Shape {",
                "    }",
                "",
                "    static long area(Shape s) {",
                "        if (s instanceof Circle c) {",
                "            return 3L * c.r() * c.r();",
                "        }",
                "        if (s instanceof Rect r) {",
                "            return (long) r.w() * r.h();",
                "        }",
                "        throw new AssertionError(s);",
                "    }",
                "}",
                ""));
        SOURCES.put("demo/Main.java", String.join("\n",
                "package demo;",
                "",
                "import java.util.List;",
                "import java.util.Map;",
                "import java.util.function.Supplier;",
                "import java.util.stream.Collectors;",
                "import java.util.stream.IntStream;",
                "import java.util.stream.Stream;",
                "",
                "public final class Main implements Supplier<String> {",
                "    @Override",
                "    public String get() {",
                "        Box<Point> pts = Box.of(new Point(1, 2), new Point(3, 4), new Point(0, 6));",
                "        Point far = pts.max().orElseThrow();",
                "        int maxD = pts.map(Point::dist2).max().orElse(-1);",
                "        List<Shape> shapes = List.of(new Shape.Circle(2), new Shape.Rect(3, 4), new Shape.Circle(1));",
                "        long total = shapes.stream().mapToLong(Shape::area).sum();",
                "        String joined = IntStream.rangeClosed(1, 5).mapToObj(i -> new Point(i, i * i))",
                "                .map(p -> p.x() + \":\" + p.y()).collect(Collectors.joining(\",\"));",
                "        Point sum = Stream.of(new Point(1, 1), new Point(2, 3)).reduce(new Point(0, 0), Point::plus);",
                "        Map<Boolean, Long> parts = IntStream.range(0, 10).boxed()",
                "                .collect(Collectors.partitioningBy(i -> i % 3 == 0, Collectors.counting()));",
                "        String neg;",
                "        try {",
                "            new Point(-1, 0);",
                "            neg = \"accepted\";",
                "        } catch (IllegalArgumentException e) {",
                "            neg = e.getMessage();",
                "        }",
                "        return far + \"|\" + maxD + \"|\" + total + \"|\" + joined + \"|\" + sum + \"|\" + parts + \"|\"",
                "                + pts.size() + \"|\" + neg;",
                "    }",
                "}",
                ""));
    }

    private Workload() {
    }

    /** Writes the sources under {@code src}; {@return their paths} */
    static List<Path> writeSources(Path src) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> e : SOURCES.entrySet()) {
            Path p = src.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
            files.add(p);
        }
        return files;
    }

    /** Compiles {@code files} into {@code out}; {@return null on success, else the diagnostics} */
    static String compile(List<Path> files, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
            List<String> options = List.of("-d", out.toString(), "--release", "17", "-g", "-Xlint:all");
            ok = javac.getTask(log, fm, diags, options, null, units).call();
        }
        StringBuilder sb = new StringBuilder(log.toString());
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            sb.append(d.getKind()).append(": ").append(d).append('\n');
        }
        return ok && sb.length() == 0 ? null : "ok=" + ok + "\n" + sb;
    }

    /** Loads {@code demo.Main} from {@code out} in a new class loader; {@return what its get() returns} */
    @SuppressWarnings("unchecked")
    static String run(Path out) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                Workload.class.getClassLoader())) {
            Class<?> main = Class.forName("demo.Main", true, loader);
            Supplier<String> s = (Supplier<String>) main.getConstructor().newInstance();
            return s.get();
        }
    }

    /** {@return relative path of each .class file under {@code out} mapped to its SHA-256} */
    static Map<String, String> hashes(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".class"))::iterator) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                m.put(out.relativize(p).toString().replace('\\', '/'), HexFormat.of().formatHex(d));
            }
        }
        return m;
    }
}
