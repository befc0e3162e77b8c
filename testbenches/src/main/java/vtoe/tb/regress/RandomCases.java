package vtoe.tb.regress;

import java.util.List;
import java.util.function.Function;
import vtoe.model.txn.Observed;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterScenario;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.fetch.FetchScenario;
import vtoe.tb.fetch.FetchTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.world.WorldScenario;
import vtoe.tb.world.WorldTb;

/**
 * The constrained-random lockstep cases, written once and run two ways: by their JUnit tests
 * ({@code FetchRandomIT}, {@code AdapterRandomIT}, {@code WorldRandomIT}) and by {@code ./scripts/regress}.
 * A case throws on any failure; otherwise it reports what it ran. The REPRODUCE line of a regression
 * run therefore names the JUnit test, and that test re-runs exactly the same case.
 */
public final class RandomCases {
    /** What one passing run did. */
    public record Outcome(String config, long cycles, long compared, java.util.Set<String> coverage) {}

    /** One case: its JUnit home and the code. */
    public enum Case {
        FETCH("FetchRandomIT", "randomChains", RandomCases::fetch),
        ADAPTER("AdapterRandomIT", "randomTraffic", RandomCases::adapter),
        WORLD("WorldRandomIT", "randomWorld", RandomCases::world),
        FAULTS("FaultRandomIT", "randomFault", RandomCases::faults);

        public final String testClass;
        public final String method;
        private final Function<SimRun, Outcome> body;

        Case(String testClass, String method, Function<SimRun, Outcome> body) {
            this.testClass = testClass;
            this.method = method;
            this.body = body;
        }

        public Outcome run(SimRun run) {
            return body.apply(run);
        }

