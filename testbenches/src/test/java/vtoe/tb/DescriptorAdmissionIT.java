package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Op;
import vtoe.model.adapter.SerialDescriptorFetch;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.TraceRecord;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * Descriptor admission without head-of-line blocking (issue 12, part 3), RTL against TLM in lockstep:
 * a connection whose retained ring is full parks its chain in the fetch, and other connections'
 * descriptors still go out. Connection 1's peer is a black hole at first, so none of its 16 retained
 * blocks is acknowledged and its ring stays full until the link comes back and its RTO resends.
 * On main before this change the fetch waited for room in connection 1's ring, and connection 2 got
 * nothing through until connection 1's RTO (the first test timed out there).
 *
 * <p>Run just this: {@code mvn -B -o verify -pl testbenches -am -Dtest=none -Dit.test=DescriptorAdmissionIT
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class DescriptorAdmissionIT {
    static final int BLOCK = 1000;
    static final long RTO = 300_000;

    static AdapterTb tb(TestInfo info) {
        return new AdapterTb(SimRun.of("DescriptorAdmissionIT", info.getTestMethod().orElseThrow().getName(), 0xad),
                AdapterTb.Timing.fast());
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<TraceRecord> parks(AdapterTb tb, int conn) {
        return tb.trace.stream().filter(r -> r.op() == Op.DESC.code && r.tag() == 2 && r.conn() == conn).toList();
    }

    static List<TraceRecord> taken(AdapterTb tb, int conn) {
        return tb.trace.stream().filter(r -> r.op() == Op.DESC.code && r.tag() == 0 && r.conn() == conn).toList();
    }

    static SerialDescriptorFetch fetch(AdapterTb tb) {
        return (SerialDescriptorFetch) tb.model.fetch();
    }

    /** Connection 1 (black hole) posts 24 blocks, more than its ring holds; connection 2 must still be served. */
    static boolean[] parkConnectionOne(AdapterTb tb) {
        tb.openConnection(ConnSetup.of(1, CsrMap.MODE_TRANSLATE).withRto(RTO));
        tb.openConnection(ConnSetup.of(2, CsrMap.MODE_TRANSLATE));
        boolean[] down = {true};
        tb.peer(1).toPeer().dropIf(f -> down[0]);
        tb.send(1, data(24 * BLOCK, 1), BLOCK);
        return down;
    }

    @Test
    void aFullRingDoesNotHoldBackAnotherConnectionsDescriptors(TestInfo info) {
        try (AdapterTb tb = tb(info)) {
            boolean[] down = parkConnectionOne(tb);
            tb.send(2, data(8 * BLOCK, 2), BLOCK);
            long start = tb.dut.cycle();
            tb.sched.runUntil(() -> tb.delivered(2), RTO / 2, tb::diagnostics);
            // Connection 2 is done long before connection 1's ring can retire anything (its RTO).
            assertThat(tb.dut.cycle() - start).isLessThan(RTO / 2);
            assertThat(taken(tb, 1)).hasSize(tb.params.retained());
            assertThat(parks(tb, 1)).hasSize(1);
            assertThat(parks(tb, 1).get(0).aux()).as("the 17th descriptor is parked").isEqualTo(tb.regionVa(1) + 32L * 16);
            assertThat(fetch(tb).parkedChains()).isEqualTo(1);
            down[0] = false;
            tb.finish(4 * RTO);
            assertThat(taken(tb, 1)).hasSize(24);
            assertThat(fetch(tb).parkedChains()).isZero();
            assertThat(tb.events).isEmpty();
        }
    }

    /**
     * A second doorbell of the parked connection is deferred behind its chain (per-connection order), while
     * connection 2's doorbell, rung after it, goes ahead. The stream check of finish() proves the order.
     */
    @Test
    void aDoorbellForAParkedConnectionWaitsBehindItsChainAndNoOneElse(TestInfo info) {
        try (AdapterTb tb = tb(info)) {
            boolean[] down = parkConnectionOne(tb);
            tb.sched.runUntil(() -> fetch(tb).parkedChains() == 1, RTO / 4, tb::diagnostics);
            tb.send(1, data(3 * BLOCK, 3), BLOCK); // a second chain and doorbell of connection 1
            tb.send(2, data(8 * BLOCK, 2), BLOCK);
            tb.sched.runUntil(() -> tb.delivered(2), RTO / 2, tb::diagnostics);
            assertThat(fetch(tb).deferredDoorbells()).isEqualTo(1);
            assertThat(taken(tb, 1)).hasSize(tb.params.retained());
            down[0] = false;
            tb.finish(4 * RTO);
            List<TraceRecord> t1 = taken(tb, 1);
            assertThat(t1).hasSize(27);
            for (int i = 1; i < t1.size(); i++) {
                assertThat(t1.get(i).seq()).as("connection 1's descriptors in seq order").isEqualTo(t1.get(i - 1).seq() + BLOCK);
            }
            assertThat(fetch(tb).deferredDoorbells()).isZero();
        }
    }

    /**
     * The pool's bound: with numConns + doorbellDepth doorbells deferred, the next doorbell of the parked
     * connection waits at the doorbell queue's head, and so does what was rung after it (here connection
     * 2's); everything resumes in order once connection 1's ring has room.
     */
    @Test
    void withThePoolFullADeferredConnectionsDoorbellWaitsAtTheHead(TestInfo info) {
        try (AdapterTb tb = tb(info)) {
            boolean[] down = parkConnectionOne(tb);
            tb.sched.runUntil(() -> fetch(tb).parkedChains() == 1, RTO / 4, tb::diagnostics);
            int pool = tb.params.numConns() + tb.params.doorbellDepth();
            int more = pool + 4;
            for (int i = 0; i < more; i++) {
                tb.send(1, data(BLOCK, 100 + i), BLOCK);
            }
            tb.send(2, data(2 * BLOCK, 2), BLOCK);
            tb.sched.runUntil(() -> fetch(tb).deferredDoorbells() == pool, RTO / 4, tb::diagnostics);
            tb.sched.run(20_000);
            assertThat(fetch(tb).deferredDoorbells()).isEqualTo(pool);
            assertThat(taken(tb, 2)).as("connection 2's doorbell waits behind the one the full pool holds back").isEmpty();
            down[0] = false;
            tb.finish(6 * RTO);
            List<TraceRecord> t1 = taken(tb, 1);
            assertThat(t1).hasSize(24 + more);
            for (int i = 1; i < t1.size(); i++) {
                assertThat(t1.get(i).seq()).as("connection 1's descriptors in seq order").isEqualTo(t1.get(i - 1).seq() + BLOCK);
            }
            assertThat(fetch(tb).deferredDoorbells()).isZero();
            assertThat(tb.events).isEmpty();
        }
    }

    /**
     * A connection disabled while its chain is parked: ConnStateUnit's STOP wakes the chain, which
     * resumes at Check and ends with CONN_DISABLED at the parked descriptor's VA, the event a chain
     * whose connection stops gets (the parked descriptor is not handed on). Its deferred doorbell then
     * starts and ends with DOORBELL_DISABLED, as a doorbell of a disabled connection.
     */
    @Test
    void aConnectionDisabledWhileParkedEndsItsChainWithConnDisabled(TestInfo info) {
        try (AdapterTb tb = tb(info)) {
            parkConnectionOne(tb);
            tb.sched.runUntil(() -> fetch(tb).parkedChains() == 1, RTO / 4, tb::diagnostics);
            long secondHead = tb.regionVa(1) + 32L * 24;
            tb.send(1, data(2 * BLOCK, 3), BLOCK);
            tb.send(2, data(8 * BLOCK, 2), BLOCK);
            tb.sched.runUntil(() -> fetch(tb).deferredDoorbells() == 1, RTO / 4, tb::diagnostics);
            tb.csrWrite(1, CsrMap.CTRL, CsrMap.ctrl(false, CsrMap.MODE_TRANSLATE));
            tb.finish(() -> tb.delivered(2) && tb.events.size() >= 2 && !tb.model.csu().busy(1) && fetch(tb).idle(), RTO);
            tb.teardown(1);
            assertThat(tb.events).extracting(e -> e.txn().eventCode())
                    .containsExactly(EventCode.CONN_DISABLED, EventCode.DOORBELL_DISABLED);
            List<AdapterEvent> ev = tb.events.stream().map(e -> e.txn()).toList();
            assertThat(ev).allMatch(e -> e.conn() == 1);
            assertThat(ev.get(0).detail()).as("the parked descriptor").isEqualTo(tb.regionVa(1) + 32L * 16);
            assertThat(ev.get(1).detail()).as("the deferred doorbell's head").isEqualTo(secondHead);
            assertThat(taken(tb, 1)).hasSize(tb.params.retained());
            assertThat(tb.peer(2).receiver().sha256()).isEqualTo(tb.sentSha256(2));
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
        }
    }
}
