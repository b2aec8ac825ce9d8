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

        public static double half(double d) {
            return d / 2;
        }
    }

    /** Rewrites arguments like a SAVE_REGS callback would; for instanceSum, redirects. */
    static final class Rewriter extends HookTarget {
        @Override
        public void enter(long ip) {
        }

        @Override
        public Object enterRegs(long ip, Object receiver, long[] prims, Object[] refs) {
            return rewrite(receiver, prims, refs);
        }
    }

    /** Primitives travel as raw bits (see Hooks.CHANGED), references as they are. */
    static Object rewrite(Object receiver, long[] prims, Object[] refs) {
        if (refs.length == 10) { // show: ten parameters
            assertEquals(0L, prims[0]); // false
            assertEquals(Float.floatToRawIntBits(5f), prims[6]);
            assertEquals(Double.doubleToRawLongBits(6d), prims[7]);
            prims[0] = 1;
            prims[1] = 7;
            prims[2] = 'x';
            prims[3] = 300;
            prims[4] = 40000;
            prims[5] = 1L << 40;
            prims[6] = Float.floatToRawIntBits(1.5f);
            prims[7] = Double.doubleToRawLongBits(2.25);
            refs[8] = "rewritten";
            refs[9] = new int[3];
            return Hooks.CHANGED;
        }
        if (refs.length == 1) { // half(double): redirect to three times the argument
            return new HookRedirect() {
                @Override
                public Object invoke(Object self, long[] p, Object[] r) {
                    return Double.doubleToRawLongBits(3 * Double.longBitsToDouble(p[0]));
                }
            };
        }
        // instanceSum(long, int): redirect to replacementSum with args (a+1, b)
        prims[0]++;
        // (the rewritten class is another AllTypes than this test's: call the replacement's logic directly)
        return new HookRedirect() {
            @Override
            public Object invoke(Object self, long[] p, Object[] r) {
                return self.getClass().getName().equals(AllTypes.class.getName()) ? p[0] * (int) p[1] : -1L;
            }
        };
    }

    public static Object indyTarget(Object receiver, long[] prims, Object[] refs) {
        return rewrite(receiver, prims, refs);
    }

    @AfterEach
    void clear() {
        Hooks.setTargets(new HookTarget[0]);
        Hooks.setLinker(null);
    }

    @Test
    void staticKindRewritesEveryTypeAndRedirects() throws Exception {
        Hooks.setTargets(new HookTarget[] {null, new Rewriter(), new Rewriter(), new Rewriter()});
        check(HookInstrumenter.Kind.STATIC);
    }

    @Test
    void indyKindRewritesEveryTypeAndRedirects() throws Exception {
        MethodHandle target = MethodHandles.lookup().findStatic(RegsHookTest.class, "indyTarget",
                MethodType.methodType(Object.class, Object.class, long[].class, Object[].class));
        Hooks.setLinker(new Linker() {
            @Override
            public CallSite callSite(Class<?> caller, long ip, MethodType type) throws ReflectiveOperationException {
                if (type.equals(target.type())) {
                    return new ConstantCallSite(target);
                }
                // the redirect site: (long[] prims, Object[] refs, Object receiver, Object redirect) returning
                // a primitive as raw bits: Hooks.redirect with its arguments reordered and its result unboxed
                MethodHandle redirect = MethodHandles.lookup().findStatic(Hooks.class, "redirect",
                        target.type().insertParameterTypes(0, Object.class));
                return new ConstantCallSite(MethodHandles.permuteArguments(redirect,
                        type.changeReturnType(Object.class), 3, 2, 0, 1).asType(type));
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
        String half = "half(D)D";
        Map<String, Long> ips = Map.of(show, 1L << 16, sum, 2L << 16, half, 3L << 16);
        byte[] out = HookInstrumenter.instrument(original, ips, Set.of(show, sum, half), kind);
        Class<?> k = new HookInstrumenterTest.ChildFirst(Map.of(name, out), getClass().getClassLoader()).loadClass(name);
        Method m = k.getMethod("show", boolean.class, byte.class, char.class, short.class, int.class, long.class,
                float.class, double.class, String.class, int[].class);
        assertEquals("true,7,x,300,40000,1099511627776,1.5,2.25,rewritten,3",
                m.invoke(null, false, (byte) 1, 'a', (short) 2, 3, 4L, 5f, 6d, "s", new int[1]));
        Object obj = k.getConstructor().newInstance();
        // redirected: replacementSum(self, a + 1, b) = (10 + 1) * 3
        assertEquals(33L, k.getMethod("instanceSum", long.class, int.class).invoke(obj, 10L, 3));
        // redirected, a double through raw bits both ways: 3 * 1.25 rather than 1.25 / 2
        assertEquals(3.75, k.getMethod("half", double.class).invoke(null, 1.25));
    }
}
