package vtoe.model.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.host.DataStorage;
import vtoe.model.host.PhysicalMemory;
import vtoe.model.host.StorageController;
import vtoe.model.host.VirtualMemory;
import vtoe.model.sim.EventKernel;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.HostRequest;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Release;

/**
 * The device driver against a scripted adapter: what it writes and rings, how it answers requests in
 * each mode, its service-time queue, its pin ledger and the violations it records.
 *
 * <p>Run just this: {@code ./scripts/test --only DriverTest}
 */
class DriverTest {
    static final int POOL = 32 << 20;

    final EventKernel k = new EventKernel();
    final PhysicalMemory mem = PhysicalMemory.allocate(POOL + 64 * 4096);
    final StorageController sc = new StorageController(k, new DataStorage(), () -> 500, () -> 500, 1);
    final VirtualMemory vm = new VirtualMemory(mem, POOL, 64, k, sc);
    final List<CsrRequest> csrs = new ArrayList<>();
    final List<Doorbell> bells = new ArrayList<>();
    final List<HostResponse> resps = new ArrayList<>();
    final List<Long> respCycles = new ArrayList<>();
    final AdapterParams p = AdapterParams.adapterDefaults();
    final Driver d = new Driver(p, k, mem, vm, new AdapterPorts() {
        @Override
        public void csr(CsrRequest r) {
            csrs.add(r);
        }

        @Override
        public void doorbell(Doorbell b) {
            bells.add(b);
        }

        @Override
        public void hostResponse(HostResponse r) {
            resps.add(r);
            respCycles.add(k.now());
        }

        @Override
        public void rxFrame(Bytes frame) {}
    }, new Driver.Config(4096, 1024, 16384, 1000), Driver.ServiceTimes.fixed(100), POOL);

    byte[] data(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    Descriptor descriptor(Doorbell b, int i) {
        long regionPa = csrs.stream().filter(c -> (c.addr() >> 3 & 31) == CsrMap.REGION_PA).findFirst().orElseThrow().data();
        long regionVa = csrs.stream().filter(c -> (c.addr() >> 3 & 31) == CsrMap.REGION_VA).findFirst().orElseThrow().data();
        long va = b.headVa();
        Descriptor desc = null;
        for (int j = 0; j <= i; j++) {
            desc = Descriptor.decode(Bytes.wrap(mem.read(regionPa + (va - regionVa), 32)), 0);
            va = desc.next();
        }
        return desc;
    }

    @Test
    void opensWithEveryContextWriteAndPostsAChainInOrder() {
        d.open(ConnSetup.of(3, CsrMap.MODE_TRANSLATE));
        assertThat(csrs).hasSize(13);
        assertThat(csrs.get(csrs.size() - 1).data()).isEqualTo(CsrMap.ctrl(true, CsrMap.MODE_TRANSLATE));
        d.send(3, data(10_000));
        k.runAll();
        assertThat(bells).hasSize(1);
        Descriptor a = descriptor(bells.get(0), 0);
        Descriptor b = descriptor(bells.get(0), 1);
        Descriptor c = descriptor(bells.get(0), 2);
        assertThat(a.size() + b.size() + c.size()).isEqualTo(10_000);
        assertThat(b.seq()).isEqualTo(a.seq() + a.size());
        assertThat(c.next()).isZero();
        assertThat(b.va()).isEqualTo(a.va() + a.size());
    }

    @Test
    void translateAnswersWithExtentsThatHoldTheBytesAndUnpinsOnRelease() {
        d.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
        byte[] b = data(6000);
        d.send(1, b);
        long va = d.bufferBase(1) + 1000;
        d.hostRequest(new HostRequest(4, 1, va, 3000, HostRequest.SEND));
        k.runAll();
        assertThat(resps).isNotEmpty().allMatch(r -> r.status() == HostResponse.OK && r.tag() == 4);
        assertThat(resps.get(resps.size() - 1).last()).isTrue();
        byte[] got = new byte[3000];
        int at = 0;
        for (HostResponse r : resps) {
            System.arraycopy(mem.read(r.pa(), r.len()), 0, got, at, r.len());
            at += r.len();
        }
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(b, 1000, 4000));
        assertThat(d.addressSpace(1).pinCount(va)).isEqualTo(1);
        d.dmaRead(new DmaReadRequest(5, resps.get(0).pa() & -8, 2));
        assertThat(d.violations()).isEmpty();
        d.release(new Release(4, 1, va, 3000, false));
        k.runAll();
        assertThat(vm.pinnedPages()).isZero();
        assertThat(d.grantsOutstanding()).isZero();
    }

