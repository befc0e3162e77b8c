package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vtoe.cosim.AxiReadResponder;
import vtoe.cosim.PausePattern;
import vtoe.model.adapter.CsrMap;
import vtoe.model.adapter.Descriptor;
import vtoe.model.adapter.RxClass;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Observed;
import vtoe.model.world.ConnSetup;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;

/**
 * The bad-input catalogue: every class of bad input the adapter can receive, one run each, judged
 * the same way. Connection 1 gets the bad input, connection 2 streams 40 KB beside it. Each class must
 * give its defined outcome (the event, or the counter, or the refused CSR access), connection 2's
 * stream must arrive intact with no event of its own, no pin may be left, and the lockstep must agree
 * throughout. The README's bad-input table lists the same classes.
 *
 * <p>Run just this: {@code ./scripts/test --only BadInputCatalogIT}; one class:
 * {@code ./scripts/test --only 'BadInputCatalogIT#badInput'} and read the display names.
 */
class BadInputCatalogIT {
    /** A bad input: the mode of the victim, what to inject, and the event expected (null: counted or refused, no event). */
    enum Bad {
        DESC_OUT_OF_REGION(CsrMap.MODE_TRANSLATE, EventCode.DESC_OUT_OF_REGION),
        DESC_MISALIGNED(CsrMap.MODE_TRANSLATE, EventCode.DESC_MISALIGNED),
        DESC_LOOP(CsrMap.MODE_TRANSLATE, EventCode.DESC_LOOP),
        DESC_BAD_SEQ(CsrMap.MODE_TRANSLATE, EventCode.DESC_BAD_SEQ),
        DESC_BAD_SIZE(CsrMap.MODE_TRANSLATE, EventCode.DESC_BAD_SIZE),
        DESC_BAD_PA(CsrMap.MODE_PREPINNED, EventCode.DESC_BAD_PA),
        DESC_DMA_ERROR(CsrMap.MODE_TRANSLATE, EventCode.DESC_DMA_ERROR),
        DOORBELL_BAD_CONN(CsrMap.MODE_TRANSLATE, EventCode.DOORBELL_BAD_CONN),
        DOORBELL_DISABLED(CsrMap.MODE_TRANSLATE, EventCode.DOORBELL_DISABLED),
        HOST_FAULT(CsrMap.MODE_PUSH, EventCode.HOST_FAULT),
        HOST_BAD_RESPONSE(CsrMap.MODE_PUSH, EventCode.HOST_BAD_RESPONSE),
        HOST_STRAY_RESPONSE(CsrMap.MODE_PUSH, EventCode.HOST_STRAY_RESPONSE),
        DMA_STRAY_RESPONSE(CsrMap.MODE_TRANSLATE, EventCode.DMA_STRAY_RESPONSE),
        DMA_READ_ERROR(CsrMap.MODE_TRANSLATE, EventCode.DMA_READ_ERROR),
        RETRY_LIMIT(CsrMap.MODE_TRANSLATE, EventCode.RETRY_LIMIT),
        RX_GARBAGE(CsrMap.MODE_TRANSLATE, null),
        ACK_ABOVE_AND_OLD(CsrMap.MODE_TRANSLATE, null),
        CSR_REFUSED(CsrMap.MODE_TRANSLATE, null);

        final int mode;
        final EventCode expect;

        Bad(int mode, EventCode expect) {
            this.mode = mode;
            this.expect = expect;
        }
    }

