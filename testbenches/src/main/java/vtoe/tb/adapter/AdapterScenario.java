package vtoe.tb.adapter;

import vtoe.model.world.ConnSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import vtoe.cosim.AxiReadResponder;
import vtoe.cosim.PausePattern;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.tb.stim.Biased;
import vtoe.tb.stim.RunStreams;

/**
 * A constrained-random run of the complete adapter: 1..4 connections (one run in four a crowd of 8..16)
 * on random connection numbers in random modes; MSS, block sizes and windows at their edges (1, MSS-1,
 * MSS, MSS+1, page sizes, 64 KiB); first sequence numbers near the 2^32 wrap; links with latency, loss
 * (ACKs too), duplication, reordering and corruption; host answer latency profiles up to 500 cycles and
 * beyond; DMA latency and reordering, and in one run in four stray read data; backpressure on every
 * stream; and, sometimes, a receiver that stops reading for a while so the window closes and reopens.
 * Each agent draws from its own stream of the run's seed.
 */
public final class AdapterScenario {
    /** One connection's part; {@code bufferVa} is where its send buffer starts (0: the testbench's default). */
    public record Part(ConnSetup setup, int bytes, int blockBytes, long pauseAt, long resumeAt, long bufferVa) {
        /** Where the buffer's first byte sits in its page: 0 for the default buffer, which starts a page. */
        public int pageOffset() {
            return (int) (bufferVa & (HostStub.PAGE - 1));
        }

        /** The pages the buffer spans: frames the host hands it, in order. */
        public int pages() {
            return (int) ((pageOffset() + (long) bytes + HostStub.PAGE - 1) / HostStub.PAGE);
        }
    }

    public final long seed;
    public final AdapterTb.Timing timing;
    public final List<Part> parts = new ArrayList<>();

    public static AdapterScenario generate(AdapterParams p, long seed) {
        return new AdapterScenario(p, seed, 1);
    }

    /** @param scale multiplies the bytes per connection (regressions and the demo run bigger ones) */
    public static AdapterScenario generate(AdapterParams p, long seed, int scale) {
        return new AdapterScenario(p, seed, scale);
    }

