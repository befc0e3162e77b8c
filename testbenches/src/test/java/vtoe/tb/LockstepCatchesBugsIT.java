package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.ConnCfg;
import vtoe.model.adapter.Descriptor;
import vtoe.model.adapter.FetchTopModel;
import vtoe.model.adapter.SerialDescriptorFetch;
import vtoe.model.check.LockstepMismatchError;
import vtoe.model.check.OutputSink;
import vtoe.tb.fetch.FetchTb;
import vtoe.tb.junit.SimRun;

/**
 * The lockstep scoreboard finds a disagreement and says where: the fetch runs against TLM variants
 * with one planted bug each, and the mismatch report must name the port, the cycle, both records,
 * the differing field, the history on that port, the seed and the REPRODUCE command.
 *
 * <p>Run just this: {@code ./scripts/test --only LockstepCatchesBugsIT}
 */
class LockstepCatchesBugsIT {
    static final long VA = 0x4000_0000L;
    static final long PA = 0x20_0000L;

    /** Translates descriptor VAs of the region's second page with the wrong page: an off-by-4K bug. */
    static final class WrongPageFetch extends SerialDescriptorFetch {
        WrongPageFetch(AdapterParams p, int id, CsrView csr, OutputSink out) {
            super(p, id, csr, out, "m_desc", "m_event");
        }

        @Override
        protected long translate(ConnCfg c, long descVa) {
            long off = descVa - c.regionVa();
            return c.regionPa() + (off >= 4096 ? off - 4096 : off);
        }
    }

    @Test
    void wrongTranslationInTheModelIsReportedWithBothRecords() {
        SimRun run = SimRun.of("LockstepCatchesBugsIT", "wrongTranslationInTheModelIsReportedWithBothRecords", 0xbad);
        try (FetchTb tb = new FetchTb(run, FetchTb.Timing.fast(), (p, id, csr, out) -> new WrongPageFetch(p, id, csr, out))) {
            tb.openConnection(0, VA, PA, 8192, 0);
            // First page fine, then a link into the second page, where the model goes wrong.
            tb.writeDescriptor(PA, new Descriptor(0x1000, VA + 64, 10, 0, 0));
            tb.writeDescriptor(PA + 64, new Descriptor(0x2000, VA + 4096 + 32, 10, 10, 0));
            tb.writeDescriptor(PA + 4096 + 32, new Descriptor(0x3000, 0, 10, 20, 0));
            tb.ring(0, VA);
            assertThatThrownBy(tb::finish)
                    .isInstanceOfSatisfying(LockstepMismatchError.class, e -> {
                        assertThat(e.port()).isEqualTo("m_dma_ar");
                        assertThat(e.cycle()).isPositive();
                    })
                    .hasMessageContaining("LOCKSTEP MISMATCH on m_dma_ar at cycle")
                    .hasMessageContaining("expected (TLM, estimated cycle")
                    .hasMessageContaining("DmaRead[id=0, addr=0x200020, beats=4]")
                    .hasMessageContaining("actual   (RTL, cycles")
                    .hasMessageContaining("DmaRead[id=0, addr=0x201020, beats=4]")
                    .hasMessageContaining("'addr' differ")
                    .hasMessageContaining("last matched on m_dma_ar:")
                    .hasMessageContaining("DmaRead[id=0, addr=0x200040, beats=4]")
                    .hasMessageContaining("seed: 0xbad")
                    .hasMessageContaining("REPRODUCE: ./scripts/test --only LockstepCatchesBugsIT#"
                            + "wrongTranslationInTheModelIsReportedWithBothRecords -Dseed=0xbad -Dwaves=1");
        }
    }

    @Test
    void outputTheModelNeverPredictedIsALeftover() {
        SimRun run = SimRun.of("LockstepCatchesBugsIT", "outputTheModelNeverPredictedIsALeftover", 0x1eff);
        // A model that predicts nothing at all on m_desc: every descriptor the RTL hands on is unexpected.
        FetchTopModel.FetchFactory silent = (p, id, csr, out) -> new SerialDescriptorFetch(p, id, csr,
                (port, txn, est, actual) -> {
                    if (!port.equals("m_desc")) {
                        out.emit(port, txn, est, actual);
                    } else {
                        actual.accept(est); // it believes the descriptor went out, and goes on
                    }
                }, "m_desc", "m_event");
        try (FetchTb tb = new FetchTb(run, FetchTb.Timing.fast(), silent)) {
            tb.openConnection(1, VA, PA, 4096, 0);
            tb.writeDescriptor(PA, new Descriptor(0x1000, 0, 10, 0, 0));
            tb.ring(1, VA);
            assertThatThrownBy(() -> tb.finish(20_000))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("m_desc")
                    .hasMessageContaining("Desc[conn=1, descVa=0x40000000")
                    .hasMessageContaining("REPRODUCE:");
        }
    }
}
