package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vtoe.cosim.AxiReadResponder;
import vtoe.cosim.PausePattern;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.model.txn.Observed;
import vtoe.tb.fetch.FetchTb;
import vtoe.tb.junit.SimRun;

/**
 * Directed co-simulation tests of the descriptor fetch, one per rule of design brief section 3, with
 * the TLM in lockstep on every output. Each test also states its own expectation (descriptors,
 * events and the exact list of descriptor reads: nothing read past a bad point), so a bug shared by
 * the RTL and the TLM still fails.
 *
 * <p>Run just this: {@code ./scripts/test --only FetchDirectedIT} (add {@code -Dwaves=1} for FSTs
 * under testbenches/target/waves/FetchDirectedIT/).
 */
class FetchDirectedIT {
    static final long VA = 0x7f12_3400_0000L;
    static final long PA = 0x0010_0000L;
    static final int BYTES = 4096;
    static final int MAX = 65536;

    static long va(int slot) {
        return VA + 32L * slot;
    }

    static long pa(int slot) {
        return PA + 32L * slot;
    }

    static FetchTb tb(TestInfo info, FetchTb.Timing t) {
        return new FetchTb(SimRun.of("FetchDirectedIT", info.getTestMethod().orElseThrow().getName(), 0x1234), t);
    }

    static FetchTb tb(TestInfo info) {
        return tb(info, FetchTb.Timing.fast());
    }

    /** Writes a chain over the given slots (sizes, seqs from startSeq) and returns what must come out. */
    static List<FetchedDescriptor> chain(FetchTb tb, int conn, int startSeq, int[] slots, int[] sizes) {
        List<FetchedDescriptor> out = new ArrayList<>();
        int seq = startSeq;
        for (int i = 0; i < slots.length; i++) {
            long next = i + 1 < slots.length ? va(slots[i + 1]) : 0;
            long dataVa = 0x5555_0000_0000L + 0x10000L * i;
            Descriptor d = new Descriptor(dataVa, next, sizes[i], seq, 0x9000_0000L + i);
            tb.writeDescriptor(pa(slots[i]), d);
            out.add(new FetchedDescriptor(conn, va(slots[i]), dataVa, sizes[i], seq, 0x9000_0000L + i));
            seq += sizes[i];
        }
        return out;
    }

    static List<DmaReadRequest> readsOf(int... slots) {
        List<DmaReadRequest> r = new ArrayList<>();
        for (int s : slots) {
            r.add(new DmaReadRequest(0, pa(s), 3));
        }
        return r;
    }

    static <T> List<T> txns(List<Observed<T>> l) {
        return l.stream().map(Observed::txn).toList();
    }

    static AdapterEvent ev(int conn, EventCode c, long detail) {
        return new AdapterEvent(conn, c, detail);
    }

