package vtoe.cosim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a port trace written by a recording {@link Dut} ({@link DutOptions#portTrace}); the format is
 * described in {@code cosim/src/main/native/port_trace.h}. For inspecting and testing traces: the
 * replay itself is native ({@link Replay}).
 *
 * @param top          the Verilated top
 * @param seed         the run's seed (X-initialisation)
 * @param slots        names of the input slots, in file order (reset, then per port its inputs)
 * @param changes      every input change, in cycle order
 * @param cycles       cycles the run had
 * @param checkpoints  checkpoint records (one per {@code checkpointCycles} cycles, and the rest)
 * @param checkpointCycles cycles per checkpoint record
 * @param endedKind    how the run ended (status bits of {@link StepStatus}; 0: closed normally)
 * @param bytes        size of the file
 */
public record PortTrace(String top, long seed, List<String> slots, List<Change> changes, long cycles, List<Checkpoint> checkpoints,
        int checkpointCycles, long endedKind, long bytes) {
    /** One input slot's new value from {@code cycle} on; {@code offset} is where the value's varint starts in the file. */
    public record Change(long cycle, int slot, long value, long offset) {}

    /**
     * Output hashes of cycles {@code firstCycle} to {@code firstCycle + count - 1}: one 32-bit fingerprint
     * per cycle from file offset {@code fingerprints}, then the 64-bit running hash.
     */
    public record Checkpoint(long firstCycle, long count, long fingerprints) {}

    /** Index of the named slot, e.g. "s_dma_r_bits_data". */
    public int slot(String name) {
        int i = slots.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(top + "'s port trace has no input slot " + name + "; slots: " + slots);
        }
        return i;
    }

    public static PortTrace read(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var p = new Object() {
            int at;

            int u8() {
                if (at >= b.length) {
                    throw new IllegalArgumentException(file + ": truncated at byte " + at);
                }
                return b[at++] & 0xff;
            }

            long le(int n) {
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v |= (long) u8() << (8 * i);
                }
                return v;
            }

            long var() {
                long v = 0;
                for (int shift = 0; shift < 64; shift += 7) {
                    int c = u8();
                    v |= (long) (c & 0x7f) << shift;
                    if ((c & 0x80) == 0) {
                        return v;
                    }
                }
                throw new IllegalArgumentException(file + ": varint too long at byte " + at);
            }

            String str() {
                int n = Math.toIntExact(le(4));
                String s = new String(b, at, n, StandardCharsets.UTF_8);
                at += n;
                return s;
            }
        };
        if (b.length < 8 || !new String(b, 0, 8, StandardCharsets.US_ASCII).equals("VTOEPTR1")) {
            throw new IllegalArgumentException(file + " is not a vtoe port trace");
        }
        p.at = 8;
        long version = p.le(4);
        if (version != 1) {
            throw new IllegalArgumentException(file + ": port trace format " + version + ", this reader knows 1");
        }
        String top = p.str();
        long seed = p.le(8);
        p.le(8); // params hash
        int checkpointCycles = Math.toIntExact(p.le(4));
        int n = Math.toIntExact(p.le(4));
        List<String> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            slots.add(p.str());
        }
        List<Change> changes = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        while (p.at < b.length) {
            int tag = p.u8();
            switch (tag) {
                case 'I' -> {
                    long cycle = p.var();
                    long k = p.var();
                    for (long i = 0; i < k; i++) {
                        int slot = Math.toIntExact(p.var());
                        int off = p.at;
                        changes.add(new Change(cycle, slot, p.var(), off));
                    }
                }
                case 'C' -> {
                    long first = p.var();
                    long k = p.var();
                    checkpoints.add(new Checkpoint(first, k, p.at));
                    p.at += Math.toIntExact(4 * k + 8);
                }
                case 'E' -> {
                    long cycles = p.var();
                    long ended = p.var();
                    p.le(8);
                    return new PortTrace(top, seed, List.copyOf(slots), java.util.Collections.unmodifiableList(changes), cycles,
                            List.copyOf(checkpoints), checkpointCycles, ended, b.length);
                }
                default -> throw new IllegalArgumentException(file + ": unknown record tag " + tag + " at byte " + (p.at - 1));
            }
        }
        throw new IllegalArgumentException(file + ": no end record (the recording Dut was not closed)");
    }
}
