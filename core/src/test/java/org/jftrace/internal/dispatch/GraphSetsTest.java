package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import org.jftrace.FgraphEntryFunc;
import org.jftrace.FgraphOps;
import org.jftrace.internal.boot.GraphTarget;
import org.junit.jupiter.api.Test;

/**
 * The exit-hook sets' generated classes: one per set, shared while the set lives, and gone with their
 * constants once a retired set's target is dropped (a churn of exit-hook ops must not keep every
 * ops' handlers, and what they hold, for the life of the JVM).
 */
class GraphSetsTest {

    /** A handler holding a buffer, as a tracer's handlers hold its ring. */
    private static final class Holding implements FgraphEntryFunc {
        final byte[] buffer = new byte[1 << 16];

        @Override
        public long entry(long ip, long parentIp, int depth, FgraphOps ops) {
            return buffer.length;
        }
    }

    @Test
    void exitLastRunsTheReturnHandlerThenPutsTheDepthBack() {
        TrampolinePool pool = new TrampolinePool();
        GraphSets sets = new GraphSets();
        long[] seen = new long[2];
        FgraphOps g = FgraphOps.builder((ip, parentIp, depth, o) -> 40L + depth,
                (ip, data, depth, exit, value, bits, o) -> {
                    seen[0] = data;
                    seen[1]++;
                }).name("exit-last").build();
        LiveOps s = new LiveOps(g.ops());
        s.slot = pool.take(Dispatch.modeOf(g.ops()));
        s.live = true;
        GraphHook target = sets.of(new LiveOps[] {s});
        int outer = target.push();
        int inner = target.push();
        assertEquals((outer & GraphHook.DEPTH_MASK) + 1, inner & GraphHook.DEPTH_MASK, "push goes one deeper");
        long data = target.enter(0L, inner, 0);
        target.exitLast(0L, inner, 0, data, GraphTarget.RETURN, null, 0L);
        assertEquals(data, seen[0], "the return handler got its entry's data");
        assertEquals(1, seen[1]);
        assertEquals(inner, target.push(), "exitLast put the depth back, as pop does");
        target.exitLast(0L, inner, 0, GraphTarget.NO_EXIT, GraphTarget.RETURN, null, 0L);
        assertEquals(1, seen[1], "an exit not wanted runs no handler");
        assertEquals(inner, target.push(), "and still puts the depth back");
        target.pop(outer);
        sets.retire(s);
        pool.giveBack(s.slot);
    }

    @Test
    void aSetIsSharedUntilRetiredAndItsHandlersGoWithIt() throws Exception {
        TrampolinePool pool = new TrampolinePool();
        GraphSets sets = new GraphSets();
        List<WeakReference<Object>> handlers = new ArrayList<>();
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Holding h = new Holding();
            FgraphOps g = FgraphOps.builder(h, (ip, data, depth, exit, value, bits, o) -> { }).name("churn-" + i).build();
            LiveOps s = new LiveOps(g.ops());
            s.slot = pool.take(Dispatch.modeOf(g.ops()));
            s.live = true;
            GraphHook target = sets.of(new LiveOps[] {s});
            assertSame(target, sets.of(new LiveOps[] {s}), "one class per set while it lives");
            int word = target.push();
            assertEquals(h.buffer.length, target.enter(0L, word, 0), "the set calls its ops' entry handler");
            target.pop(word);
            handlers.add(new WeakReference<>(h));
            classes.add(new WeakReference<>(target.getClass()));
            sets.retire(s);
            GraphHook again = sets.of(new LiveOps[] {s});
            assertNotSame(target, again, "a retired set is never handed out again");
            sets.retire(s);
            pool.giveBack(s.slot);
        }
        for (int attempt = 0; attempt < 50 && (handlers.stream().anyMatch(r -> r.get() != null)
                || classes.stream().anyMatch(r -> r.get() != null)); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, handlers.stream().filter(r -> r.get() != null).count(), "handlers of retired sets still held");
        assertEquals(0, classes.stream().filter(r -> r.get() != null).count(), "classes of retired sets still loaded");
    }
}