        public static Case named(String name) {
            for (Case c : values()) {
                if (c.name().equalsIgnoreCase(name) || c.testClass.equalsIgnoreCase(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no random case " + name + "; there are " + List.of(values()));
        }
    }

    private RandomCases() {}

    /** Attaches the scenario's description to a failure, so the report shows what was run. */
    private static RuntimeException annotate(Throwable e, String describe) {
        e.addSuppressed(new RuntimeException("scenario:" + describe, null, false, false) {});
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new RuntimeException(e);
    }

    public static Outcome fetch(SimRun run) {
        FetchScenario sc = FetchScenario.generate(FetchTb.elaboratedParams(), run.seed());
        try (FetchTb tb = new FetchTb(run, sc.timing)) {
            try {
                sc.apply(tb);
                tb.finish(2_000_000);
                sc.verify(tb);
            } catch (RuntimeException | AssertionError e) {
                throw annotate(e, sc.describe());
            }
            long outputs = tb.descs.size() + tb.events.size() + tb.reads.size() + tb.csrResps.size();
            if (tb.lockstep.compared() != outputs) {
                throw new AssertionError("the scoreboard compared " + tb.lockstep.compared() + " transactions, the ports carried "
                        + outputs + "\n" + run.context());
            }
            return new Outcome(sc.describe(), tb.dut.cycle(), tb.lockstep.compared(), java.util.Set.of());
        }
    }

    /**
     * One run in {@value #ORDINARY_STOP_ONE_IN} of the ordinary random cases also stops one connection with
     * bad input, so that every stop cause is reached by ordinary traffic too, not by the fault case alone.
     * Drawn from a stream of its own, so the other runs' seeds keep their meaning.
     */
    static final int ORDINARY_STOP_ONE_IN = 4;

    static boolean ordinaryStop(long seed) {
        return new vtoe.tb.stim.RunStreams(seed).stream("ordinary-stop").nextInt(ORDINARY_STOP_ONE_IN) == 0;
    }

    /**
     * One run in {@value #DESCRIPTOR_ERROR_ONE_IN} of the ordinary adapter runs that stop nothing has its driver
     * write one bad descriptor ({@link DescriptorFault}) into one connection's chain, among its first four: the
     * full adapter must report exactly that error, send exactly the bytes before it and serve the other
     * connections as if nothing happened (the fetch's random test does this on the fetch alone).
     */
    static final int DESCRIPTOR_ERROR_ONE_IN = 4;

    public static Outcome adapter(SimRun run) {
        if (ordinaryStop(run.seed())) {
            return injected(run, true);
        }
        AdapterScenario sc = AdapterScenario.generate(AdapterTb.elaboratedParams(), run.seed());
        org.apache.commons.rng.UniformRandomProvider descRng = new vtoe.tb.stim.RunStreams(run.seed()).stream("ordinary-descriptor-error");
        AdapterScenario.Part victim = null;
        DescriptorFault badDesc = null;
        int badIndex = 0;
        if (descRng.nextInt(DESCRIPTOR_ERROR_ONE_IN) == 0) {
            victim = sc.parts.get(descRng.nextInt(sc.parts.size()));
            List<DescriptorFault> kinds = DescriptorFault.of(victim.setup().mode());
            badDesc = kinds.get(descRng.nextInt(kinds.size()));
            badIndex = descRng.nextInt((int) Math.min(4, (victim.bytes() + victim.blockBytes() - 1) / victim.blockBytes()));
        }
        String describe = sc.describe() + (badDesc == null ? "" : "\n    bad descriptor: " + badDesc + " as descriptor " + badIndex
                + " of connection " + victim.setup().conn() + " (expect " + badDesc.expect + ")");
        FunctionalCoverage cov = new FunctionalCoverage();
        cov.timing(sc.timing);
        try (AdapterTb tb = new AdapterTb(run, sc.timing)) {
            tb.h.onTrace(cov::trace);
            // Indices among the CSR answers of the accesses that must be refused, once made (below).
            List<Integer> refused = new java.util.ArrayList<>();
            // The bad descriptor's stream offset: where the victim's delivered bytes must end (-1 until it is written).
            long[] badEnd = {-1};
            try {
                for (AdapterScenario.Part pt : sc.parts) {
                    ConnSetup s = pt.setup();
                    cov.connection(s.conn(), s.mode(), s.mss());
                }
                if (badDesc != null) {
                    DescriptorFault f = badDesc;
                    int v = victim.setup().conn();
                    int iss = victim.setup().iss();
                    tb.poisonDescriptor(v, badIndex, (d, slotVa) -> {
                        badEnd[0] = Integer.toUnsignedLong(d.seq() - iss) + (f.sent ? Integer.toUnsignedLong(d.size()) : 0);
                        return f.apply(d, slotVa, tb.regionVa(v), tb.params.maxBlockBytes());
                    });
                }
                sc.apply(tb);
                // One run in two also receives a few frames to count and drop (its own stream: the rest of the run is unchanged).
                org.apache.commons.rng.UniformRandomProvider strayRng = new vtoe.tb.stim.RunStreams(run.seed()).stream("stray-rx");
                if (strayRng.nextBoolean()) {
                    List<ConnSetup> conns = sc.parts.stream().map(AdapterScenario.Part::setup).toList();
                    for (StrayFrames.Stray st : StrayFrames.draw(conns, strayRng)) {
                        tb.sched.after(st.after(), () -> tb.rx.send(st.frame(), tb.sched.now()));
                    }
                }
                // One run in two the driver also reads and writes a register of a connection past the last: numConns itself
                // (whose low bits alias connection 0) or a little beyond; and writes an RTO of 2^32 cycles or more (whose low
                // 32 bits may be zero) to a connection it has not opened. All three must be refused (its own stream).
                org.apache.commons.rng.UniformRandomProvider csrRng = new vtoe.tb.stim.RunStreams(run.seed()).stream("bad-csr-conn");
                boolean badCsr = csrRng.nextBoolean();
                if (badCsr) {
                    int past = tb.params.numConns() + (csrRng.nextBoolean() ? 0 : csrRng.nextInt(4));
                    int reg = csrRng.nextInt(vtoe.model.adapter.CsrMap.SND_MAX + 1);
                    java.util.Set<Integer> open = new java.util.HashSet<>();
                    sc.parts.forEach(pt -> open.add(pt.setup().conn()));
                    int free = csrRng.nextInt(tb.params.numConns());
                    while (open.contains(free)) {
                        free = (free + 1) % tb.params.numConns();
                    }
                    int unused = free;
                    long hugeRto = (1L + csrRng.nextInt(0xffff)) << 32 | (csrRng.nextBoolean() ? 0 : 1 + csrRng.nextInt(20_000));
                    tb.sched.after(100 + csrRng.nextInt(20_000), () -> {
                        refused.add(tb.csrRequest(vtoe.model.txn.CsrRequest.read(vtoe.model.adapter.CsrMap.conn(past, reg))));
                        refused.add(tb.csrWrite(past, vtoe.model.adapter.CsrMap.MSS, 1460));
                        refused.add(tb.csrWrite(unused, vtoe.model.adapter.CsrMap.RTO, hugeRto));
                    });
                }
                if (badDesc == null) {
                    tb.finish(30_000_000);
                } else {
                    int v = victim.setup().conn();
                    tb.finish(() -> sc.parts.stream().allMatch(pt -> pt.setup().conn() == v || tb.delivered(pt.setup().conn()))
                            && tb.events.stream().anyMatch(o -> o.txn().conn() == v) && badEnd[0] >= 0
                            && tb.bytesCompleted(v) == badEnd[0] && tb.peer(v).receiver().bytesReceived() == badEnd[0]
                            && tb.quiescent(), 30_000_000);
                    tb.teardown(v);
                    List<vtoe.model.txn.AdapterEvent> mine = tb.events.stream().map(Observed::txn).filter(e -> e.conn() == v).toList();
                    if (mine.size() != 1 || mine.get(0).code() != badDesc.expect.code()) {
                        throw new AssertionError("connection " + v + " reported " + mine + " for a bad descriptor that should give exactly one "
                                + badDesc.expect + "\n" + run.context());
                    }
                    othersIntactNoPinLeft(tb, sc, v, run);
                }
                if (badCsr) {
                    // The accesses may come after the last byte (the end check has closed s_axis_rx by now, which a CSR
                    // access does not need): clock on until all three are answered.
                    tb.finish(() -> refused.size() == 3 && tb.csrResps.size() > refused.get(2) && tb.quiescent(), 1_000_000);
                }
            } catch (RuntimeException | AssertionError e) {
                throw annotate(e, describe);
            }
            for (int i : refused) {
                if (i >= tb.csrResps.size() || tb.csrResps.get(i).txn().ok()) {
                    throw annotate(new AssertionError("a CSR access that must be refused (a connection past the last, or an RTO of 2^32 cycles or more) was not: "
                            + (i < tb.csrResps.size() ? tb.csrResps.get(i) : "no answer") + "\n" + run.context()), describe);
                }
            }
            tb.events.stream().map(Observed::txn).forEach(cov::event);
            cov.strays(tb.h.strayEvents());
            int victimConn = victim == null ? -1 : victim.setup().conn();
            if (tb.events.stream().anyMatch(o -> o.txn().conn() != victimConn)) {
                throw new AssertionError("events on connections without bad input: " + tb.events + "\n" + run.context());
            }
            return new Outcome(describe, tb.dut.cycle(), tb.lockstep.compared(), cov.hits());
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After a run with bad input on {@code victim}: every other connection's stream arrived intact, and no pin is left. */
    private static void othersIntactNoPinLeft(AdapterTb tb, AdapterScenario sc, int victim, SimRun run) {
        for (AdapterScenario.Part pt : sc.parts) {
            int c = pt.setup().conn();
            if (c != victim && !tb.peer(c).receiver().sha256().equals(tb.sentSha256(c))) {
                throw new AssertionError("connection " + c + "'s stream differs from what was sent\n" + run.context());
            }
        }
        if (tb.host.pinsOutstanding() != 0) {
            throw new AssertionError("pins left: " + tb.host.pinReport() + "\n" + run.context());
        }
    }

    /** The bad input a {@link #faults} run injects into one connection (its victim). */
    public enum Fault {
        HOST_FAULT, HOST_BAD_RESPONSE, DMA_READ_ERROR, RETRY_LIMIT, ACK_ABOVE,
        /** Not bad input: the driver disables the connection while it sends (an ordinary stop only). */
        CSR_DISABLE
    }

    /** One ordinary stop in {@value #DISABLE_ONE_IN} is the driver disabling the victim in mid-send rather than bad input. */
    static final int DISABLE_ONE_IN = 4;

    /**
     * Random traffic with one bad input aimed at one connection, chosen among what its mode can
     * receive: a FAULT answer, a malformed answer, a failing payload read, a peer that vanishes, an ACK
     * above anything sent. The victim must report exactly that (and stop, where it stops); every other
     * connection's stream must arrive intact; no pin may be left; the lockstep must agree throughout.
     */
    public static Outcome faults(SimRun run) {
        return injected(run, false);
    }

    /**
     * The stops a connection in {@code mode} can report: every cause the design allows there (PUSH
     * never reads payload, so no read error). PREPINNED reaches a host fault or a malformed answer
     * through a retransmission's request only.
     */
    static List<Fault> stopsOf(int mode) {
        List<Fault> l = new java.util.ArrayList<>(List.of(Fault.HOST_FAULT, Fault.HOST_BAD_RESPONSE, Fault.RETRY_LIMIT));
        if (mode != vtoe.model.adapter.CsrMap.MODE_PUSH) {
            l.add(Fault.DMA_READ_ERROR);
        }
        return l;
    }

    /**
     * {@link #faults}, or with {@code ordinary} the stop an ordinary random case injects: drawn from
     * streams of its own ({@code ordinary-fault}), uniformly among the stops the victim's mode allows,
     * so that its runs are not copies of the fault case's.
     */
    private static Outcome injected(SimRun run, boolean ordinary) {
        AdapterScenario sc = AdapterScenario.generate(AdapterTb.elaboratedParams(), run.seed());
        org.apache.commons.rng.UniformRandomProvider rng = new vtoe.tb.stim.RunStreams(run.seed())
                .stream(ordinary ? "ordinary-fault" : "fault-injection");
        AdapterScenario.Part victim = sc.parts.get(rng.nextInt(sc.parts.size()));
        int v = victim.setup().conn();
        int mode = victim.setup().mode();
        boolean viaRetransmission = mode == vtoe.model.adapter.CsrMap.MODE_PREPINNED;
        Fault drawn;
        if (ordinary) {
            List<Fault> stops = stopsOf(mode);
            drawn = stops.get(rng.nextInt(stops.size()));
            // A stream of its own, so that the runs it leaves alone draw what they drew before.
            if (new vtoe.tb.stim.RunStreams(run.seed()).stream("ordinary-disable").nextInt(DISABLE_ONE_IN) == 0) {
                drawn = Fault.CSR_DISABLE;
            }
        } else {
            List<Fault> possible = new java.util.ArrayList<>(List.of(Fault.RETRY_LIMIT, Fault.ACK_ABOVE, Fault.HOST_BAD_RESPONSE));
            if (!viaRetransmission) {
                possible.add(Fault.HOST_FAULT);
            } else {
                possible.remove(Fault.HOST_BAD_RESPONSE);
            }
            if (mode != vtoe.model.adapter.CsrMap.MODE_PUSH) {
                possible.add(Fault.DMA_READ_ERROR); // PUSH never reads payload
            }
            drawn = possible.get(rng.nextInt(possible.size()));
            // PREPINNED first sends never ask the host, so a host fault or a malformed answer can only hit a
            // retransmission's request: two runs in five with a PREPINNED victim lose one of its frames and fault
            // that request instead. Drawn from a stream of its own after the draw above, so that seeds kept as
            // regressions (FaultRandomIT#knownSeeds) still inject what they did.
            if (viaRetransmission && (drawn == Fault.RETRY_LIMIT || drawn == Fault.ACK_ABOVE)) {
                int r = new vtoe.tb.stim.RunStreams(run.seed()).stream("fault-injection-retx").nextInt(5);
                drawn = r == 0 ? Fault.HOST_FAULT : r == 1 ? Fault.HOST_BAD_RESPONSE : drawn;
            }
        }
        Fault fault = drawn;
        // When a CSR_DISABLE lands: from the first cycles of the send to well after a short stream has gone.
        long disableAfter = 50 + new vtoe.tb.stim.RunStreams(run.seed()).stream("ordinary-disable-at").nextInt(30_000);
        int segments = Math.max(1, (victim.bytes() + victim.setup().mss() - 1) / victim.setup().mss());
        int k = rng.nextInt(Math.min(3, segments));
        int pagesBefore = 0;
        for (AdapterScenario.Part pt : sc.parts) {
            if (pt == victim) {
                break;
            }
            pagesBefore += pt.pages();
        }
        // Segment k's first byte, counted from the start of the victim's first page (its buffer may start inside one).
        long segAt = victim.pageOffset() + (long) k * victim.setup().mss();
        int badPage = pagesBefore + (int) (segAt / vtoe.tb.adapter.HostStub.PAGE);
        boolean hostFault = fault == Fault.HOST_FAULT || fault == Fault.HOST_BAD_RESPONSE;
        // Which of the victim's host requests the fault hits: the k-th, or under PREPINNED the first, the
        // retransmission of its k-th frame, which the link loses.
        int request = viaRetransmission ? 0 : k;
        // A failing payload read: the whole page, or (every other run) one beat of it among the first bytes segment k
        // reads there, so the error falls on any beat of a burst, not only on its last or first (mutants M13, M14).
        // Drawn from a stream of its own, so kept seeds draw everything else as before.
        int beatBytes = AdapterTb.elaboratedParams().dataBytes();
        org.apache.commons.rng.UniformRandomProvider beatRng = new vtoe.tb.stim.RunStreams(run.seed()).stream("fault-injection-beat");
        long segOff = segAt % vtoe.tb.adapter.HostStub.PAGE / beatBytes * beatBytes;
        long span = Math.max(1, Math.min(victim.setup().mss(), vtoe.tb.adapter.HostStub.PAGE - segOff) / beatBytes);
        long oneBeat = beatRng.nextBoolean() ? segOff + beatBytes * beatRng.nextLong(span) : -1;
        String errorAt = oneBeat < 0 ? "its whole page" : "one beat at page offset " + oneBeat;
        String describe = sc.describe() + (ordinary ? "\n    ordinary stop" : "") + "\n    fault: " + fault + " on connection " + v + " at its segment/page " + k
                + (viaRetransmission && hostFault ? " (its frame " + k + " lost, the retransmission's host request faulted)" : "")
                + " (mode " + victim.setup().modeName() + ")" + (fault == Fault.DMA_READ_ERROR ? ", failing read: " + errorAt : "")
                + (fault == Fault.CSR_DISABLE ? ", the driver disables it " + disableAfter + " cycles into the send" : "");
        FunctionalCoverage cov = new FunctionalCoverage();
        cov.timing(sc.timing);
        java.util.function.Function<vtoe.tb.adapter.HostStub, List<vtoe.cosim.AxiReadResponder.ErrorRange>> errors = h -> fault
                != Fault.DMA_READ_ERROR ? List.of() : oneBeat < 0
                ? List.of(new vtoe.cosim.AxiReadResponder.ErrorRange(h.frameAt(badPage), h.frameAt(badPage) + vtoe.tb.adapter.HostStub.PAGE, 2))
                : List.of(new vtoe.cosim.AxiReadResponder.ErrorRange(h.frameAt(badPage) + oneBeat, h.frameAt(badPage) + oneBeat + beatBytes, 2));
        try (AdapterTb tb = new AdapterTb(run, sc.timing, errors)) {
            tb.h.onTrace(cov::trace);
            int[] seen = {0};
            switch (fault) {
                case HOST_FAULT -> tb.host.faultIf(r -> r.conn() == v && seen[0]++ == request);
                case HOST_BAD_RESPONSE -> {
                    // Which malformed answer: each way an answer can fail to fit its request.
                    int how = rng.nextInt(3);
                    tb.host.misbehave(r -> {
                        if (r.conn() != v || seen[0]++ != request) {
                            return null;
                        }
                        int d = tb.params.dataBytes();
                        vtoe.model.txn.Bytes zero = vtoe.model.txn.Bytes.wrap(new byte[d]);
                        if (mode == vtoe.model.adapter.CsrMap.MODE_PUSH) {
                            int need = (r.len() + d - 1) / d;
                            // One beat too many, or last one beat early (when there is more than one).
                            int beats = how == 0 || need == 1 ? need + 1 : need - 1;
                            List<vtoe.model.txn.HostResponse> l = new java.util.ArrayList<>();
                            for (int i = 0; i < beats; i++) {
                                l.add(new vtoe.model.txn.HostResponse(r.tag(), vtoe.model.txn.HostResponse.OK, zero, 0, 0, i == beats - 1));
                            }
                            return l;
                        }
                        // The host believes it pinned the range, so the adapter's release must still come.
                        tb.host.grantAnyway(r);
                        long pa = 0x300_0000;
                        return switch (how) {
                            case 0 -> List.of(new vtoe.model.txn.HostResponse(r.tag(), vtoe.model.txn.HostResponse.OK, zero, pa, 0, true));
                            case 1 -> List.of(new vtoe.model.txn.HostResponse(r.tag(), vtoe.model.txn.HostResponse.OK, zero, pa,
                                    r.len() + 1, true)); // longer than asked
                            default -> r.len() < 2
                                    ? List.of(new vtoe.model.txn.HostResponse(r.tag(), vtoe.model.txn.HostResponse.OK, zero, pa, 0, true))
                                    : List.of(new vtoe.model.txn.HostResponse(r.tag(), vtoe.model.txn.HostResponse.OK, zero, pa,
                                            r.len() - 1, true)); // last, but short of the request
                        };
                    });
                }
                default -> {
                }
            }
            try {
                for (AdapterScenario.Part pt : sc.parts) {
                    cov.connection(pt.setup().conn(), pt.setup().mode(), pt.setup().mss());
                }
                sc.apply(tb);
                if (fault == Fault.RETRY_LIMIT) {
                    int[] frames = {0};
                    tb.peer(v).toPeer().dropIf(f -> frames[0]++ >= k);
                }
                if (viaRetransmission && hostFault) {
                    int[] frames = {0};
                    tb.peer(v).toPeer().dropIf(f -> frames[0]++ == k);
                }
                // The injected ACK's cycle: a short stream may be delivered before it arrives, and the run must not end before the
                // adapter has had it (the harness settles every queued input before it judges the end).
                long[] ackAt = {Long.MAX_VALUE};
                if (fault == Fault.ACK_ABOVE) {
                    ConnSetup s = victim.setup();
                    vtoe.model.net.TcpFrame ack = new vtoe.model.net.TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64, true,
                            s.peerPort(), s.ourPort(), 0x10000, s.iss() + 0x4000_0000, vtoe.model.net.TcpFrame.ACK, 1000,
                            vtoe.model.txn.Bytes.wrap(new byte[0]));
                    tb.sched.after(500 + rng.nextInt(5000), () -> {
                        tb.rx.send(ack.encode(), tb.sched.now());
                        ackAt[0] = tb.sched.now();
                    });
                }
                // The driver's CTRL write that disables the victim: the index of its answer among the CSR answers, once written.
                int[] disableAnswer = {-1};
                if (fault == Fault.CSR_DISABLE) {
                    tb.sched.after(disableAfter, () -> {
                        disableAnswer[0] = tb.csrWrite(v, vtoe.model.adapter.CsrMap.CTRL, vtoe.model.adapter.CsrMap.ctrl(false, mode));
                    });
                }
                boolean stops = fault != Fault.ACK_ABOVE;
                java.util.function.IntPredicate others = c -> c == v || tb.delivered(c);
                tb.finish(() -> sc.parts.stream().allMatch(pt -> others.test(pt.setup().conn()))
                        && (fault == Fault.CSR_DISABLE ? disableAnswer[0] >= 0 && tb.csrResps.size() > disableAnswer[0]
                                : stops ? tb.events.stream().anyMatch(o -> o.txn().conn() == v) || tb.delivered(v) : tb.delivered(v))
                        && (fault != Fault.ACK_ABOVE || ackAt[0] != Long.MAX_VALUE && tb.sched.now() > ackAt[0] + 10_000)
                        && !tb.model.csu().busy(v) && tb.quiescent(), 40_000_000);
                if (ordinary && fault != Fault.CSR_DISABLE) {
                    // The driver disables the stopped connection, as it would before it reuses the number: a stop
                    // request for a connection the unit has already stopped (or, had it finished, one that is idle).
                    int answer = tb.csrWrite(v, vtoe.model.adapter.CsrMap.CTRL, vtoe.model.adapter.CsrMap.ctrl(false, mode));
                    disableAnswer[0] = answer;
                    tb.finish(() -> tb.csrResps.size() > answer && !tb.model.csu().busy(v) && tb.quiescent(), 1_000_000);
                }
                if (disableAnswer[0] >= 0 && !tb.csrResps.get(disableAnswer[0]).txn().ok()) {
                    throw new AssertionError("disabling connection " + v + " was refused: " + tb.csrResps.get(disableAnswer[0]) + "\n"
                            + run.context());
                }
                tb.teardown(v);
                List<vtoe.model.txn.AdapterEvent> mine = tb.events.stream().map(Observed::txn).filter(e -> e.conn() == v).toList();
                mine.forEach(cov::event);
                cov.strays(tb.h.strayEvents());
                if (fault == Fault.CSR_DISABLE) {
                    // Disabled, not failed: at most the fetch cut short and doorbells rung for it afterwards, and what
                    // arrived is exactly the start of what was sent.
                    java.util.Set<Integer> allowed = java.util.Set.of(vtoe.model.txn.EventCode.CONN_DISABLED.code(),
                            vtoe.model.txn.EventCode.DOORBELL_DISABLED.code());
                    if (mine.stream().anyMatch(e -> !allowed.contains(e.code()))) {
                        throw new AssertionError("connection " + v + ", disabled by its driver, reported " + mine + "\n" + run.context());
                    }
                    long got = tb.peer(v).receiver().bytesReceived();
                    byte[] d = sc.payload(victim);
                    String prefix = java.util.HexFormat.of().formatHex(sha256(java.util.Arrays.copyOf(d, (int) got)));
                    if (got > d.length || !prefix.equals(tb.peer(v).receiver().sha256())) {
                        throw new AssertionError("connection " + v + " was disabled after " + got + " of " + d.length
                                + " bytes arrived, and they are not the stream's first " + got + " bytes\n" + run.context());
                    }
                } else if (stops && !mine.isEmpty()) {
                    String want = fault.name();
                    if (!mine.get(0).eventCode().name().equals(want)) {
                        throw new AssertionError("connection " + v + " reported " + mine + " for injected " + fault + "\n" + run.context());
                    }
                    // What may follow a stop: the same error from other reads in flight, the fetch cut short, and
                    // doorbells the testbench's driver still rings for the stopped connection.
                    java.util.Set<Integer> after = java.util.Set.of(mine.get(0).code(), vtoe.model.txn.EventCode.CONN_DISABLED.code(),
                            vtoe.model.txn.EventCode.DOORBELL_DISABLED.code());
                    if (mine.stream().skip(1).anyMatch(e -> !after.contains(e.code()))) {
                        throw new AssertionError("after its stop connection " + v + " reported more: " + mine + "\n" + run.context());
                    }
                } else if (stops && !tb.delivered(v)) {
                    throw new AssertionError("connection " + v + " neither reported " + fault + " nor delivered\n" + run.context());
                }
                if (fault == Fault.ACK_ABOVE && tb.model.csu().ackAbove() == 0) {
                    throw new AssertionError("the ACK above sndNxt (injected at cycle " + ackAt[0] + ") was not counted; ACKs the unit applied: "
                            + tb.trace.stream().filter(r -> r.op() == vtoe.model.adapter.Op.ACK.code && r.conn() == v).toList() + "\n"
                            + run.context());
                }
                if (tb.events.stream().anyMatch(o -> o.txn().conn() != v)) {
                    throw new AssertionError("events on connections without bad input: " + tb.events + "\n" + run.context());
                }
                othersIntactNoPinLeft(tb, sc, v, run);
            } catch (RuntimeException | AssertionError e) {
                throw annotate(e, describe);
            }
            return new Outcome(describe, tb.dut.cycle(), tb.lockstep.compared(), cov.hits());
        }
    }

    /**
     * Random end-to-end traffic. One run in {@value #ORDINARY_STOP_ONE_IN} also stops one connection
     * the way a world can: the application unmaps a page of its buffer under a PUSH or TRANSLATE send
     * (the driver answers FAULT), or the peer vanishes after a few frames (RETRY_LIMIT, any mode). The
     * victim must report exactly that, and everything else must pass as in any other run. Read errors
     * and malformed answers need a host that lies, which the world's driver never does; the adapter
     * case injects those.
     */
    public static Outcome world(SimRun run) {
        WorldScenario sc = new WorldScenario(AdapterTb.elaboratedParams(), run.seed());
        FunctionalCoverage cov = new FunctionalCoverage();
        cov.timing(sc.adapter.timing);
        WorldStop stop = ordinaryStop(run.seed()) ? WorldStop.draw(sc, run.seed()) : null;
        String describe = sc.describe() + (stop == null ? "" : "\n    ordinary stop: " + stop);
        try (WorldTb tb = new WorldTb(run, sc.adapter.timing, sc.world)) {
            tb.h.onTrace(cov::trace);
            try {
                for (AdapterScenario.Part pt : sc.adapter.parts) {
                    ConnSetup s = pt.setup();
                    cov.connection(s.conn(), s.mode(), s.mss());
                }
                sc.apply(tb);
                if (stop != null) {
                    stop.inject(tb);
                }
                tb.finish(40_000_000);
                tb.events.stream().map(Observed::txn).forEach(cov::event);
                cov.strays(tb.h.strayEvents());
                if (stop == null) {
                    if (!tb.events.isEmpty()) {
                        throw new AssertionError("events in a run without bad input: " + tb.events + "\n" + tb.h.run().context());
                    }
                    if (!tb.world.figures().sha256Match() || tb.h.lockstep.compared() == 0) {
                        throw new AssertionError("stream mismatch or nothing compared\n" + tb.h.run().context());
                    }
                } else {
                    stop.check(tb);
                }
            } catch (RuntimeException | AssertionError e) {
                throw annotate(e, describe);
            }
            return new Outcome(describe, tb.h.dut.cycle(), tb.h.lockstep.compared(), cov.hits());
        }
    }
}
