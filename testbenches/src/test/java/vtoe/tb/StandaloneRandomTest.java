package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

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
 * makes passes through the checks the lockstep holds the RTL to.
 *
 * <p>Run just this: {@code ./scripts/test --only StandaloneRandomTest}; more seeds: {@code -Dseeds=500}.
 */
class StandaloneRandomTest {
    @SeededTest(40)
    void randomWorldOnTheTlm(SimRun run) {
        AdapterParams p = AdapterParams.adapterDefaults();
        WorldScenario sc = new WorldScenario(p, run.seed());
        StandaloneWorld w = new StandaloneWorld(p, sc.world, StandaloneAdapter.Timing.defaults(), new RunStreams(run.seed())::stream,
                run::context);
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
        assertThat(w.world.driver().events()).isEmpty();
    }
}