    @Test
    void pushAnswersWithTheBytesAndHoldsNoPin() {
        d.open(ConnSetup.of(1, CsrMap.MODE_PUSH));
        byte[] b = data(5000);
        d.send(1, b);
        d.hostRequest(new HostRequest(0, 1, d.bufferBase(1) + 100, 20, HostRequest.SEND));
        k.runAll();
        int beats = (20 + p.dataBytes() - 1) / p.dataBytes();
        assertThat(resps).hasSize(beats);
        assertThat(resps.get(0).data().get(0)).isEqualTo(b[100]);
        assertThat(vm.pinnedPages()).isZero();
    }

    @Test
    void aRequestOutsideTheConnectionsBufferIsAnsweredFault() {
        d.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
        d.open(ConnSetup.of(2, CsrMap.MODE_TRANSLATE));
        d.send(1, data(5000));
        d.send(2, data(5000));
        // Connection 1 asks for connection 2's bytes.
        d.hostRequest(new HostRequest(0, 1, d.bufferBase(2), 100, HostRequest.SEND));
        k.runAll();
        assertThat(resps).singleElement().matches(r -> r.status() == HostResponse.FAULT && r.last());
        assertThat(d.errors()).singleElement().asString().contains("not in the connection's send buffer");
        assertThat(vm.pinnedPages()).isZero();
    }

    @Test
    void theHostCpuServesOneOperationAtATimeInArrivalOrder() {
        d.open(ConnSetup.of(1, CsrMap.MODE_PUSH));
        d.send(1, data(5000));
        k.runAll();
        long t0 = k.now();
        for (int i = 0; i < 3; i++) {
            d.hostRequest(new HostRequest(i, 1, d.bufferBase(1) + i * 8, 8, HostRequest.SEND));
        }
        k.runAll();
        assertThat(respCycles).containsExactly(t0 + 100, t0 + 200, t0 + 300);
        assertThat(resps).extracting(HostResponse::tag).containsExactly(0, 1, 2);
    }

    @Test
    void prepinnedBlocksArePinnedSplitAtFrameBoundariesAndUnpinnedPieceByPiece() {
        d.open(ConnSetup.of(1, CsrMap.MODE_PREPINNED));
        d.send(1, data(4096)); // 4 KiB starting at a page boundary: one page, one piece
        d.send(1, data(3000)); // crosses into a second page: maybe two pieces
        k.runAll();
        int n = 0;
        long pinnedBytes = 0;
        for (Doorbell b : bells) {
            for (Descriptor x = descriptor(b, 0); ; ) {
                assertThat(x.pa()).isNotZero();
                assertThat(mem.read(x.pa(), 1)[0]).isEqualTo(d.addressSpace(1).read(x.va(), 1)[0]);
                pinnedBytes += x.size();
                n++;
                d.release(new Release(0, 1, x.va(), x.size(), true));
                if (x.next() == 0) {
                    break;
                }
                long regionVa = csrs.stream().filter(c -> (c.addr() >> 3 & 31) == CsrMap.REGION_VA).findFirst().orElseThrow().data();
                long regionPa = csrs.stream().filter(c -> (c.addr() >> 3 & 31) == CsrMap.REGION_PA).findFirst().orElseThrow().data();
                x = Descriptor.decode(Bytes.wrap(mem.read(regionPa + (x.next() - regionVa), 32)), 0);
            }
        }
        k.runAll();
        assertThat(pinnedBytes).isEqualTo(7096);
        assertThat(n).isBetween(2, 3);
        assertThat(d.violations()).isEmpty();
        assertThat(vm.pinnedPages()).isZero();
    }

