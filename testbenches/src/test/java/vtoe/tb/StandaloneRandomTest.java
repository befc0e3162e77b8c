package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import vtoe.model.AdapterParams;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.tb.junit.SeededTest;
import vtoe.tb.junit.SimRun;
import vtoe.tb.stim.RunStreams;
import vtoe.tb.world.WorldScenario;

/**
 * The standalone TLM (no RTL) in the random worlds of {@link WorldScenario}: the same scenarios the
 * co-simulation runs, judged by the same verdict, and every decision the standalone ConnStateUnit
 * makes passes through the checks the lockstep holds the RTL to (and its cheap look at whether the
 * next cycle has an op agrees with the op it decides).
 *
 * <p>Run just this: {@code ./scripts/test --only StandaloneRandomTest}; more seeds: {@code -Dseeds=500}.
 */
class StandaloneRandomTest {
    @SeededTest(40)
    void randomWorldOnTheTlm(SimRun run) {
        StandaloneWorld w = run(run, false);
        assertThat(w.world.driver().events()).isEmpty();
    }

    /**
     * The standalone TLM delivers a DMA burst and a PUSH answer in one kernel event; delivered beat by
     * beat instead, every run must end in the same cycle with the same counts everywhere.
     */
    @SeededTest(20)
    void batchedDeliveryChangesNothing(SimRun run) {
        assertThat(fingerprint(run(run, false))).isEqualTo(fingerprint(run(run, true)));
    }

    private static StandaloneWorld run(SimRun run, boolean perBeat) {
        AdapterParams p = AdapterParams.adapterDefaults();
        WorldScenario sc = new WorldScenario(p, run.seed());
        StandaloneWorld w = new StandaloneWorld(p, sc.world, StandaloneAdapter.Timing.defaults(), new RunStreams(run.seed())::stream,
                run::context);
        w.adapter.deliverPerBeat(perBeat).checkLookahead(true); // the look at the next cycle agrees with decide in every op
        try {
            for (var pt : sc.adapter.parts) {
                w.open(pt.setup());
            }
            long t0 = w.cycle();
            for (var pt : sc.adapter.parts) {
                int c = pt.setup().conn();
                byte[] d = new byte[pt.bytes()];
                new RunStreams(run.seed()).stream("payload-" + c).nextBytes(d);
                w.world.send(c, d);
                if (pt.pauseAt() >= 0) {
                    w.kernel.at(t0 + pt.pauseAt(), () -> w.world.peer(c).receiver().pause());
                    w.kernel.at(t0 + pt.resumeAt(), () -> w.world.peer(c).receiver().resume());
                }
            }
            assertThat(w.finish(40_000_000)).as(w.world.diagnostics()).isEmpty();
        } catch (RuntimeException | AssertionError e) {
            e.addSuppressed(new RuntimeException("scenario:" + sc.describe() + "\n" + run.context(), null, false, false) {});
            throw e;
        }
        return w;
    }

    private static List<Object> fingerprint(StandaloneWorld w) {
        List<Object> f = new ArrayList<>(List.of(w.cycle(), w.adapter.ops(), w.adapter.framesSent(), w.adapter.txBusyCycles(),
                w.world.figures(), w.world.driver().stats(), w.world.vm().stats()));
        for (int c = 0; c < w.adapter.params().numConns(); c++) {
            if (w.world.peer(c) != null) {
                f.add(w.world.peer(c).receiver().stats());
            }
        }
        return f;
    }
}
