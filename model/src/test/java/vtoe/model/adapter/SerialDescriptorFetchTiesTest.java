package vtoe.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;

/**
 * {@link SerialDescriptorFetch#ties}, the coverage count of the tie rule (a doorbell before a wake that
 * arrived in the same cycle), on both ways the TLM meets a tie: with both heads waiting while a chain
 * runs, and with the fetch idle, where the doorbell is taken before the wake of its cycle is heard.
 *
 * <p>Run just this: {@code mvn -o -pl model test -Dtest=SerialDescriptorFetchTiesTest}
 */
class SerialDescriptorFetchTiesTest {
    static final long REGION_VA = 0x10_0000;
    static final long REGION_PA = 0x80_0000;

    final AdapterParams p = AdapterParams.defaults();
    final List<DmaReadRequest> reads = new ArrayList<>();
    final SerialDescriptorFetch fetch = new SerialDescriptorFetch(p, 0,
            c -> new ConnCfg(true, CsrMap.MODE_TRANSLATE, REGION_VA + (c << 12), REGION_PA + (c << 12), 4096, 0, 0, 0, 0, 0, 0, 0, 1460,
                    20_000, 65535, 0, 0, 0),
            (port, txn, est, actual) -> {
                if (txn instanceof DmaReadRequest r) {
                    reads.add(r);
                }
            }, "desc", "m_event");

    @Test
    void bothHeadsWaitingWithOneStampIsATieAndTheDoorbellGoesFirst() {
        fetch.doorbell(new Doorbell(0, REGION_VA), 10); // a chain runs: its descriptor read is out
        fetch.doorbell(new Doorbell(1, REGION_VA + (1 << 12)), 20);
        fetch.wake(2, 20);
        assertThat(fetch.ties()).isZero();
        fetch.readBeat(new DmaReadBeat(0, Bytes.wrap(new byte[p.dataBytes()]), true, 2), 40); // the chain ends (read error)
        assertThat(fetch.ties()).isOne();
        assertThat(reads).last().as("connection 1's doorbell went first").isEqualTo(
                new DmaReadRequest(0, REGION_PA + (1 << 12), p.descBeats() - 1));
    }

    @Test
    void aWakeHeardAfterTheDoorbellOfItsCycleWasTakenIsATie() {
        fetch.doorbell(new Doorbell(1, REGION_VA + (1 << 12)), 30); // idle: taken at once
        fetch.wake(2, 30);
        assertThat(fetch.ties()).isOne();
    }

    @Test
    void differentStampsAreNoTie() {
        fetch.wake(2, 29); // older: goes first (connection 2 has no parked chain: a stale wake)
        fetch.doorbell(new Doorbell(1, REGION_VA + (1 << 12)), 30);
        fetch.wake(3, 31);
        assertThat(fetch.ties()).isZero();
    }
}