    /** The granted-range rule in PREPINNED: a read inside a pinned piece passes, one beyond it or after its release does not. */
    @Test
    void prepinnedReadsAreCheckedAgainstThePiecesStillPinned() {
        d.open(ConnSetup.of(1, CsrMap.MODE_PREPINNED));
        d.send(1, data(4096));
        d.send(1, data(3000));
        k.runAll();
        List<Descriptor> pieces = new ArrayList<>();
        for (Doorbell b : bells) {
            for (int i = 0; ; i++) {
                Descriptor x = descriptor(b, i);
                pieces.add(x);
                if (x.next() == 0) {
                    break;
                }
            }
        }
        assertThat(pieces).hasSizeGreaterThanOrEqualTo(2);
        int db = p.dataBytes();
        for (Descriptor x : pieces) {
            long first = x.pa() & -db;
            long lastWord = (x.pa() + x.size() - 1) & -db;
            d.dmaRead(new DmaReadRequest(1, first, 0)); // the piece's first word
            d.dmaRead(new DmaReadRequest(2, lastWord, 0)); // its last word
            d.dmaRead(new DmaReadRequest(3, first, (int) ((lastWord - first) / db))); // all of it
        }
        assertThat(d.violations()).as("reads inside pinned pieces").isEmpty();
        Descriptor last = pieces.get(pieces.size() - 1);
        long beyond = (last.pa() + last.size() + db - 1 & -db) + 64 * db; // past the last piece's frame bytes
        d.dmaRead(new DmaReadRequest(1, beyond, 0));
        assertThat(d.violations()).hasSize(1);
        Descriptor firstPiece = pieces.get(0);
        d.release(new Release(0, 1, firstPiece.va(), firstPiece.size(), true));
        k.runAll();
        d.dmaRead(new DmaReadRequest(1, firstPiece.pa() & -db, 0));
        assertThat(d.violations()).as("a read of a released piece").hasSize(2);
        assertThat(d.violations()).allMatch(v -> v.contains("reads outside every granted range"));
    }

    @Test
    void ledgerViolationsAreRecordedNotTolerated() {
        d.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
        d.send(1, data(5000));
        d.release(new Release(7, 1, d.bufferBase(1), 100, false));
        d.dmaRead(new DmaReadRequest(3, POOL, 4));
        d.completion(new Completion(1, 0, 0x1234));
        k.runAll();
        assertThat(d.violations()).hasSize(3);
        assertThat(d.violations().get(0)).contains("reads outside every granted range");
        assertThat(String.join("\n", d.violations())).contains("holds no pins").contains("holds no posted descriptor");
    }

    @Test
    void sendingFromAnUnmappedRangeIsRefusedWithTheVa() {
        d.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
        long va = d.bufferBase(1);
        assertThatThrownBy(() -> d.post(1, va, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x" + Long.toHexString(va)).hasMessageContaining("nothing was posted");
        assertThat(d.bytesPosted(1)).isZero();
        assertThat(bells).isEmpty();
    }

    @Test
    void buffersAreFreedOnlyAfterTheLagAndNeverUnderAPin() {
        d.open(ConnSetup.of(1, CsrMap.MODE_TRANSLATE));
        d.send(1, data(3 * 4096));
        k.runAll();
        Doorbell b = bells.get(0);
        Descriptor first = descriptor(b, 0);
        long regionVa = b.headVa();
        d.completion(new Completion(1, first.seq() + first.size(), regionVa));
        k.runUntil(() -> false, k.now() + 500);
        assertThat(d.addressSpace(1).mapped(first.va(), 4096)).as("still mapped within the lag").isTrue();
        k.runAll();
        assertThat(d.addressSpace(1).mapped(first.va(), 4096)).as("freed after the lag").isFalse();
        // A request for freed bytes is a violation of the adapter's contract, answered FAULT.
        d.hostRequest(new HostRequest(0, 1, first.va(), 100, HostRequest.RETRANSMIT));
        k.runAll();
        assertThat(d.violations()).singleElement().asString().contains("freed");
    }
}
