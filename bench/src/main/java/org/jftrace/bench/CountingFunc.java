package org.jftrace.bench;

import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/** A callback that counts its calls: used only by set-up checks, never in a measured row. */
public final class CountingFunc implements FtraceFunc {
    private final AtomicLong hits = new AtomicLong();

    @Override
    public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        hits.incrementAndGet();
    }

    public long hits() {
        return hits.get();
    }
}
