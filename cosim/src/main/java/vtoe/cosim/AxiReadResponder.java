package vtoe.cosim;

import java.util.ArrayList;
import java.util.List;

/**
 * The host memory side of an AXI4-style read port, run natively: it accepts requests on the AR port
 * (up to {@code maxOutstanding}, when the AR pattern allows), answers each after its latency with
 * beats read in place from the host memory buffer (when the R pattern allows), in order or, with
 * {@code reorder}, in the order requests become ready (bursts of one id stay in order). Reads outside
 * the memory get DECERR, reads touching an error range get that range's response.
 *
 * <p>Latencies are given as a sequence used in turn, so a test draws them from its own seeded
 * distribution and the run stays reproducible.
 */
public final class AxiReadResponder {
    /** Reads overlapping [lo, hi) are answered with {@code resp} (2 SLVERR, 3 DECERR) and zero data. */
    public record ErrorRange(long lo, long hi, int resp) {}

    /**
     * @param duplicate bit k set: the k-th completed burst is answered a second time, right after
     *                  (a host bug that produces stray data), but only if no other read of its id is
     *                  outstanding, and no request is accepted until the copy has been sent: so the copy is
     *                  always stray data, never a wrong answer to a read; {@link PausePattern#NONE} never does
     */
    public record Config(long[] latencies, int maxOutstanding, boolean reorder, PausePattern arPause,
            PausePattern rPause, List<ErrorRange> errors, PausePattern duplicate) {
        public Config {
            if (latencies.length == 0) {
                throw new IllegalArgumentException("give at least one latency");
            }
            for (long l : latencies) {
                if (l < 1) {
                    throw new IllegalArgumentException("latencies must be at least 1 cycle, got " + l);
                }
            }
            if (maxOutstanding < 1) {
                throw new IllegalArgumentException("maxOutstanding must be at least 1");
            }
            latencies = latencies.clone();
            errors = List.copyOf(errors);
        }

        public static Config fixed(long latency) {
            return new Config(new long[] {latency}, 8, false, PausePattern.NONE, PausePattern.NONE, List.of(),
                    PausePattern.NONE);
        }

        public Config withErrors(List<ErrorRange> e) {
            return new Config(latencies, maxOutstanding, reorder, arPause, rPause, e, duplicate);
        }

        public Config withMaxOutstanding(int n) {
            return new Config(latencies, n, reorder, arPause, rPause, errors, duplicate);
        }

        public Config withDuplicates(PausePattern d) {
            return new Config(latencies, maxOutstanding, reorder, arPause, rPause, errors, d);
        }
    }

    private AxiReadResponder() {}

    public static void attach(Dut dut, String arPort, String rPort, Config c) {
        List<Long> triples = new ArrayList<>();
        for (ErrorRange e : c.errors()) {
            triples.add(e.lo());
            triples.add(e.hi());
            triples.add((long) e.resp());
        }
        NativeSim.attachReadResponder(dut.handle(), dut.port(arPort).index(), dut.port(rPort).index(), c.latencies(),
                c.maxOutstanding(), c.reorder(), c.arPause().allowBits(), c.arPause().length(), c.rPause().allowBits(),
                c.rPause().length(), triples.stream().mapToLong(Long::longValue).toArray(), c.duplicate().allowBits(),
                c.duplicate().length());
    }
}
