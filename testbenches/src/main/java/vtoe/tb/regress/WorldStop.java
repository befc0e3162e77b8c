package vtoe.tb.regress;

import java.util.List;
import java.util.Set;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.adapter.CsrMap;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.Observed;
import vtoe.model.world.Driver;
import vtoe.tb.adapter.AdapterScenario;
import vtoe.tb.stim.RunStreams;
import vtoe.tb.world.WorldScenario;
import vtoe.tb.world.WorldTb;

/**
 * The stop an ordinary {@link RandomCases#world} run may inject into one connection (its victim), in
 * a way the world itself can produce: the application unmaps one page of its send buffer before the
 * adapter asks for it (the driver answers FAULT; PUSH and TRANSLATE only, since PREPINNED pins its
 * blocks when it posts them), or the peer vanishes after its first {@code frames} frames, so the
 * adapter retransmits until its retry limit (any mode).
 *
 * @param victim the connection stopped
 * @param mode its mode (CsrMap)
 * @param fault HOST_FAULT or RETRY_LIMIT
 * @param at the page of the victim's buffer unmapped (HOST_FAULT), or the frames the peer still gets (RETRY_LIMIT)
 */
record WorldStop(int victim, int mode, RandomCases.Fault fault, int at) {
    WorldStop {
        if (fault != RandomCases.Fault.HOST_FAULT && fault != RandomCases.Fault.RETRY_LIMIT) {
            throw new IllegalArgumentException("a world stops a connection with HOST_FAULT or RETRY_LIMIT, not " + fault);
        }
        if (fault == RandomCases.Fault.HOST_FAULT && mode == CsrMap.MODE_PREPINNED) {
            throw new IllegalArgumentException("a PREPINNED buffer is pinned when posted; unmapping it cannot fault the adapter");
        }
        if (at < 0) {
            throw new IllegalArgumentException("page or frame count >= 0: " + at);
        }
    }

    /** Draws the victim and its stop from the run's {@code ordinary-fault} stream. */
    static WorldStop draw(WorldScenario sc, long seed) {
        UniformRandomProvider rng = new RunStreams(seed).stream("ordinary-fault");
        AdapterScenario.Part v = sc.adapter.parts.get(rng.nextInt(sc.adapter.parts.size()));
        int mode = v.setup().mode();
        List<RandomCases.Fault> can = mode == CsrMap.MODE_PREPINNED ? List.of(RandomCases.Fault.RETRY_LIMIT)
                : List.of(RandomCases.Fault.HOST_FAULT, RandomCases.Fault.RETRY_LIMIT);
        RandomCases.Fault f = can.get(rng.nextInt(can.size()));
        int pages = (v.bytes() + Driver.PAGE - 1) / Driver.PAGE;
        int at = f == RandomCases.Fault.HOST_FAULT ? rng.nextInt(Math.min(pages, 8)) : rng.nextInt(3);
        return new WorldStop(v.setup().conn(), mode, f, at);
    }

    /** After the data is posted and before the run starts. */
    void inject(WorldTb tb) {
        switch (fault) {
            case HOST_FAULT -> tb.world.driver().addressSpace(victim).unmap(tb.world.driver().bufferBase(victim) + (long) at * Driver.PAGE,
                    Driver.PAGE);
            case RETRY_LIMIT -> {
                int[] frames = {0};
                tb.world.peer(victim).toPeer().dropIf(f -> frames[0]++ >= at);
            }
            default -> throw new IllegalStateException("unreachable: " + fault);
        }
    }

    /**
     * The victim reported exactly its stop (then at most the same error again, and the refusals of a
     * stopped connection), or delivered everything before the stop could bite; nobody else reported
     * anything. The world's own end checks (other streams intact, no pin left) ran in finish.
     */
    void check(WorldTb tb) {
        List<AdapterEvent> mine = tb.events.stream().map(Observed::txn).filter(e -> e.conn() == victim).toList();
        if (tb.events.stream().anyMatch(o -> o.txn().conn() != victim)) {
            throw new AssertionError("events on connections without bad input: " + tb.events + "\n" + tb.h.run().context());
        }
        if (mine.isEmpty()) {
            if (!tb.world.delivered(victim)) {
                throw new AssertionError("connection " + victim + " neither reported " + fault + " nor delivered\n" + tb.h.run().context());
            }
        } else {
            if (!mine.get(0).eventCode().name().equals(fault.name())) {
                throw new AssertionError("connection " + victim + " reported " + mine + " for injected " + fault + "\n" + tb.h.run().context());
            }
            Set<Integer> after = Set.of(mine.get(0).code(), EventCode.CONN_DISABLED.code(), EventCode.DOORBELL_DISABLED.code());
            if (mine.stream().skip(1).anyMatch(e -> !after.contains(e.code()))) {
                throw new AssertionError("after its stop connection " + victim + " reported more: " + mine + "\n" + tb.h.run().context());
            }
            if (!tb.world.driver().stopped(victim)) {
                throw new AssertionError("connection " + victim + " reported " + fault + " but the driver did not stop it\n"
                        + tb.h.run().context());
            }
        }
        if (tb.h.lockstep.compared() == 0) {
            throw new AssertionError("nothing compared\n" + tb.h.run().context());
        }
    }

    @Override
    public String toString() {
        return fault + " on connection " + victim + (fault == RandomCases.Fault.HOST_FAULT ? ", its buffer's page " + at + " unmapped"
                : ", its peer gone after " + at + " frame(s)");
    }
}
