package vtoe.tb.fetch;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import vtoe.cosim.AxiReadResponder;
import vtoe.cosim.PausePattern;
import vtoe.model.AdapterParams;
import vtoe.model.adapter.Descriptor;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.model.txn.Observed;
import vtoe.tb.stim.Biased;
import vtoe.tb.stim.RunStreams;

/**
 * A constrained-random descriptor-fetch scenario: connections with regions placed anywhere in VA and
 * PA space, chains of random length over random slots, sizes and seqs biased to their edges (size 1
 * and maxBlockBytes, seq wrap at 2^32), faults injected at random points (each rule of design brief
 * section 3), random host latencies and backpressure on every stream. The scenario knows what must
 * come out (descriptors, events, reads), independently of the TLM.
 */
public final class FetchScenario {
    /** One doorbell and what it must produce. */
    public record Chain(int conn, long headVa, List<FetchedDescriptor> descs, AdapterEvent event, List<Long> readPas,
            String fault) {}

    public record Conn(int conn, long regionVa, long regionPa, int regionBytes, int startSeq) {}

    public final long seed;
    public final FetchTb.Timing timing;
    public final List<Conn> conns = new ArrayList<>();
    public final List<Chain> chains = new ArrayList<>();
    /** Descriptors to write: PA and content. */
    public final List<long[]> writes = new ArrayList<>();
    private final List<Descriptor> written = new ArrayList<>();
    private final List<AxiReadResponder.ErrorRange> errors = new ArrayList<>();
    private final UniformRandomProvider errBeat; // which beat of a failing descriptor read fails (see the constructor)
    private final List<Long> ringGaps = new ArrayList<>();

    private static final String[] FAULTS = {"out-of-region", "misaligned", "loop", "bad-seq", "bad-size", "dma-error",
        "bad-conn", "disabled"};

    /**
     * Size of a scenario: {@code minChains..maxChains} doorbells of up to {@code maxLen} descriptors,
     * each chain faulty with probability {@code faultRate}. Every descriptor of a connection gets its
     * own slot, so the largest region bounds how many a connection can have.
     */
    public record Shape(int minChains, int maxChains, int maxLen, double faultRate) {
        public static final Shape SMALL = new Shape(1, 12, 24, 0.35);

        public Shape {
            if (minChains < 1 || maxChains < minChains || maxLen < 1 || faultRate < 0 || faultRate > 1) {
                throw new IllegalArgumentException("bad scenario shape " + this);
            }
        }
    }

    public static FetchScenario generate(AdapterParams p, long seed) {
        return new FetchScenario(p, seed, Shape.SMALL);
    }

    public static FetchScenario generate(AdapterParams p, long seed, Shape shape) {
        return new FetchScenario(p, seed, shape);
    }

