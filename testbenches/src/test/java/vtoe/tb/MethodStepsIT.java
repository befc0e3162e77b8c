package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.Observed;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.tb.adapter.AdapterTb;
import vtoe.model.world.ConnSetup;
import vtoe.tb.junit.SimRun;

/**
 * The method of design brief section 1, step by step, each step asserted where it shows on the
 * adapter's ports, in one PREPINNED and one TRANSLATE connection with one lost frame each.
 *
 * <p>Run just this: {@code ./scripts/test --only MethodStepsIT}
 */
class MethodStepsIT {
    static final int MSS = 1460;

    @Test
    void everyStepOfTheMethodIsVisible() {
        try (AdapterTb tb = new AdapterTb(SimRun.of("MethodStepsIT", "steps", 0x51e9), AdapterTb.Timing.fast())) {
            ConnSetup pre = ConnSetup.of(1, CsrMap.MODE_PREPINNED).withRto(5000);
            ConnSetup tr = ConnSetup.of(2, CsrMap.MODE_TRANSLATE).withRto(5000);
            tb.openConnection(pre);
            tb.openConnection(tr);
            long base1 = 0x7f00_0000_0000L + (1L << 32);
            long base2 = 0x7f00_0000_0000L + (2L << 32);
            int lost1 = pre.iss() + 2 * MSS;
            int lost2 = tr.iss() + 2 * MSS;
            int[] once = {0, 0};
            tb.peer(1).toPeer().dropIf(f -> isSeq(f, lost1) && once[0]++ == 0);
            tb.peer(2).toPeer().dropIf(f -> isSeq(f, lost2) && once[1]++ == 0);
            // Step 1: the host gives the adapter VAs (descriptor va fields), nothing else.
            tb.send(1, new byte[3 * MSS], 3 * MSS);
            tb.send(2, new byte[3 * MSS], 3 * MSS);
            tb.finish(2_000_000);

            List<HostRequest> reqs = tb.hostReqs.stream().map(Observed::txn).toList();
            // Step 2 and 3b: for TRANSLATE the adapter hands the VAs back, the host pins and returns extents.
            assertThat(reqs.stream().filter(r -> r.conn() == 2 && r.kind() == HostRequest.SEND).map(HostRequest::va))
                    .containsExactly(base2, base2 + MSS, base2 + 2 * MSS);
            // ... and the host unpins after the send (one release per request, by tag).
            assertThat(tb.releases.stream().map(Observed::txn).filter(r -> r.conn() == 2))
                    .hasSize((int) reqs.stream().filter(r -> r.conn() == 2).count()).noneMatch(Release::prepinned);
            // Step 3c: PREPINNED needs no request for the first send; the block is released after retrieval,
            // before its data is acknowledged: the adapter holds neither pins nor a copy.
            assertThat(reqs.stream().filter(r -> r.conn() == 1 && r.kind() == HostRequest.SEND)).isEmpty();
            Observed<Release> blockRelease = tb.releases.stream().filter(o -> o.txn().prepinned()).findFirst().orElseThrow();
            long firstCompletion1 = tb.completions.stream().filter(o -> o.txn().conn() == 1).findFirst().orElseThrow().endCycle();
            assertThat(blockRelease.endCycle()).isLessThan(firstCompletion1);
            // Step 4: frames went out: every segment (PREPINNED blocks split where pages are not contiguous)
            // and, after the loss, the retransmissions.
            assertThat(tb.frames.stream().filter(f -> connOf(f) == 1).count()).isGreaterThanOrEqualTo(4);
            // Step 5: the lost data is identified again by the host, from its VA: sndUna's place in the block.
            for (int c = 1; c <= 2; c++) {
                int conn = c;
                HostRequest first = reqs.stream().filter(r -> r.conn() == conn && r.kind() == HostRequest.RETRANSMIT)
                        .findFirst().orElseThrow();
                assertThat(first.va()).isEqualTo((conn == 1 ? base1 : base2) + 2 * MSS);
            }
            // The retained entries are metadata: the trace shows descriptors taken (VA, seq, size), never payload.
            List<TraceRecord> descs = tb.trace.stream().filter(r -> r.op() == Op.DESC.code).toList();
            assertThat(descs).hasSizeGreaterThanOrEqualTo(2);
            assertThat(tb.peer(1).receiver().bytesReceived()).isEqualTo(3 * MSS);
        }
    }

    static boolean isSeq(vtoe.model.txn.Bytes f, int seq) {
        ParseResult r = TcpFrame.parse(f);
        return r.ok() && r.frame().seq() == seq && r.frame().payload().length() > 0;
    }

    static int connOf(Observed<vtoe.model.txn.Frame> f) {
        return vtoe.model.adapter.TxFramerModel.connOf(f.txn().bytes(), 64);
    }
}
