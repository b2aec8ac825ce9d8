package org.jftrace.cli;

/**
 * The JVM the end-to-end tests attach to: prints {@code ready}, then every 50 ms what
 * {@link #greet()} returns, until killed or two minutes pass. With argument {@code hook} (and the
 * agent given by -javaagent) it first registers an ops of its own on {@code greet} through the
 * public API, by reflection (this module does not compile against the API), as a program does.
 */
public final class LoopTarget {
    private LoopTarget() {
    }

    public static String greet() {
        return "hello";
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hook")) {
            hookGreet();
        }
        System.out.println("ready");
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println("g=" + greet());
            Thread.sleep(50);
        }
    }

    /** {@code Ftrace.register(FtraceOps.builder(func).filter("...greet").build())} with a callback that does nothing. */
    private static void hookGreet() throws Exception {
        Class<?> func = Class.forName("org.jftrace.FtraceFunc");
        Class<?> ops = Class.forName("org.jftrace.FtraceOps");
        Object callback = java.lang.reflect.Proxy.newProxyInstance(LoopTarget.class.getClassLoader(),
                new Class<?>[] {func}, (proxy, method, a) -> method.getDeclaringClass() == Object.class
                        ? (method.getName().equals("equals") ? proxy == a[0] : method.getName().equals("hashCode")
                        ? System.identityHashCode(proxy) : "callback") : null);
        Object builder = ops.getMethod("builder", func).invoke(null, callback);
        builder.getClass().getMethod("filter", String[].class).invoke(builder,
                (Object) new String[] {LoopTarget.class.getName() + ".greet"});
        Object built = builder.getClass().getMethod("build").invoke(builder);
        Class.forName("org.jftrace.Ftrace").getMethod("register", ops).invoke(null, built);
    }
}
