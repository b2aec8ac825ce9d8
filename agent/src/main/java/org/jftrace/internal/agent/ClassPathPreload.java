package org.jftrace.internal.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.internal.glob.Glob;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Pending patterns for start-up tracing: at {@code premain} almost nothing of the program is
 * loaded, and a tracer's filter (the tracers' builders take strict globs only, which match loaded
 * classes) would be EINVAL. For each glob that matches no loaded method, this finds the classes
 * of the class path ({@code java.class.path}: the program's jar or directories) with a method it
 * matches, by reading their class files, and loads them without initialising them (no static
 * initialiser runs, no program code). The tracer's patterns are then kept by the core and also
 * match the classes loaded later.
 *
 * <p><b>Important</b>: classes that the program loads from elsewhere (its own class loaders, a
 * fat jar's nested jars) are not found here; a glob that names only such classes is refused.
 */
final class ClassPathPreload {
    private ClassPathPreload() {
    }

    /**
     * Loads, for every glob of {@code globs} (option name to globs) that matches no loaded method,
     * the class path classes it matches.
     *
     * @return null, or the message naming the option and the glob that matches nothing even so
     */
    static String resolve(Map<String, List<String>> globs) {
        List<Glob> pending = new ArrayList<>();
        FtraceOps probe = FtraceOps.of((ip, parentIp, op, regs) -> { });
        globs.forEach((option, list) -> {
            for (String g : list) {
                Glob glob = Glob.parse(g);
                if (!glob.negated() && !matchesLoaded(probe, g)) {
                    pending.add(glob);
                }
            }
        });
        if (pending.isEmpty()) {
            return null;
        }
        ClassLoader app = ClassLoader.getSystemClassLoader();
        for (String cls : classesMatching(pending)) {
            try {
                Class.forName(cls, false, app);
            } catch (ClassNotFoundException | LinkageError e) {
                // a class the class path lists but cannot load: the program would fail on it too
            }
        }
        for (Map.Entry<String, List<String>> e : globs.entrySet()) {
            for (String g : e.getValue()) {
                if (!Glob.parse(g).negated() && !matchesLoaded(probe, g)) {
                    return "option " + e.getKey() + ": \"" + g + "\" matches no method of a loaded class nor of a "
                            + "class on the class path: check the name (binary.class.Name.method, $ for nested "
                            + "classes), e.g. with 'jftrace list -p PID GLOB' on a running copy of the program";
                }
            }
        }
        return null;
    }

    /** {@return whether glob {@code g} matches a method of a loaded class} (an unregistered ops' filter: nothing hooked) */
    private static boolean matchesLoaded(FtraceOps probe, String g) {
        try {
            Ftrace.ftraceSetFilter(probe, g, true);
            return true;
        } catch (FtraceException e) {
            if (e.errno() == Errno.EINVAL) {
                return false;
            }
            throw e;
        }
    }

    /** {@return the binary names of the class path classes with a method that one of {@code globs} matches} */
    private static Set<String> classesMatching(List<Glob> globs) {
        Set<String> found = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath();
            String module = p.getFileName() == null ? "" : p.getFileName().toString();
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                            String name = p.relativize(f).toString().replace(File.separatorChar, '/');
                            try (InputStream in = Files.newInputStream(f)) {
                                check(name, in, module, globs, found);
                            }
                        }
                    }
                } else if (Files.isRegularFile(p)) {
                    try (JarFile jar = new JarFile(p.toFile())) {
                        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                            JarEntry je = e.nextElement();
                            if (je.getName().endsWith(".class") && !je.getName().startsWith("META-INF/")) {
                                try (InputStream in = jar.getInputStream(je)) {
                                    check(je.getName(), in, module, globs, found);
                                }
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable class path entry: the program cannot load from it either
            }
        }
        return found;
    }

    /** Adds class file {@code path}'s class to {@code found} if a glob matches one of its methods. */
    private static void check(String path, InputStream in, String module, List<Glob> globs, Set<String> found)
            throws IOException {
        String cls = path.substring(0, path.length() - ".class".length()).replace('/', '.');
        if (cls.endsWith("module-info") || cls.endsWith("package-info")) {
            return;
        }
        boolean may = false;
        for (Glob g : globs) {
            may |= g.mayMatchClass(cls); // cheap: most classes are ruled out by name, unread
        }
        if (!may) {
            return;
        }
        new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                StringBuilder params = new StringBuilder("(");
                for (Type t : Type.getArgumentTypes(descriptor)) {
                    params.append(params.length() > 1 ? "," : "").append(t.getClassName());
                }
                params.append(')');
                for (Glob g : globs) {
                    if (g.matches(cls + "." + name, params.toString(), module)) {
                        found.add(cls);
                    }
                }
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }
}