    private AdapterScenario(AdapterParams p, long seed, int scale) {
        this.seed = seed;
        RunStreams s = new RunStreams(seed);
        UniformRandomProvider shape = s.stream("adapter-shape");
        UniformRandomProvider sizes = s.stream("adapter-sizes");
        UniformRandomProvider links = s.stream("adapter-links");
        UniformRandomProvider win = s.stream("adapter-window");
        // Window scaling draws from a stream of its own, so every other draw of a seed stays what it was.
        UniformRandomProvider wscale = s.stream("adapter-wscale");
        // One connection in two puts its send buffer across a 4 GiB line of VA, the line somewhere inside its bytes, so
        // that segment and retransmit VAs carry into bit 32 (mutant M18). A stream of its own: other draws keep their meaning.
        UniformRandomProvider vaWin = s.stream("adapter-va-window");
        // One connection in eight gets a tiny MSS (1..8 bytes), so that frames of 55 to 62 bytes, on both sides of the
        // 60-byte Ethernet minimum the framer pads to, are common rather than rare (mutant M43). Its own stream, drawn
        // after the MSS: the other draws stay as they were.
        UniformRandomProvider tiny = s.stream("adapter-tiny-mss");
        int n = 1 + shape.nextInt(4);
        // One run in four is a crowd of 8..16 connections, so that many segments of different connections are ready
        // at once: the framer's round robin over them (mutant M44) and timers of many connections falling into one
        // timer-wheel slot (M34) then matter. A stream of its own, and the extra connections draw after the first n.
        UniformRandomProvider crowd = s.stream("adapter-crowd");
        if (crowd.nextInt(4) == 0) {
            n = 8 + crowd.nextInt(9);
        }
        int[] connNos = PermutationSampler.natural(p.numConns());
        PermutationSampler.shuffle(shape, connNos);
        for (int i = 0; i < n; i++) {
            int conn = connNos[i];
            int mode = shape.nextInt(3);
            int mss = (int) Biased.between(sizes, 1, p.slotBytes(), 64, 536, 1459, 1460, 1461);
            if (tiny.nextInt(8) == 0) {
                mss = 1 + tiny.nextInt(8);
            }
            int iss = (int) Biased.between(sizes, Integer.MIN_VALUE, Integer.MAX_VALUE, -1, -2000, 0);
            // Enough segments to matter, few enough for a unit-test budget.
            int bytes = (int) Math.min(Biased.between(sizes, 1, 60_000L * scale, 1, mss - 1, mss, mss + 1, 4095, 4096, 4097, 8192),
                    250L * mss * scale);
            if (n >= 8) {
                bytes = Math.min(bytes, 16_384 * scale); // a crowd costs what a few connections do, not four times as much
            }
            int block = (int) Biased.between(sizes, 1, 65536, Math.max(1, mss - 1), mss, mss + 1, 4095, 4096, 4097);
            int buffer = (int) Biased.between(win, 1, 65535, Math.min(65535, mss), Math.min(65535, 2 * mss), 8192);
            buffer = Math.max(buffer, Math.min(65535, mss)); // a window below one MSS only slows things down
            double read = win.nextInt(4) == 0 ? 0.5 + win.nextDouble() * 4 : Double.POSITIVE_INFINITY;
            long rto = 3000 + links.nextInt(20_000);
            long lat = 20 + links.nextInt(1500);
            double loss = links.nextInt(3) == 0 ? 0 : links.nextDouble() * 0.05;
            double ackLoss = links.nextInt(3) == 0 ? 0 : links.nextDouble() * 0.05;
            double dup = links.nextDouble() * 0.02;
            double reorder = links.nextDouble() * 0.03;
            double corrupt = links.nextDouble() * 0.01;
            Link.Config to = Link.Config.ideal(lat).withImpairments(loss, dup, reorder, 200 + links.nextInt(2000), corrupt);
            Link.Config from = Link.Config.ideal(lat).withImpairments(ackLoss, dup, reorder, 200 + links.nextInt(2000), corrupt);
            // A third of the connections scale their window (RFC 7323): any shift, the buffer grown by up to as much,
            // so that windows past 64 KiB and coarse units that round the receiver's advertisement both occur.
            int shift = wscale.nextInt(3) == 0 ? 1 + wscale.nextInt(ConnSetup.MAX_WND_SHIFT) : 0;
            if (shift > 0) {
                buffer = (int) Math.min(Math.min(65535L << shift, ConnSetup.MAX_BUFFER), (long) buffer << wscale.nextInt(shift + 1));
            }
            ConnSetup cs = ConnSetup.of(conn, mode).withMss(mss).withIss(iss).withRto(rto).withWndShift(shift).withWindow(buffer, buffer)
                    .withReadRate(read).withLinks(to, from);
            long pauseAt = win.nextInt(4) == 0 ? 2000 + win.nextInt(20_000) : -1;
            long resumeAt = pauseAt < 0 ? -1 : pauseAt + 5000 + win.nextInt(40_000);
            long bufferVa = vaWin.nextBoolean() ? AdapterTb.bufferVaAcross4G(conn, 1 + vaWin.nextInt(bytes)) : 0;
            parts.add(new Part(cs, bytes, block, pauseAt, resumeAt, bufferVa));
        }
        UniformRandomProvider lat = s.stream("adapter-latency");
        long[] dmaLat = new long[128];
        int dmaProfile = lat.nextInt(3);
        for (int i = 0; i < dmaLat.length; i++) {
            dmaLat[i] = switch (dmaProfile) {
                case 0 -> 1 + lat.nextInt(10);
                case 1 -> 10 + lat.nextInt(200);
                default -> lat.nextDouble() < 0.1 ? 300 + lat.nextInt(500) : 5 + lat.nextInt(40);
            };
        }
        long[] hostLat = new long[256];
        int hostProfile = lat.nextInt(3);
        for (int i = 0; i < hostLat.length; i++) {
            hostLat[i] = switch (hostProfile) {
                case 0 -> 1 + lat.nextInt(20);
                case 1 -> 1 + lat.nextInt(500);
                default -> lat.nextDouble() < 0.05 ? 1000 + lat.nextInt(3000) : 20 + lat.nextInt(100);
            };
        }
        int[] k = {0};
        LongSupplier host = () -> hostLat[k[0]++ % hostLat.length];
        UniformRandomProvider bp = s.stream("adapter-backpressure");
        var dma = new AxiReadResponder.Config(dmaLat, 1 + bp.nextInt(32), bp.nextBoolean(), pause(bp), pause(bp), List.of(),
                strays(s.stream("adapter-stray")));
        // One run in two puts host memory across 4 GiB (its own stream, so that other draws keep their meaning).
        long paBase = s.stream("adapter-pa-window").nextBoolean() ? AdapterTb.Timing.PA_ACROSS_4G : 0;
        this.timing = new AdapterTb.Timing(dma, host, pause(bp), pause(bp), pause(bp), pause(bp), pause(bp), pause(bp),
                pause(bp), pause(bp), paBase);
    }

