package vtoe.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.Observed;

/**
 * The lockstep scoreboard on its own: either side may come first, flows are independent, a mismatch
 * names both records and the differing field, leftovers fail, timing error is measured.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=LockstepTest}
 */
class LockstepTest {
    final Lockstep ls = new Lockstep(() -> "seed: 0x1\nREPRODUCE: ./scripts/test --only X#y -Dseed=0x1 -Dwaves=1")
            .port("m_dma_ar")
            .port("m_event", t -> ((AdapterEvent) t).conn());

    static <T> Observed<T> at(T t, long cycle) {
        return new Observed<>(t, cycle, cycle);
    }

    @Test
    void matchesWhicheverSideComesFirstAndHandsBackTheCycle() {
        List<Long> actual = new ArrayList<>();
        ls.expect("m_dma_ar", new DmaReadRequest(0, 0x100, 3), 10, actual::add);
        ls.observe("m_dma_ar", at(new DmaReadRequest(0, 0x100, 3), 14));
        ls.observe("m_dma_ar", at(new DmaReadRequest(0, 0x200, 3), 30));
        ls.expect("m_dma_ar", new DmaReadRequest(0, 0x200, 3), 31, actual::add);
        ls.checkEmpty();
        assertThat(actual).containsExactly(14L, 30L);
        assertThat(ls.compared()).isEqualTo(2);
        Lockstep.TimingError t = ls.timing().get("m_dma_ar");
        assertThat(t.compared()).isEqualTo(2);
        assertThat(t.mean()).isEqualTo(1.5);
        assertThat(t.min()).isEqualTo(-1);
        assertThat(t.max()).isEqualTo(4);
    }

    @Test
    void flowsOfOnePortAreComparedIndependently() {
        ls.expect("m_event", new AdapterEvent(1, EventCode.DESC_LOOP, 5), 0, c -> {});
        ls.expect("m_event", new AdapterEvent(2, EventCode.DESC_LOOP, 6), 0, c -> {});
        ls.observe("m_event", at(new AdapterEvent(2, EventCode.DESC_LOOP, 6), 3));
        ls.observe("m_event", at(new AdapterEvent(1, EventCode.DESC_LOOP, 5), 4));
        ls.checkEmpty();
    }

    @Test
    void mismatchNamesBothRecordsTheFieldAndHowToReproduce() {
        ls.expect("m_dma_ar", new DmaReadRequest(0, 0x100, 3), 10, c -> {});
        ls.observe("m_dma_ar", at(new DmaReadRequest(0, 0x100, 3), 12));
        ls.expect("m_dma_ar", new DmaReadRequest(0, 0x120, 3), 20, c -> {});
        assertThatThrownBy(() -> ls.observe("m_dma_ar", at(new DmaReadRequest(0, 0x140, 3), 22)))
                .isInstanceOfSatisfying(LockstepMismatchError.class, e -> {
                    assertThat(e.port()).isEqualTo("m_dma_ar");
                    assertThat(e.cycle()).isEqualTo(22);
                })
                .hasMessageContaining("LOCKSTEP MISMATCH on m_dma_ar at cycle 22")
                .hasMessageContaining("expected (TLM, estimated cycle 20): DmaRead[id=0, addr=0x120, beats=4]")
                .hasMessageContaining("actual   (RTL, cycles 22..22): DmaRead[id=0, addr=0x140, beats=4]")
                .hasMessageContaining("'addr' differ")
                .hasMessageContaining("cycle 12: DmaRead[id=0, addr=0x100, beats=4]")
                .hasMessageContaining("REPRODUCE: ./scripts/test --only X#y");
    }

    @Test
    void differentKindsOnOnePortAreAMismatch() {
        Lockstep any = new Lockstep(() -> "").port("p");
        any.expect("p", new DmaReadRequest(0, 0, 0), 0, c -> {});
        assertThatThrownBy(() -> any.observe("p", at(new AdapterEvent(0, EventCode.DESC_LOOP, 0), 1)))
                .hasMessageContaining("different kinds: DmaReadRequest vs AdapterEvent");
    }

    @Test
    void leftoversOnEitherSideFailTheEnd() {
        ls.expect("m_dma_ar", new DmaReadRequest(0, 0x100, 3), 10, c -> {});
        ls.observe("m_event", at(new AdapterEvent(3, EventCode.DESC_LOOP, 9), 5));
        assertThat(ls.predictionsWaiting()).isEqualTo(1);
        assertThatThrownBy(ls::checkEmpty)
                .isInstanceOf(LockstepMismatchError.class)
                .hasMessageContaining("m_dma_ar: TLM predicted, RTL never produced: DmaRead[id=0, addr=0x100, beats=4]")
                .hasMessageContaining("m_event: RTL produced, TLM never predicted: Event[conn=3, DESC_LOOP, detail=0x9] @5")
                .hasMessageContaining("REPRODUCE:");
    }

    @Test
    void unknownPortIsAProgrammingError() {
        assertThatThrownBy(() -> ls.observe("m_nope", at(new DmaReadRequest(0, 0, 0), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scoreboard for port m_nope");
    }
}