    private FetchScenario(AdapterParams p, long seed, Shape sh) {
        this.seed = seed;
        RunStreams s = new RunStreams(seed);
        UniformRandomProvider shape = s.stream("shape");
        UniformRandomProvider sizes = s.stream("sizes");
        UniformRandomProvider faults = s.stream("faults");
        UniformRandomProvider place = s.stream("placement");
        UniformRandomProvider when = s.stream("doorbell-times");
        // Which beat of a failing descriptor read answers with an error: all of them, or (two runs in three) one,
        // so an error on a beat other than the last is seen (mutant M12). A stream of its own: kept seeds draw the rest as before.
        errBeat = s.stream("error-beat");
        int maxSlots = p.maxRegionBytes() / 32;

        int nConns = sh.minChains() > 1 ? p.numConns() : 1 + shape.nextInt(p.numConns());
        int nChains = sh.minChains() + shape.nextInt(sh.maxChains() - sh.minChains() + 1);
        // Which connection each chain belongs to, and its length.
        int[] chainConn = new int[nChains];
        int[] chainLen = new int[nChains];
        int[] perConnDescs = new int[nConns];
        for (int i = 0; i < nChains; i++) {
            chainConn[i] = shape.nextInt(nConns);
            chainLen[i] = (int) Biased.between(shape, 1, sh.maxLen(), 2);
            // Every descriptor of a connection has its own slot: stop at the largest region.
            chainLen[i] = Math.max(0, Math.min(chainLen[i], maxSlots - 1 - perConnDescs[chainConn[i]]));
            perConnDescs[chainConn[i]] += chainLen[i];
        }
        // Regions: disjoint 1 MiB PA windows in a shuffled order, VAs anywhere (incl. high halves).
        int[] paWindow = PermutationSampler.natural(nConns);
        PermutationSampler.shuffle(place, paWindow);
        for (int c = 0; c < nConns; c++) {
            int slots = Math.max(perConnDescs[c] + 1, (int) Biased.between(place, 1, maxSlots, maxSlots));
            slots = Math.min(slots, maxSlots);
            long va = (place.nextLong() & ~31L);
            if (Long.compareUnsigned(va, -1L - (long) slots * 32 - 4096) > 0) {
                va -= 1L << 20; // keep [va, va + bytes) from wrapping the address space
            }
            long pa = (1L << 20) * (1 + paWindow[c]) + (place.nextInt(1 << 15) & ~31L);
            int startSeq = (int) Biased.between(sizes, Integer.MIN_VALUE, Integer.MAX_VALUE, -1, -100, 0);
            conns.add(new Conn(c, va, pa, slots * 32, startSeq));
        }
        // Slots per connection: a permutation, consumed chain after chain.
        int[][] slotOrder = new int[nConns][];
        int[] nextSlot = new int[nConns];
        int[] seq = new int[nConns];
        for (Conn c : conns) {
            slotOrder[c.conn()] = PermutationSampler.natural(c.regionBytes() / 32);
            PermutationSampler.shuffle(place, slotOrder[c.conn()]);
            seq[c.conn()] = c.startSeq();
        }
        for (int i = 0; i < nChains; i++) {
            Conn c = conns.get(chainConn[i]);
            int len = chainLen[i];
            if (len == 0) {
                continue; // the connection's region is full
            }
            String fault = faults.nextDouble() < sh.faultRate() ? FAULTS[faults.nextInt(FAULTS.length)] : null;
            if ("disabled".equals(fault) && nConns == p.numConns()) {
                fault = "bad-conn"; // every connection is open: no disabled one to ring
            }
            chains.add(buildChain(p, c, len, fault, slotOrder[c.conn()], nextSlot, seq, sizes, faults, nConns));
            ringGaps.add(Biased.between(when, 0, 400, 1, 30));
        }
        // Timing: host latency profile and pause patterns, each from its own stream.
        UniformRandomProvider lat = s.stream("latency");
        long[] latencies = new long[64];
        int profile = lat.nextInt(3);
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = switch (profile) {
                case 0 -> 1 + lat.nextInt(8);
                case 1 -> 1 + lat.nextInt(120);
                default -> lat.nextDouble() < 0.1 ? 300 + lat.nextInt(300) : 1 + lat.nextInt(20);
            };
        }
        UniformRandomProvider bp = s.stream("backpressure");
        var responder = new AxiReadResponder.Config(latencies, 1 + bp.nextInt(8), bp.nextBoolean(), pause(bp), pause(bp),
                errors, PausePattern.NONE);
        this.timing = new FetchTb.Timing(responder, pause(bp), pause(bp), pause(bp), pause(bp), pause(bp));
    }

    private static PausePattern pause(UniformRandomProvider r) {
        return switch (r.nextInt(4)) {
            case 0 -> PausePattern.NONE;
            case 1 -> PausePattern.random(r, 0.3, 256);
            case 2 -> PausePattern.random(r, 0.8, 512);
            default -> PausePattern.bursty(r, 20, 15, 1024);
        };
    }

    /**
     * One chain of {@code len} descriptors. A VA fault at position {@code at} (0..len) replaces the link
     * into descriptor {@code at} (the head when 0, the last descriptor's terminating link when len);
     * a data fault at {@code at} (0..len-1) corrupts that descriptor itself. Descriptors before the
     * fault come out; the faulty one is read only for data faults; nothing after it is read.
     */
    private Chain buildChain(AdapterParams p, Conn c, int len, String fault, int[] slots, int[] nextSlot, int[] seq,
            UniformRandomProvider sizes, UniformRandomProvider faults, int nConns) {
        int conn = c.conn();
        if ("bad-conn".equals(fault) || "disabled".equals(fault)) {
            int target = "bad-conn".equals(fault) ? p.numConns() + faults.nextInt(0x10000 - p.numConns()) : nConns;
            long head = c.regionVa() + 32L * slots[nextSlot[conn] % slots.length];
            EventCode code = "bad-conn".equals(fault) ? EventCode.DOORBELL_BAD_CONN : EventCode.DOORBELL_DISABLED;
            return new Chain(target, head, List.of(), new AdapterEvent(target, code, head), List.of(), fault);
        }
        long[] va = new long[len];
        long[] pa = new long[len];
        for (int i = 0; i < len; i++) {
            int slot = slots[nextSlot[conn]++];
            va[i] = c.regionVa() + 32L * slot;
            pa[i] = c.regionPa() + 32L * slot;
        }
        boolean vaFault = fault != null && List.of("out-of-region", "misaligned", "loop").contains(fault);
        int at = fault == null ? len
                : "loop".equals(fault) ? 1 + faults.nextInt(len)
                : vaFault ? faults.nextInt(len + 1) : faults.nextInt(len);
        long badVa = !vaFault ? 0 : switch (fault) {
            // Half the time exactly one slot past either end: the off-by-one a region check gets wrong.
            case "out-of-region" -> faults.nextBoolean()
                    ? c.regionVa() - 32L * (faults.nextBoolean() ? 1 : 1 + faults.nextInt(4))
                    : c.regionVa() + c.regionBytes() + 32L * (faults.nextBoolean() ? 0 : faults.nextInt(4));
            case "misaligned" -> va[Math.min(at, len - 1)] + 1 + faults.nextInt(31);
            default -> va[faults.nextInt(at)]; // a descriptor already visited in this chain
        };
        List<FetchedDescriptor> out = new ArrayList<>();
        List<Long> reads = new ArrayList<>();
        AdapterEvent event = null;
        for (int i = 0; i < len; i++) {
            long next = i == len - 1 ? 0 : va[i + 1];
            if (vaFault && i == at - 1) {
                next = badVa;
            }
            int size = (int) Biased.between(sizes, 1, p.maxBlockBytes(), 2, 1460, p.maxBlockBytes() - 1);
            int dseq = seq[conn];
            boolean dataFault = fault != null && !vaFault && i == at;
            if (dataFault && fault.equals("bad-seq")) {
                dseq += 1 + faults.nextInt(1000);
            } else if (dataFault && fault.equals("bad-size")) {
                size = faults.nextBoolean() ? 0 : p.maxBlockBytes() + 1 + faults.nextInt(Integer.MAX_VALUE - p.maxBlockBytes());
            } else if (dataFault) {
                int beat = p.dataBytes() >= 32 ? -1 : errBeat.nextInt(3) == 0 ? -1 : errBeat.nextInt(32 / p.dataBytes());
                long lo = beat < 0 ? pa[i] : pa[i] + (long) beat * p.dataBytes();
                errors.add(new AxiReadResponder.ErrorRange(lo, beat < 0 ? pa[i] + 32 : lo + p.dataBytes(), 2 + faults.nextInt(2)));
            }
            Descriptor d = new Descriptor(sizes.nextLong(), next, size, dseq, sizes.nextLong() & ~0xfL);
            writes.add(new long[] {pa[i]});
            written.add(d);
            if (i < at) {
                reads.add(pa[i]);
                out.add(new FetchedDescriptor(conn, va[i], d.va(), size, dseq, d.pa()));
                seq[conn] += size;
            } else if (dataFault) {
                reads.add(pa[i]);
                event = switch (fault) {
                    case "bad-seq" -> new AdapterEvent(conn, EventCode.DESC_BAD_SEQ,
                            Integer.toUnsignedLong(dseq) << 32 | Integer.toUnsignedLong(seq[conn]));
                    case "bad-size" -> new AdapterEvent(conn, EventCode.DESC_BAD_SIZE, Integer.toUnsignedLong(size));
                    default -> new AdapterEvent(conn, EventCode.DESC_DMA_ERROR, pa[i]);
                };
            }
        }
        if (vaFault) {
            EventCode code = switch (fault) {
                case "out-of-region" -> EventCode.DESC_OUT_OF_REGION;
                case "misaligned" -> EventCode.DESC_MISALIGNED;
                default -> EventCode.DESC_LOOP;
            };
            event = new AdapterEvent(conn, code, badVa);
        }
        return new Chain(conn, vaFault && at == 0 ? badVa : va[0], out, event, reads, fault);
    }

    /** Host side of the scenario: open connections, write descriptors, ring doorbells at random gaps. */
    public void apply(FetchTb tb) {
        for (Conn c : conns) {
            tb.openConnection(c.conn(), c.regionVa(), c.regionPa(), c.regionBytes(), c.startSeq());
        }
        for (int i = 0; i < written.size(); i++) {
            tb.writeDescriptor(writes.get(i)[0], written.get(i));
        }
        long t = tb.dut.cycle();
        for (int i = 0; i < chains.size(); i++) {
            t += ringGaps.get(i);
            tb.ring(chains.get(i).conn(), chains.get(i).headVa(), t);
        }
    }

    /** What the scenario says must have come out, checked against what did. */
    public void verify(FetchTb tb) {
        List<FetchedDescriptor> descs = new ArrayList<>();
        List<AdapterEvent> events = new ArrayList<>();
        List<DmaReadRequest> reads = new ArrayList<>();
        for (Chain c : chains) {
            descs.addAll(c.descs());
            if (c.event() != null) {
                events.add(c.event());
            }
            for (long pa : c.readPas()) {
                reads.add(new DmaReadRequest(0, pa & -(long) tb.params.dataBytes(), tb.params.descBeats() - 1));
            }
        }
        check("descriptors", descs, tb.descs.stream().map(Observed::txn).toList(), tb);
        check("events", events, tb.events.stream().map(Observed::txn).toList(), tb);
        check("descriptor reads", reads, tb.reads.stream().map(Observed::txn).toList(), tb);
    }

    private void check(String what, List<?> expected, List<?> actual, FetchTb tb) {
        if (!expected.equals(actual)) {
            int i = 0;
            while (i < Math.min(expected.size(), actual.size()) && expected.get(i).equals(actual.get(i))) {
                i++;
            }
            throw new AssertionError("scenario " + what + " differ at index " + i + " (expected " + expected.size()
                    + ", got " + actual.size() + ")\n  expected: " + (i < expected.size() ? expected.get(i) : "nothing")
                    + "\n  actual:   " + (i < actual.size() ? actual.get(i) : "nothing") + "\n  chains: " + describe()
                    + "\n" + tb.run().context());
        }
    }

    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Chain c : chains) {
            s.append("\n    conn ").append(c.conn()).append(" head 0x").append(Long.toHexString(c.headVa())).append(": ")
                    .append(c.descs().size()).append(" good").append(c.fault() == null ? "" : ", then " + c.fault());
        }
        return s.toString();
    }

    public int expectedDescriptors() {
        return chains.stream().mapToInt(c -> c.descs().size()).sum();
    }

    public long faults() {
        return chains.stream().filter(c -> c.fault() != null).count();
    }
}