    /**
     * One run in four: the host's read responder answers a few bursts twice (1 to 3 of every 64 to 511 completed
     * bursts), sent only while no read of that id is outstanding, so the copy is stray data the adapter must drop with
     * exactly one DMA_STRAY_RESPONSE event per burst (mutant M47 raised one per beat). Its own stream.
     */
    private static PausePattern strays(UniformRandomProvider r) {
        if (r.nextInt(4) != 0) {
            return PausePattern.NONE;
        }
        int length = 64 + r.nextInt(448);
        long[] bits = new long[(length + 63) / 64];
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
            int i = r.nextInt(length);
            bits[i >> 6] |= 1L << (i & 63);
        }
        return new PausePattern(bits, length);
    }

    private static PausePattern pause(UniformRandomProvider r) {
        return switch (r.nextInt(5)) {
            case 0, 1 -> PausePattern.NONE;
            case 2 -> PausePattern.random(r, 0.3, 256);
            case 3 -> PausePattern.random(r, 0.7, 512);
            default -> PausePattern.bursty(r, 40, 20, 2048);
        };
    }

    public void apply(AdapterTb tb) {
        UniformRandomProvider ext = new RunStreams(seed).stream("host-extents");
        if (ext.nextInt(3) == 0) {
            tb.host.splitExtents(ext, 0.2 + 0.5 * ext.nextDouble());
        }
        for (Part pt : parts) {
            tb.openConnection(pt.setup(), pt.bufferVa());
        }
        long t0 = tb.dut.cycle();
        for (Part pt : parts) {
            int c = pt.setup().conn();
            tb.send(c, payload(pt), pt.blockBytes());
            if (pt.pauseAt() >= 0) {
                tb.sched.at(t0 + pt.pauseAt(), () -> tb.peer(c).receiver().pause());
                tb.sched.at(t0 + pt.resumeAt(), () -> tb.peer(c).receiver().resume());
            }
        }
    }

    /** The bytes a connection sends: the same on every call, from the run's stream "payload-<conn>". */
    public byte[] payload(Part pt) {
        byte[] d = new byte[pt.bytes()];
        new RunStreams(seed).stream("payload-" + pt.setup().conn()).nextBytes(d);
        return d;
    }

    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Part pt : parts) {
            ConnSetup c = pt.setup();
            s.append(String.format("%n    conn %d %s: %d bytes in blocks of %d, MSS %d, window %d (shift %d), iss %d, RTO %d, link %s",
                    c.conn(), c.modeName(), pt.bytes(), pt.blockBytes(), c.mss(), c.rcvBuffer(), c.wndShift(), Integer.toUnsignedLong(c.iss()),
                    c.rto(), c.toPeer()));
            if (pt.bufferVa() != 0) {
                s.append(String.format(", send buffer at VA 0x%x (across a 4 GiB line)", pt.bufferVa()));
            }
        }
        if (timing.paBase() != 0) {
            s.append(String.format("%n    host memory from PA 0x%x (across the 4 GiB line)", timing.paBase()));
        }
        return s.toString();
    }
}
