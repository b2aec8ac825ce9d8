package org.jftrace.it.reliability;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.sun.management.HotSpotDiagnosticMXBean;

import org.jftrace.Ftrace;
import org.jftrace.FgraphOps;
import org.jftrace.FtraceOps;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.ring.BufferStats;

/**
 * Target of {@link RealProgramsTest}: {@code trace|plain javac|gson ARG WORK}. {@code trace} (run
 * with the agent) registers one counting ops with an empty filter (every traceable method of the
 * JVM, classes loaded later included) before the workload and unregisters it after; {@code plain}
 * runs the workload alone. Workloads, programs jftrace did not write:
 * <ul>
 * <li>{@code javac SRC_DIR:N WORK}: the JDK's compiler, in-process, compiles the first N source
 * files (all with N = 0) of the commons-lang3 3.12.0 source tree, the rest of the tree on the
 * source path (compiled as needed); prints the number and a digest of the class files;</li>
 * <li>{@code gson N WORK}: Gson 2.10.1 (loaded from {@code gson.jar} on the class path) serialises
 * N orders to JSON, pretty and compact, parses them back into objects and into trees, and
 * serialises again; prints a digest of all JSON text and whether each round trip was equal.</li>
 * </ul>
 * Prints {@code VERIFY}, {@code AGENT} and one {@code RELIABILITY realprog-WORKLOAD ...} line.
 */
public final class RealProgramsTarget {
    private RealProgramsTarget() {
    }

