package org.jftrace.bench;

import java.util.List;

import org.jftrace.bench.RowSpec.Fork;
import org.jftrace.bench.RowSpec.Section;

/**
 * The per-call rows with a JMH class of their own, because what they call differs from
 * {@link HookRow}'s {@link Target#compute}: a hand-written prologue (limit rows), a JDK method (boot
 * rows), a recursive method (rec rows), a direct call of the replacement (ipDirect), or forks
 * without jftrace (peer rows). A constant names the class; the row's name (the constant's name in
 * lower camel case) is also the class's {@code @Benchmark} method. Adding such a row: its class and
 * one constant here. Host-side code: the classes are named, never initialised here.
 */
enum SoloRow {
    LIMIT(LimitRow.class, Section.LIMITS, Fork.AGENT),
    LIMIT_CHECK(LimitCheckRow.class, Section.LIMITS, Fork.AGENT),
    LIMIT_BRANCH(LimitBranchRow.class, Section.LIMITS, Fork.AGENT),
    GUARDED_VIRTUAL(GuardedVirtualRow.class, Section.HOOKS, Fork.AGENT, Check.ZERO_ALLOC),

    LIMIT_EXIT(LimitExitRow.class, Section.EXITS, Fork.AGENT),
    LIMIT_TIMING(LimitTimingRow.class, Section.EXITS, Fork.AGENT),

    LIMIT_CLOCK(LimitClockRow.class, Section.TRACERS, Fork.AGENT),

    BOOT_NO_HOOK(BootNoHookRow.class, Section.BOOT, Fork.AGENT),
    BOOT_SAFE(BootSafeRow.class, Section.BOOT, Fork.AGENT,
            Check.delta("bootNoHook", 1.5, "(informative) static-call hook of a boot class, RECURSION_SAFE: ~1.5 ns expected"),
            Check.ZERO_ALLOC),
    BOOT_GUARDED(BootGuardedRow.class, Section.BOOT, Fork.AGENT, Check.ZERO_ALLOC),

    IP_DIRECT(IpDirectRow.class, Section.REDIRECT, Fork.AGENT),

    PEER_NO_HOOK(NoAgentPeer.class, Section.PEERS, Fork.NO_AGENT),
    BB_EMPTY(BbEmptyPeer.class, Section.PEERS, Fork.NO_AGENT),
    BB_TIMING(BbTimingPeer.class, Section.PEERS, Fork.NO_AGENT),
    BB_ARGS(BbArgsPeer.class, Section.PEERS, Fork.NO_AGENT,
            Check.share("saveRegsRead", "noHook", "peerNoHook", 0.5,
                    "SAVE_REGS reading two arguments costs at most half of Byte Buddy's @AllArguments advice (issue 5)")),
    JFR_TRACE(JfrTracePeer.class, Section.PEERS, Fork.NO_AGENT_JDK25),
    JFR_TRACE_STACK(JfrTraceStackPeer.class, Section.PEERS, Fork.NO_AGENT_JDK25),
    JFR_TIMING(JfrTimingPeer.class, Section.PEERS, Fork.NO_AGENT_JDK25),

    REC_NO_HOOK(RecNoHookRow.class, Section.RECURSIVE, Fork.AGENT),
    REC_SAFE(RecSafeRow.class, Section.RECURSIVE, Fork.AGENT, Check.ZERO_ALLOC),
    REC_BB_EMPTY(RecBbEmptyPeer.class, Section.RECURSIVE, Fork.NO_AGENT),
    REC_JFR_TRACE(JfrRecTracePeer.class, Section.RECURSIVE, Fork.NO_AGENT_JDK25);

    private final Class<?> state;
    final Section section;
    private final Fork fork;
    private final List<Check> checks;

    SoloRow(Class<?> state, Section section, Fork fork, Check... checks) {
        this.state = state;
        this.section = section;
        this.fork = fork;
        this.checks = List.of(checks);
    }

    RowSpec spec() {
        String name = RowSpec.camel(name());
        return new RowSpec(name, section, fork, state.getName() + "." + name, null, checks);
    }
}