    /** Bit 0 of a pattern long enough not to repeat in this run (patterns repeat). */
    static PausePattern onlyTheFirst() {
        long[] bits = new long[256];
        bits[0] = 1;
        return new PausePattern(bits, 256 * 64);
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Bad.class)
    void badInput(Bad bad) {
        AdapterTb.Timing timing = AdapterTb.Timing.fast();
        if (bad == Bad.DMA_STRAY_RESPONSE) {
            // The host memory answers the first read (connection 1's first descriptor) twice. Only that one:
            // a duplicate of a payload burst lands while the tag is still reading and counts as its data.
            timing = timing.withDma(AxiReadResponder.Config.fixed(20).withMaxOutstanding(32)
                    .withDuplicates(onlyTheFirst()));
        }
        SimRun run = SimRun.of("BadInputCatalogIT", "badInput[" + bad + "]", 0xca7 + bad.ordinal());
        try (AdapterTb tb = new AdapterTb(run, timing, h -> switch (bad) {
            // Connection 1 is opened first: its region is the first kernel allocation, its data the first frames.
            case DESC_DMA_ERROR -> List.of(new AxiReadResponder.ErrorRange(1L << 20, (1L << 20) + AdapterTb.REGION_BYTES, 2));
            case DMA_READ_ERROR -> List.of(new AxiReadResponder.ErrorRange(h.frameAt(1), h.frameAt(1) + 4096, 2));
            default -> List.of();
        })) {
            ConnSetup victim = ConnSetup.of(1, bad.mode).withRto(bad == Bad.RETRY_LIMIT ? 2000 : 20_000);
            tb.openConnection(victim);
            tb.openConnection(ConnSetup.of(2, CsrMap.MODE_TRANSLATE));
            int iss = victim.iss();
            int[] n = {0};
            int firstCsr = tb.csrResps.size();
            BooleanSupplier victimDone = () -> tb.events.stream().anyMatch(o -> o.txn().code() == bad.expect.code());
            switch (bad) {
                case DESC_OUT_OF_REGION, DESC_MISALIGNED, DESC_LOOP, DESC_BAD_SEQ, DESC_BAD_SIZE, DESC_BAD_PA -> {
                    long va = tb.host.append(1, data(4096, 1));
                    long region = tb.regionVa(1);
                    Descriptor d = switch (bad) {
                        case DESC_OUT_OF_REGION -> new Descriptor(va, region + AdapterTb.REGION_BYTES + 64, 4096, iss, 0);
                        case DESC_MISALIGNED -> new Descriptor(va, region + 40, 4096, iss, 0);
                        case DESC_LOOP -> new Descriptor(va, region, 4096, iss, 0); // slot 0 links to itself
                        case DESC_BAD_SEQ -> new Descriptor(va, 0, 4096, iss + 7, 0);
                        case DESC_BAD_SIZE -> new Descriptor(va, 0, 0, iss, 0);
                        default -> new Descriptor(va, 0, 4096, iss, 0); // PREPINNED without a PA
                    };
                    tb.postRaw(1, d);
                }
                case DOORBELL_BAD_CONN -> tb.doorbell.push(new Doorbell(tb.params.numConns() + 5, 0x1000));
                case DOORBELL_DISABLED -> tb.doorbell.push(new Doorbell(7, 0x1000));
                case HOST_FAULT -> {
                    tb.host.faultIf(r -> r.conn() == 1 && n[0]++ == 2);
                    tb.send(1, data(20_000, 1), 4096);
                }
                case HOST_BAD_RESPONSE -> {
                    int d = tb.params.dataBytes();
                    tb.host.misbehave(r -> r.conn() != 1 || n[0]++ != 2 ? null
                            : java.util.stream.IntStream.range(0, (r.len() + d - 1) / d + 1).mapToObj(i -> new HostResponse(r.tag(),
                                    HostResponse.OK, Bytes.wrap(new byte[d]), 0, 0, i == (r.len() + d - 1) / d)).toList());
                    tb.send(1, data(20_000, 1), 4096);
                }
                case HOST_STRAY_RESPONSE -> {
                    tb.hostResp.push(new HostResponse(13, HostResponse.OK, Bytes.wrap(new byte[tb.params.dataBytes()]), 0, 0, true));
                    tb.send(1, data(20_000, 1), 4096);
                }
                case DMA_STRAY_RESPONSE, RX_GARBAGE, ACK_ABOVE_AND_OLD, CSR_REFUSED -> tb.send(1, data(20_000, 1), 4096);
                case DMA_READ_ERROR, DESC_DMA_ERROR -> tb.send(1, data(20_000, 1), 4096);
                case RETRY_LIMIT -> {
                    tb.peer(1).toPeer().dropIf(f -> true); // the peer is gone
                    tb.send(1, data(20_000, 1), 4096);
                }
                default -> throw new IllegalStateException(bad.name());
            }
            long t = tb.dut.cycle() + 300;
            switch (bad) {
                case RX_GARBAGE -> {
                    Random r = new Random(5);
                    for (int i = 0; i < 20; i++) {
                        byte[] g = new byte[1 + r.nextInt(120)];
                        r.nextBytes(g);
                        tb.sched.at(t + 50L * i, () -> tb.rx.send(Bytes.wrap(g), tb.dut.cycle()));
                    }
                    victimDone = () -> tb.delivered(1);
                }
                case ACK_ABOVE_AND_OLD -> {
                    for (int ack : new int[] {iss + 0x4000_0000, iss - 5000}) {
                        Bytes f = new TcpFrame(victim.ourMac(), victim.peerMac(), victim.peerIp(), victim.ourIp(), 0, 64, true,
                                victim.peerPort(), victim.ourPort(), 0x10000, ack, TcpFrame.ACK, 1000, Bytes.wrap(new byte[0])).encode();
                        tb.sched.at(t, () -> tb.rx.send(f, tb.dut.cycle()));
                    }
                    victimDone = () -> tb.delivered(1) && tb.model.csu().ackAbove() > 0 && tb.model.csu().ackOld() > 0;
                }
                case CSR_REFUSED -> {
                    tb.csr.push(CsrRequest.write(CsrMap.conn(1, 30), 5)); // no such register: DECERR
                    tb.csrWrite(1, CsrMap.REGION_PA, 0x5000); // region change while enabled: SLVERR
                    victimDone = () -> tb.delivered(1) && tb.csrResps.size() >= firstCsr + 2;
                }
                // A stray's event is the host bus's, not a connection's: the harness counts it against the stray bursts the
                // bus checker saw (exactly one each, checked at the end) and keeps it from the connections' events.
                case DMA_STRAY_RESPONSE -> victimDone = () -> tb.delivered(1) && tb.h.strayEvents() > 0;
                default -> {
                }
            }
            tb.send(2, data(40_000, 2), 8192);
            BooleanSupplier v = victimDone;
            tb.finish(() -> v.getAsBoolean() && tb.delivered(2) && tb.quiescent(), 20_000_000);
            tb.teardown(1);

            Set<Integer> allowed = bad.expect == null ? Set.of()
                    : new java.util.HashSet<>(List.of(bad.expect.code(), EventCode.CONN_DISABLED.code(), EventCode.DOORBELL_DISABLED.code()));
            if (bad == Bad.DMA_STRAY_RESPONSE) {
                assertThat(tb.h.strayEvents()).as("DMA_STRAY_RESPONSE events for the one stray burst").isEqualTo(1);
            } else if (bad.expect != null) {
                assertThat(tb.events.get(0).txn().eventCode()).as("the first event").isEqualTo(bad.expect);
            }
            assertThat(tb.events).as("only the defined event(s)").allMatch(o -> allowed.contains(o.txn().code()));
            assertThat(tb.events).as("nothing on the bystander").noneMatch(o -> o.txn().conn() == 2);
            assertThat(tb.peer(2).receiver().sha256()).as("the bystander's stream").isEqualTo(tb.sentSha256(2));
            assertThat(tb.host.pinsOutstanding()).as(tb.host.pinReport()).isZero();
            assertThat(tb.host.violations()).isEmpty();
            switch (bad) {
                case RX_GARBAGE -> assertThat(tb.model.parser().count(RxClass.TOO_SHORT) + tb.model.parser().count(RxClass.NOT_IPV4))
                        .isPositive();
                case CSR_REFUSED -> assertThat(tb.csrResps.subList(firstCsr, firstCsr + 2)).extracting(o -> o.txn().ok())
                        .containsExactly(false, false);
                default -> {
                }
            }
            assertThat(tb.events.stream().map(Observed::txn).map(e -> e.describe()).collect(Collectors.toList()))
                    .allMatch(s -> !s.isBlank());
        }
    }
}
