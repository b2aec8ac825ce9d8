package org.jftrace.internal.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

import org.jftrace.internal.boot.HookRedirect;
import org.jftrace.internal.boot.HookTarget;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.boot.Linker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The register-saving hook end to end, without the registry: a hand-made target rewrites every
 * argument (one of each JVM type) or redirects the call, and the rewritten method must see it.
 */
class RegsHookTest {

    /** The target class: every JVM type as a parameter. */
    public static final class AllTypes {
        public static String show(boolean z, byte b, char c, short s, int i, long j, float f, double d, String str,
                                  int[] arr) {
            return z + "," + b + "," + c + "," + s + "," + i + "," + j + "," + f + "," + d + "," + str + "," + arr.length;
        }

        public long instanceSum(long a, int b) {
            return a + b;
        }

        public static long replacementSum(AllTypes self, long a, int b) {
            return a * b;
        }
    }

    /** Rewrites arguments like a SAVE_REGS callback would; for instanceSum, redirects. */
    static final class Rewriter extends HookTarget {
        @Override
        public void enter(long ip) {
        }

        @Override
        public Object enterRegs(long ip, Object receiver, Object[] args) {
            return rewrite(receiver, args);
        }
    }

    static Object rewrite(Object receiver, Object[] args) {
        if (args.length == 11) { // ten parameters and the redirect slot
            args[0] = Boolean.TRUE;
            args[1] = Byte.valueOf((byte) 7);
            args[2] = Character.valueOf('x');
            args[3] = Short.valueOf((short) 300);
            args[4] = Integer.valueOf(40000);
            args[5] = Long.valueOf(1L << 40);
            args[6] = Float.valueOf(1.5f);
            args[7] = Double.valueOf(2.25);
            args[8] = "rewritten";
            args[9] = new int[3];
            return Hooks.CHANGED;
        }
        // instanceSum(long, int): redirect to replacementSum with args (a+1, b)
        args[0] = Long.valueOf((Long) args[0] + 1);
        // (the rewritten class is another AllTypes than this test's: call the replacement's logic directly)
        args[args.length - 1] = new HookRedirect() {
            @Override
            public Object invoke(Object self, Object[] a) {
                return self.getClass().getName().equals(AllTypes.class.getName())
                        ? Long.valueOf((Long) a[0] * (Integer) a[1]) : Long.valueOf(-1);
            }
        };
        return Hooks.CHANGED;
    }

    public static Object indyTarget(Object receiver, Object[] args) {
        return rewrite(receiver, args);
    }

    @AfterEach
    void clear() {
        Hooks.setTargets(new HookTarget[0]);
        Hooks.setLinker(null);
    }

    @Test
    void staticKindRewritesEveryTypeAndRedirects() throws Exception {
        Hooks.setTargets(new HookTarget[] {null, new Rewriter(), new Rewriter()});
        check(HookInstrumenter.Kind.STATIC);
    }

    @Test
    void indyKindRewritesEveryTypeAndRedirects() throws Exception {
        MethodHandle target = MethodHandles.lookup().findStatic(RegsHookTest.class, "indyTarget",
                MethodType.methodType(Object.class, Object.class, Object[].class));
        Hooks.setLinker(new Linker() {
            @Override
            public CallSite callSite(long ip, MethodType type) throws ReflectiveOperationException {
                if (type.equals(target.type())) {
                    return new ConstantCallSite(target);
                }
                // the redirect site: (Object[] args, Object receiver)Object, as Hooks.redirect with its arguments swapped
                MethodHandle redirect = MethodHandles.lookup().findStatic(Hooks.class, "redirect", target.type());
                return new ConstantCallSite(MethodHandles.permuteArguments(redirect, type, 1, 0));
            }

            @Override
            public void linkFailed(long ip, Throwable failure) {
                throw new AssertionError(failure);
            }
        });
        check(HookInstrumenter.Kind.INDY);
    }

    private void check(HookInstrumenter.Kind kind) throws Exception {
        String name = AllTypes.class.getName();
        byte[] original = HookInstrumenterTest.classBytes(name);
        String show = "show(ZBCSIJFDLjava/lang/String;[I)Ljava/lang/String;";
        String sum = "instanceSum(JI)J";
        Map<String, Long> ips = Map.of(show, 1L << 16, sum, 2L << 16);
        byte[] out = HookInstrumenter.instrument(original, ips, Set.of(show, sum), kind);
        Class<?> k = new HookInstrumenterTest.ChildFirst(Map.of(name, out), getClass().getClassLoader()).loadClass(name);
        Method m = k.getMethod("show", boolean.class, byte.class, char.class, short.class, int.class, long.class,
                float.class, double.class, String.class, int[].class);
        assertEquals("true,7,x,300,40000,1099511627776,1.5,2.25,rewritten,3",
                m.invoke(null, false, (byte) 1, 'a', (short) 2, 3, 4L, 5f, 6d, "s", new int[1]));
        Object obj = k.getConstructor().newInstance();
        // redirected: replacementSum(self, a + 1, b) = (10 + 1) * 3
        assertEquals(33L, k.getMethod("instanceSum", long.class, int.class).invoke(obj, 10L, 3));
    }
}