    // README: directed-test
    @Test
    void singleDescriptorIsFetchedAndHandedOn(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 1000);
            var expect = chain(tb, 0, 1000, new int[] {3}, new int[] {1460});
            tb.ring(0, va(3));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(expect);
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(3));
            assertThat(tb.events).isEmpty();
            assertThat(tb.csrResps).hasSize(7).allMatch(o -> o.txn().ok());
        }
    }
    // README-END

    @Test
    void chainFollowsLinksThroughTheRegion(TestInfo info) {
        try (FetchTb tb = tb(info, FetchTb.Timing.fast().withResponder(AxiReadResponder.Config.fixed(37)))) {
            tb.openConnection(1, VA, PA, BYTES, 7);
            int[] slots = {0, 127, 5, 64, 1, 2, 100, 99, 50, 3};
            int[] sizes = {1, MAX, MAX - 1, 1460, 1459, 1461, 4096, 2, 9000, 3};
            var expect = chain(tb, 1, 7, slots, sizes);
            tb.ring(1, va(0));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(expect);
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(slots));
            assertThat(tb.events).isEmpty();
        }
    }

    @Test
    void headOutsideTheRegionIsRefusedWithoutReading(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            tb.ring(0, VA - 32);
            tb.ring(0, VA + BYTES);
            tb.ring(0, 0x1000);
            tb.finish();
            assertThat(tb.reads).isEmpty();
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_OUT_OF_REGION, VA - 32),
                    ev(0, EventCode.DESC_OUT_OF_REGION, VA + BYTES), ev(0, EventCode.DESC_OUT_OF_REGION, 0x1000));
            assertThat(tb.descs).isEmpty();
        }
    }

    @Test
    void badLinkStopsTheChainAfterTheGoodDescriptors(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            var expect = chain(tb, 0, 0, new int[] {4, 9, 11}, new int[] {100, 200, 300});
            // The last good descriptor links out of the region.
            tb.writeDescriptor(pa(11), new Descriptor(0x5555_0002_0000L, VA + BYTES + 64, 300, 300, 0x9000_0002L));
            tb.ring(0, va(4));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(expect);
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(4, 9, 11));
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_OUT_OF_REGION, VA + BYTES + 64));
        }
    }

    @Test
    void misalignedHeadAndLinkAreRefused(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(2, VA, PA, BYTES, 0);
            tb.ring(2, va(1) + 8);
            chain(tb, 2, 0, new int[] {2}, new int[] {64});
            tb.writeDescriptor(pa(2), new Descriptor(0x5555_0000_0000L, va(3) + 4, 64, 0, 0x9000_0000L));
            tb.ring(2, va(2));
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(2, EventCode.DESC_MISALIGNED, va(1) + 8),
                    ev(2, EventCode.DESC_MISALIGNED, va(3) + 4));
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(2));
            assertThat(tb.descs).hasSize(1);
        }
    }

    @Test
    void loopsAreDetectedBeforeRereading(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            // Self loop at slot 10.
            tb.writeDescriptor(pa(10), new Descriptor(0x1000, va(10), 10, 0, 0));
            tb.ring(0, va(10));
            // Loop back to the middle: 20 -> 21 -> 22 -> 21. Seqs continue from 10 (the self loop's block).
            tb.writeDescriptor(pa(20), new Descriptor(0x2000, va(21), 10, 10, 0));
            tb.writeDescriptor(pa(21), new Descriptor(0x3000, va(22), 10, 20, 0));
            tb.writeDescriptor(pa(22), new Descriptor(0x4000, va(21), 10, 30, 0));
            tb.ring(0, va(20));
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_LOOP, va(10)), ev(0, EventCode.DESC_LOOP, va(21)));
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(10, 20, 21, 22));
            assertThat(tb.descs).hasSize(4);
        }
    }

    @Test
    void sequenceMustContinue(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 500);
            // First descriptor of a chain must start at DESC_SEQ.
            tb.writeDescriptor(pa(0), new Descriptor(0x1000, 0, 10, 499, 0));
            tb.ring(0, va(0));
            // Mid-chain gap: 500+10 expected at the second.
            tb.writeDescriptor(pa(1), new Descriptor(0x1000, va(2), 10, 500, 0));
            tb.writeDescriptor(pa(2), new Descriptor(0x2000, 0, 10, 511, 0));
            tb.ring(0, va(1));
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_BAD_SEQ, 499L << 32 | 500),
                    ev(0, EventCode.DESC_BAD_SEQ, 511L << 32 | 510));
            assertThat(txns(tb.descs)).extracting(FetchedDescriptor::seq).containsExactly(500);
        }
    }

    @Test
    void sequenceWrapsAroundTwoToTheThirtyTwo(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            int start = -100; // 2^32 - 100
            tb.openConnection(3, VA, PA, BYTES, start);
            var first = chain(tb, 3, start, new int[] {0, 1}, new int[] {60, 60});
            tb.ring(3, va(0));
            var second = chain(tb, 3, start + 120, new int[] {2}, new int[] {MAX});
            tb.ring(3, va(2));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactly(first.get(0), first.get(1), second.get(0));
            assertThat(Integer.toUnsignedLong(second.get(0).seq())).isEqualTo(20);
            assertThat(tb.events).isEmpty();
        }
    }

    @Test
    void sizeZeroAndOversizeAreRefused(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            tb.writeDescriptor(pa(0), new Descriptor(0x1000, 0, 0, 0, 0));
            tb.ring(0, va(0));
            tb.writeDescriptor(pa(1), new Descriptor(0x1000, 0, MAX + 1, 0, 0));
            tb.ring(0, va(1));
            tb.writeDescriptor(pa(2), new Descriptor(0x1000, 0, -1, 0, 0));
            tb.ring(0, va(2));
            tb.writeDescriptor(pa(3), new Descriptor(0x1000, 0, MAX, 0, 0));
            tb.ring(0, va(3));
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_BAD_SIZE, 0),
                    ev(0, EventCode.DESC_BAD_SIZE, MAX + 1), ev(0, EventCode.DESC_BAD_SIZE, 0xffffffffL));
            assertThat(txns(tb.descs)).extracting(FetchedDescriptor::size).containsExactly(MAX);
        }
    }

    @Test
    void dmaErrorStopsTheChainAndLaterChainsWork(TestInfo info) {
        var err = List.of(new AxiReadResponder.ErrorRange(pa(6), pa(6) + 32, 2));
        try (FetchTb tb = tb(info, FetchTb.Timing.fast().withResponder(AxiReadResponder.Config.fixed(9).withErrors(err)))) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            var good = chain(tb, 0, 0, new int[] {5, 6}, new int[] {100, 100});
            tb.ring(0, va(5));
            var after = chain(tb, 0, 100, new int[] {7}, new int[] {50});
            tb.ring(0, va(7));
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_DMA_ERROR, pa(6)));
            assertThat(txns(tb.descs)).containsExactly(good.get(0), after.get(0));
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(5, 6, 7));
        }
    }

    @Test
    void doorbellsForUnknownOrDisabledConnectionsAreRefused(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            int n = tb.params.numConns();
            tb.ring(n, VA);
            tb.ring(0xffff, VA + 32);
            tb.ring(1, VA + 64); // never enabled
            tb.finish();
            assertThat(txns(tb.events)).containsExactly(ev(n, EventCode.DOORBELL_BAD_CONN, VA),
                    ev(0xffff, EventCode.DOORBELL_BAD_CONN, VA + 32), ev(1, EventCode.DOORBELL_DISABLED, VA + 64));
            assertThat(tb.reads).isEmpty();
        }
    }

    @Test
    void connectionsInterleaveAndKeepTheirOwnSequence(TestInfo info) {
        try (FetchTb tb = tb(info, FetchTb.Timing.fast().withResponder(AxiReadResponder.Config.fixed(20)))) {
            List<FetchedDescriptor> all = new ArrayList<>();
            for (int c = 0; c < tb.params.numConns(); c++) {
                long va = VA + 0x100000L * c;
                long pa = PA + 0x10000L * c;
                tb.openConnection(c, va, pa, BYTES, 1000 * c);
            }
            for (int round = 0; round < 3; round++) {
                for (int c = 0; c < tb.params.numConns(); c++) {
                    long va = VA + 0x100000L * c;
                    long pa = PA + 0x10000L * c;
                    int slot = round * 2;
                    int seq = 1000 * c + round * 300;
                    tb.writeDescriptor(pa + 32L * slot, new Descriptor(0x100, va + 32L * (slot + 1), 100, seq, 0));
                    tb.writeDescriptor(pa + 32L * (slot + 1), new Descriptor(0x200, 0, 200, seq + 100, 0));
                    all.add(new FetchedDescriptor(c, va + 32L * slot, 0x100, 100, seq, 0));
                    all.add(new FetchedDescriptor(c, va + 32L * (slot + 1), 0x200, 200, seq + 100, 0));
                    tb.ring(c, va + 32L * slot);
                }
            }
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(all);
            assertThat(tb.events).isEmpty();
            // DESC_SEQ read back reflects what was consumed.
            for (int c = 0; c < tb.params.numConns(); c++) {
                tb.csr.push(CsrRequest.read(CsrMap.conn(c, CsrMap.DESC_SEQ)));
            }
            tb.finish();
            List<CsrResponse> reads = txns(tb.csrResps).subList(tb.csrResps.size() - tb.params.numConns(), tb.csrResps.size());
            for (int c = 0; c < tb.params.numConns(); c++) {
                assertThat(reads.get(c)).isEqualTo(new CsrResponse(1000L * c + 900, CsrResponse.OKAY));
            }
        }
    }

    @Test
    void strayReadDataIsDroppedWithAnEventAndTheFetchGoesOn(TestInfo info) {
        // The host memory answers the second descriptor read twice.
        var dup = AxiReadResponder.Config.fixed(6).withDuplicates(new PausePattern(new long[] {0b10}, 64));
        try (FetchTb tb = tb(info, FetchTb.Timing.fast().withResponder(dup))) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            var expect = chain(tb, 0, 0, new int[] {0, 1, 2, 3}, new int[] {10, 20, 30, 40});
            tb.ring(0, va(0));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(expect);
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DMA_STRAY_RESPONSE, 0));
            assertThat(tb.events.get(0).txn().describe()).contains("no read outstanding");
        }
    }

    @Test
    void disablingAConnectionStopsItsChain(TestInfo info) {
        // Slow host memory: the disable lands while the second descriptor is being read.
        try (FetchTb tb = tb(info, FetchTb.Timing.fast().withResponder(AxiReadResponder.Config.fixed(300)))) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            var expect = chain(tb, 0, 0, new int[] {0, 1, 2}, new int[] {10, 20, 30});
            tb.ring(0, va(0));
            tb.sched.at(tb.dut.cycle() + 450, () -> tb.csrWrite(0, CsrMap.CTRL, CsrMap.ctrl(false, 0)));
            tb.finish();
            assertThat(txns(tb.descs)).containsExactly(expect.get(0), expect.get(1));
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.CONN_DISABLED, va(2)));
            assertThat(txns(tb.reads)).containsExactlyElementsOf(readsOf(0, 1));
        }
    }

    @Test
    void csrRefusesInconsistentWrites(TestInfo info) {
        try (FetchTb tb = tb(info)) {
            int max = tb.params.maxRegionBytes();
            List<CsrRequest> reqs = List.of(
                    CsrRequest.read(CsrMap.global(CsrMap.G_ID)),
                    CsrRequest.read(CsrMap.global(CsrMap.G_NUM_CONNS)),
                    CsrRequest.write(CsrMap.global(CsrMap.G_NUM_CONNS), 9), // read-only
                    CsrRequest.write(CsrMap.conn(0, CsrMap.CTRL), CsrMap.ctrl(true, 0)), // no region yet
                    CsrRequest.write(CsrMap.conn(0, CsrMap.REGION_VA), VA + 8), // misaligned
                    CsrRequest.write(CsrMap.conn(0, CsrMap.REGION_BYTES), max + 32), // too big
                    CsrRequest.write(CsrMap.conn(0, CsrMap.REGION_BYTES), 48), // not a multiple of 32
                    CsrRequest.write(CsrMap.conn(0, CsrMap.REGION_BYTES), max), // ok
                    CsrRequest.write(CsrMap.conn(0, CsrMap.CTRL), CsrMap.ctrl(true, 3)), // mode 3
                    CsrRequest.write(CsrMap.conn(0, CsrMap.CTRL), CsrMap.ctrl(true, 1)), // no MSS or RTO yet
                    CsrRequest.write(CsrMap.conn(0, CsrMap.MSS), tb.params.slotBytes() + 1), // MSS beyond a staging slot
                    CsrRequest.write(CsrMap.conn(0, CsrMap.MSS), 1460), // ok
                    CsrRequest.write(CsrMap.conn(0, CsrMap.RTO), 5000), // ok
                    CsrRequest.write(CsrMap.conn(0, CsrMap.PEER_WND), 15L << 32 | 1000), // window shift above 14 (RFC 7323 2.3)
                    CsrRequest.write(CsrMap.conn(0, CsrMap.PEER_WND), 1L << 36), // undefined bits above the shift
                    CsrRequest.write(CsrMap.conn(0, CsrMap.PEER_WND), CsrMap.peerWnd(65535L << 14, 14)), // ok: the largest
                    CsrRequest.read(CsrMap.conn(0, CsrMap.PEER_WND)),
                    CsrRequest.write(CsrMap.conn(0, CsrMap.PORTS), 0x1235L << 16 | 80), // our port's low bits are not 0
                    CsrRequest.write(CsrMap.conn(0, CsrMap.CTRL), CsrMap.ctrl(true, 1)), // ok
                    CsrRequest.write(CsrMap.conn(0, CsrMap.REGION_PA), PA), // busy: enabled
                    CsrRequest.write(CsrMap.conn(0, CsrMap.DESC_SEQ), 5), // busy: enabled
                    CsrRequest.write(CsrMap.conn(0, CsrMap.CTRL), CsrMap.ctrl(true, 2)), // mode change while enabled
                    CsrRequest.read(CsrMap.conn(0, CsrMap.CTRL)),
                    CsrRequest.read(CsrMap.conn(0, 17)), // no such register
                    CsrRequest.read(CsrMap.conn(tb.params.numConns(), CsrMap.CTRL)), // no such connection
                    new CsrRequest(false, CsrMap.conn(0, CsrMap.CTRL) | 4, 0)); // misaligned address
            reqs.forEach(tb.csr::push);
            tb.finish();
            int ok = CsrResponse.OKAY, slv = CsrResponse.SLVERR, dec = CsrResponse.DECERR;
            assertThat(txns(tb.csrResps)).containsExactly(
                    new CsrResponse(CsrMap.ID_VALUE, ok), new CsrResponse(tb.params.numConns(), ok), new CsrResponse(0, slv),
                    new CsrResponse(0, slv), new CsrResponse(0, slv), new CsrResponse(0, slv), new CsrResponse(0, slv),
                    new CsrResponse(0, ok), new CsrResponse(0, slv), new CsrResponse(0, slv), new CsrResponse(0, slv),
                    new CsrResponse(0, ok), new CsrResponse(0, ok),
                    new CsrResponse(0, slv), new CsrResponse(0, slv), new CsrResponse(0, ok), new CsrResponse(14L << 32 | 65535L << 14, ok),
                    new CsrResponse(0, slv), new CsrResponse(0, ok),
                    new CsrResponse(0, slv),
                    new CsrResponse(0, slv), new CsrResponse(0, slv), new CsrResponse(CsrMap.ctrl(true, 1), ok),
                    new CsrResponse(0, dec), new CsrResponse(0, dec), new CsrResponse(0, dec));
        }
    }

    @Test
    void backpressureOnEveryPortLosesNothing(TestInfo info) {
        var slow = new AxiReadResponder.Config(new long[] {1, 50, 3, 200}, 2, false, PausePattern.cycle(1, 0, 1, 1, 0),
                PausePattern.cycle(0, 1, 1), List.of(), PausePattern.NONE);
        var t = new FetchTb.Timing(slow, PausePattern.cycle(1, 1, 0), PausePattern.cycle(1, 0), PausePattern.cycle(1, 1, 1, 0),
                PausePattern.cycle(1, 1, 1, 1, 1, 1, 0), PausePattern.cycle(1, 1, 1, 1, 0));
        try (FetchTb tb = tb(info, t)) {
            tb.openConnection(0, VA, PA, BYTES, 0);
            int[] slots = new int[40];
            int[] sizes = new int[40];
            for (int i = 0; i < 40; i++) {
                slots[i] = 100 - 2 * i;
                sizes[i] = 1 + 97 * i;
            }
            var expect = chain(tb, 0, 0, slots, sizes);
            tb.ring(0, va(slots[0]));
            tb.ring(0, VA - 32);
            tb.finish();
            assertThat(txns(tb.descs)).containsExactlyElementsOf(expect);
            assertThat(txns(tb.events)).containsExactly(ev(0, EventCode.DESC_OUT_OF_REGION, VA - 32));
            // m_desc was ready one cycle in seven: descriptors waited, valid held, payload stable
            // (the native monitor would have ended the run otherwise).
            assertThat(tb.descs).anyMatch(o -> o.endCycle() > o.startCycle());
        }
    }
}