    public static void main(String[] args) throws Exception {
        boolean trace = !args[0].equals("plain");
        boolean exits = args[0].equals("exits"); // an FgraphOps (entry and exit hooks) instead
        boolean graph = args[0].equals("graph"); // the function_graph tracer on everything instead
        GraphTracer tracer = graph ? GraphTracer.builder().pending(true).build() : null;
        String workload = args[1];
        Path work = Path.of(args[3]);
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("VERIFY local=" + hs.getVMOption("BytecodeVerificationLocal").getValue()
                + " remote=" + hs.getVMOption("BytecodeVerificationRemote").getValue());
        System.out.println("AGENT " + Ftrace.isInstalled());

        LongAdder callbacks = new LongAdder();
        Thread main = Thread.currentThread();
        long[] mainCalls = new long[2]; // entries and exits on this thread: every call it makes returns
        LongAdder exitsSeen = new LongAdder();
        FtraceOps ops = !exits ? FtraceOps.of((ip, parentIp, op, regs) -> callbacks.increment()).withName("everything")
                : FgraphOps.builder((ip, parentIp, depth, g) -> {
                    callbacks.increment();
                    if (Thread.currentThread() == main) {
                        mainCalls[0]++;
                    }
                    return depth;
                }, (ip, data, depth, exit, value, bits, g) -> {
                    exitsSeen.increment();
                    if (Thread.currentThread() == main) {
                        mainCalls[1]++;
                        if (data != depth) {
                            mainCalls[1] = Long.MIN_VALUE; // the entry's data must reach its own exit
                        }
                    }
                }).name("everything-exits").build().ops();
        long t0 = System.nanoTime();
        int hookedAtRegister = 0;
        if (graph) {
            tracer.start();
            hookedAtRegister = Ftrace.enabledFunctions().size();
        } else if (trace) {
            Ftrace.registerFtraceFunction(ops);
            hookedAtRegister = Ftrace.enabledFunctions().size();
        }
        long t1 = System.nanoTime();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mode", args[0]);
        if (workload.equals("javac")) {
            String[] spec = args[2].split(":");
            javac(Path.of(spec[0]), Integer.parseInt(spec[1]), work.resolve("classes-" + args[0]), figures);
        } else {
            gson(Integer.parseInt(args[2]), figures);
        }
        long t2 = System.nanoTime();
        if (graph) {
            graphFigures(tracer, hookedAtRegister, figures, t1 - t0);
        } else if (trace) {
            int hookedAtEnd = Ftrace.enabledFunctions().size();
            long t3 = System.nanoTime();
            Ftrace.unregisterFtraceFunction(ops);
            long t4 = System.nanoTime();
            long seen = callbacks.sum();
            // after unregister returned no callback may run: run JDK code that was traced
            Map<Integer, String> m = new java.util.HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                m.merge(i % 31, "x", String::concat);
            }
            figures.put("hookedAtRegister", hookedAtRegister);
            figures.put("hookedAtEnd", hookedAtEnd);
            figures.put("hookedAfter", Ftrace.enabledFunctions().size());
            figures.put("callbacks", seen);
            if (exits) {
                figures.put("exits", exitsSeen.sum());
                figures.put("mainEntries", mainCalls[0]);
                figures.put("mainExits", mainCalls[1]);
            }
            figures.put("late", callbacks.sum() - seen);
            figures.put("callbackErrors", Ftrace.callbackErrors(ops));
            figures.put("registerMs", ms(t1 - t0));
            figures.put("unregisterMs", ms(t4 - t3));
        }
        figures.put("workMs", ms(t2 - t1));
        StringBuilder sb = new StringBuilder("RELIABILITY realprog-" + workload);
        figures.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
    }

    /**
     * Stops the function_graph tracer and records what the others record (callbacks: events written,
     * lost included; late: events written after stop returned), plus the rendered trace's size: the
     * trace of a real program must format without error, with entries, exits and exception exits.
     */
    private static void graphFigures(GraphTracer tracer, int hookedAtRegister, Map<String, Object> figures,
                                     long registerNanos) {
        int hookedAtEnd = Ftrace.enabledFunctions().size();
        long t3 = System.nanoTime();
        tracer.stop();
        long t4 = System.nanoTime();
        long written = events(tracer);
        Map<Integer, String> m = new java.util.HashMap<>(); // traced JDK code, after stop returned
        for (int i = 0; i < 10_000; i++) {
            m.merge(i % 31, "x", String::concat);
        }
        String text = tracer.trace();
        long lines = text.lines().count();
        long closing = text.lines().filter(l -> l.trim().endsWith("}") || l.contains("} /*")).count();
        figures.put("hookedAtRegister", hookedAtRegister);
        figures.put("hookedAtEnd", hookedAtEnd);
        figures.put("hookedAfter", Ftrace.enabledFunctions().size());
        figures.put("callbacks", written);
        figures.put("late", events(tracer) - written);
        figures.put("callbackErrors", tracer.callbackErrors());
        figures.put("traceLines", lines);
        figures.put("traceExits", closing);
        figures.put("registerMs", ms(registerNanos));
        figures.put("unregisterMs", ms(t4 - t3));
    }

    private static long events(GraphTracer tracer) {
        BufferStats s = BufferStats.total(tracer.ring().stats());
        return s.written() + s.lost();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    // ---- javac on commons-lang3 ----

    private static void javac(Path src, int limit, Path out, Map<String, Object> figures) throws Exception {
        List<Path> all;
        try (Stream<Path> s = Files.walk(src)) {
            all = s.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("module-info.java")
                    && !p.getFileName().toString().equals("package-info.java")).sorted().toList();
        }
        List<Path> files = limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", out.toString(), "-sourcepath", src.toString(), "-proc:none",
                    "-nowarn", "-Xlint:none", "-encoding", "UTF-8", "-XDsuppressNotes", "--release", "17");
            ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        int errors = 0;
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors++;
                if (errors <= 5) {
                    System.out.println("JAVAC-ERROR " + d);
                }
            }
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> classes = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(p -> p.toString().endsWith(".class")).sorted().forEach(classes::add);
        }
        for (Path p : classes) {
            md.update(out.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(p));
        }
        figures.put("ok", ok);
        figures.put("errors", errors);
        figures.put("sources", files.size());
        figures.put("classFiles", classes.size());
        figures.put("digest", HexFormat.of().formatHex(md.digest(), 0, 16));
    }

    // ---- gson ----

    /** An order, the object graph Gson maps (fields of every common kind). */
    public static final class Order {
        long id;
        String customer;
        boolean express;
        double total;
        List<Item> items = new ArrayList<>();
        Map<String, Integer> tags = new LinkedHashMap<>();
        int[] codes;
        Item gift;

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Order)) {
                return false;
            }
            Order x = (Order) o;
            return id == x.id && customer.equals(x.customer) && express == x.express
                    && Double.compare(total, x.total) == 0 && items.equals(x.items) && tags.equals(x.tags)
                    && java.util.Arrays.equals(codes, x.codes) && java.util.Objects.equals(gift, x.gift);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    /** A line of an order. */
    public static final class Item {
        String sku;
        int quantity;
        Long weightGrams;

        @Override
        public boolean equals(Object o) {
            return o instanceof Item && sku.equals(((Item) o).sku) && quantity == ((Item) o).quantity
                    && java.util.Objects.equals(weightGrams, ((Item) o).weightGrams);
        }

        @Override
        public int hashCode() {
            return sku.hashCode();
        }
    }

    static Order order(int i) {
        Order o = new Order();
        o.id = 1_000_000L * i + 7;
        o.customer = "customer-" + i + (i % 7 == 0 ? " \"quoted\" \u00e9\u00e8 \uD83D\uDE00 \n tab\t" : "");
        o.express = i % 3 == 0;
        o.total = i * 1.25 + 0.1;
        for (int k = 0; k < 1 + i % 5; k++) {
            Item it = new Item();
            it.sku = "SKU-" + i + "-" + k;
            it.quantity = k + 1;
            it.weightGrams = k % 2 == 0 ? null : (long) k * 100;
            o.items.add(it);
        }
        o.tags.put("priority", i % 4);
        o.tags.put("region", i % 9);
        o.codes = new int[] {i, -i, i * 31};
        o.gift = i % 5 == 0 ? o.items.get(0) : null;
        return o;
    }

    private static void gson(int n, Map<String, Object> figures) throws Exception {
        // Gson by reflection: this class must load without it (the test class path has no Gson).
        Class<?> builderClass = Class.forName("com.google.gson.GsonBuilder");
        Object builder = builderClass.getConstructor().newInstance();
        Object pretty = builderClass.getMethod("create").invoke(builderClass.getMethod("setPrettyPrinting").invoke(builder));
        Object compact = Class.forName("com.google.gson.Gson").getConstructor().newInstance();
        Method toJson = compact.getClass().getMethod("toJson", Object.class);
        Method fromJson = compact.getClass().getMethod("fromJson", String.class, Type.class);
        Method parse = Class.forName("com.google.gson.JsonParser").getMethod("parseString", String.class);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int roundTripsEqual = 0;
        int treesEqual = 0;
        long chars = 0;
        List<Order> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Order o = order(i);
            batch.add(o);
            String c = (String) toJson.invoke(compact, o);
            String p = (String) toJson.invoke(pretty, o);
            Order back = (Order) fromJson.invoke(compact, c, Order.class);
            Order backPretty = (Order) fromJson.invoke(pretty, p, Order.class);
            if (o.equals(back) && o.equals(backPretty) && c.equals(toJson.invoke(compact, back))) {
                roundTripsEqual++;
            }
            if (parse.invoke(null, c).equals(parse.invoke(null, p))) {
                treesEqual++;
            }
            md.update(c.getBytes(StandardCharsets.UTF_8));
            md.update(p.getBytes(StandardCharsets.UTF_8));
            chars += c.length() + p.length();
            if (batch.size() == 50) {
                String list = (String) toJson.invoke(pretty, batch);
                md.update(list.getBytes(StandardCharsets.UTF_8));
                chars += list.length();
                batch.clear();
            }
        }
        figures.put("orders", n);
        figures.put("roundTripsEqual", roundTripsEqual);
        figures.put("treesEqual", treesEqual);
        figures.put("jsonChars", chars);
        figures.put("digest", HexFormat.of().formatHex(md.digest(), 0, 16));
    }
}
