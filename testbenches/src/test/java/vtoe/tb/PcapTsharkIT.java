package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vtoe.model.adapter.CsrMap;
import vtoe.model.net.Link;
import vtoe.model.net.TsharkCheck;
import vtoe.tb.adapter.AdapterTb;
import vtoe.model.world.ConnSetup;
import vtoe.tb.junit.SimRun;

/**
 * A frame check that does not trust our own code: a lossy run in every mode writes all frames (sent
 * and received) as a pcap, and tshark, with checksum validation on, must find no malformed frame and
 * no bad checksum among the adapter's frames, and decode as many TCP segments as went out.
 *
 * <p>Run just this: {@code ./scripts/test --only PcapTsharkIT}
 */
class PcapTsharkIT {
    @Test
    void tsharkFindsNothingWrongWithTheAdaptersFrames() throws Exception {
        SimRun run = SimRun.of("PcapTsharkIT", "tshark", 0x7541);
        long txFrames;
        java.nio.file.Path pcap;
        try (AdapterTb tb = new AdapterTb(run, AdapterTb.Timing.fast())) {
            // No corruption here: the link's flipped bits would (rightly) show as bad checksums.
            Link.Config l = Link.Config.ideal(400).withImpairments(0.03, 0.01, 0.02, 700, 0);
            int[] modes = {CsrMap.MODE_PUSH, CsrMap.MODE_TRANSLATE, CsrMap.MODE_PREPINNED};
            for (int c = 0; c < 3; c++) {
                tb.openConnection(ConnSetup.of(c + 4, modes[c]).withLinks(l, l).withRto(8000).withMss(1 + 700 * c));
                byte[] d = new byte[40_000];
                new java.util.Random(c).nextBytes(d);
                tb.send(c + 4, d, 5000);
            }
            tb.finish(10_000_000);
            txFrames = tb.txFrames();
            pcap = tb.pcapFile();
        }
        TsharkCheck.Report r = TsharkCheck.check(pcap);
        assertThat(r.problems()).as("tshark on %s:%n%s", pcap, r).isEmpty();
        long tcp = r.frames().stream().filter(TsharkCheck.Decoded::tcp).count();
        // The pcap holds the adapter's frames and the ACKs it received (all TCP).
        assertThat(tcp).isEqualTo(r.frames().size()).isGreaterThan(txFrames);
        assertThat(r.frames().stream().filter(f -> f.len() > 0).count()).isEqualTo(txFrames);
    }
}
