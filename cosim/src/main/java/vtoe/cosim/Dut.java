package vtoe.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtoe.model.AdapterParams;

/**
 * One Verilated top behind JNI. Java deals in transactions here; the native side in beats.
 *
 * <p>{@link #step} runs the model until a cycle, or earlier when an output handshake that Java must
 * react to happens (a "wake" port), then delivers every handshake observed meanwhile to the
 * listeners, in one global order: by cycle, inputs before outputs within a cycle, then by port. The
 * outcome of a run depends only on what was pushed for which cycle, never on where the steps fell.
 *
 * <p>{@code $fatal}, failed assertions, {@code $stop}, {@code $finish} and native protocol-checker
 * violations end the simulation with a {@link SimulationEndedException}; the JVM is never aborted.
 * Use in try-with-resources.
 */
public final class Dut implements AutoCloseable {
    /** Receives every handshake of one port: cycle stamps and the entry's payload words. */
    @FunctionalInterface
    public interface RawListener {
        void beat(long startCycle, long endCycle, long[] entry, int payloadOffset);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private long h;
    private final DutOptions options;
    private final String top;
    private final JsonNode elaboration;
    private final AdapterParams params;
    private final ByteBuffer shared;
    private final List<PortInfo> ports = new ArrayList<>();
    private final Map<String, PortInfo> byName = new LinkedHashMap<>();
    private final RingView[] obs;
    private final RingView[] src;
    private final List<List<RawListener>> listeners = new ArrayList<>();
    private final List<StreamSource<?>> sources = new ArrayList<>();
    private final List<Runnable> afterStep = new ArrayList<>();
    private final Path waves;
    private final WaveTracks tracks; // null unless waves are on
    private ByteBuffer hostMemory; // keeps the buffer reachable while native code reads it
    private long steps;
    private long nativeNanos;
    private long nativeCpuNanos;
    private boolean profile;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private Dut(DutOptions o) {
        this.options = o;
        NativeLibrary.load();
        this.h = NativeSim.create(o.top(), o.seed(), o.waves() != null, o.ringEntries());
        try {
            JsonNode d = JSON.readTree(NativeSim.describe(h));
            this.top = d.get("top").asText();
            this.elaboration = d.get("elaboration");
            this.params = elaboration.has("params") && elaboration.get("params").has("dataBytes")
                    ? AdapterParams.fromJson(elaboration.get("params")) : null;
            this.shared = NativeSim.shared(h).order(ByteOrder.LITTLE_ENDIAN);
            JsonNode ps = d.get("ports");
            obs = new RingView[ps.size()];
            src = new RingView[ps.size()];
            for (int i = 0; i < ps.size(); i++) {
                JsonNode p = ps.get(i);
                List<FieldInfo> fields = new ArrayList<>();
                int at = 0;
                for (JsonNode f : p.get("fields")) {
                    FieldInfo fi = new FieldInfo(f.get("name").asText(), f.get("width").asInt(), at);
                    fields.add(fi);
                    at += fi.words();
                }
                PortInfo pi = new PortInfo(p.get("name").asText(), p.get("input").asBoolean(), i, p.get("words").asInt(),
                        List.copyOf(fields));
                ports.add(pi);
                byName.put(pi.name(), pi);
                obs[i] = ring(p.get("obs"));
                src[i] = p.has("src") ? ring(p.get("src")) : null;
                listeners.add(new ArrayList<>());
            }
            this.waves = o.waves();
            this.tracks = waves != null ? new WaveTracks() : null;
            if (waves != null) {
                Files.createDirectories(waves.toAbsolutePath().getParent());
                NativeSim.traceOpen(h, waves.toAbsolutePath().toString(), o.wavesFrom());
                GtkwSaveFile.write(waves, ports);
            }
            if (o.portTrace() != null) {
                Path t = o.portTrace().toAbsolutePath();
                Files.createDirectories(t.getParent());
                NativeSim.recordOpen(h, t.toString());
            }
            NativeSim.reset(h, o.resetCycles());
            List<String> raised = validAfterReset(NativeSim.portStates(h));
            if (!raised.isEmpty()) {
                throw new IllegalStateException(top + ": output(s) " + raised + " assert valid straight out of reset: a valid "
                        + "register without a reset value (state starts random here, seeded by the run)?\nport states:\n"
                        + NativeSim.portStates(h));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private RingView ring(JsonNode r) {
        return new RingView(shared, r.get("offset").asInt(), r.get("capacity").asInt(), r.get("entryWords").asInt());
    }

    /**
     * Output ports ({@code m_*}) whose valid is high in a port-state dump: right after reset there must
     * be none. Verilator simulates two states, so an X shows up as a random value from the run's seed;
     * a valid without reset is the X that matters most, and this catches it on the first cycle.
     */
    static List<String> validAfterReset(String portStates) {
        List<String> l = new ArrayList<>();
        for (String line : portStates.split("\n")) {
            String t = line.strip();
            if (t.startsWith("m_") && t.contains(": valid=1")) {
                l.add(t.substring(0, t.indexOf(':')));
            }
        }
        return l;
    }

    public static Dut open(DutOptions options) {
        return new Dut(options);
    }

    /** Names of the tops compiled into the loaded library. */
    public static List<String> tops() {
        NativeLibrary.load();
        return List.of(NativeSim.topNames().split(",\\s*"));
    }

    public String top() {
        return top;
    }

    public DutOptions options() {
        return options;
    }

    /** The adapter parameters the top was elaborated with (null for tops without them). */
    public AdapterParams params() {
        return params;
    }

    /** params.json as written by the elaboration. */
    public JsonNode elaboration() {
        return elaboration;
    }

    public List<PortInfo> ports() {
        return Collections.unmodifiableList(ports);
    }

    public PortInfo port(String name) {
        PortInfo p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException(top + " has no port " + name + "; ports: " + byName.keySet());
        }
        return p;
    }

    public Path waves() {
        return waves;
    }

    /** The transaction tracks written into the waves when this closes; null when waves are off. */
    public WaveTracks tracks() {
        return tracks;
    }

    /**
     * Tells the waves where the run failed (the first call wins): the .gtkw then opens there with a
     * named marker. Failures thrown out of {@link #step} are recorded by the Dut itself; a harness
     * calls this for verdicts it reaches after stepping. No effect when waves are off.
     */
    public void failed(Throwable e) {
        if (failedAt >= 0) {
            return;
        }
        long c = e instanceof vtoe.model.check.LockstepMismatchError l && l.cycle() >= 0 ? l.cycle()
                : e instanceof SimulationEndedException s ? s.cycle()
                // A hang: where the ports went quiet is what to look at, not where the watchdog gave up.
                : e instanceof SimulationTimeoutException && lastActivity > 0 ? lastActivity
                : h != 0 ? NativeSim.cycle(h) : 0;
        if (tracks != null && tracks.failure() != null) {
            c = tracks.failure().cycle(); // the scoreboard's own record of it, with the pair it involves
        } else if (tracks != null) {
            tracks.fail(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        failedAt = c;
        // One line that ./scripts/waves --window reads from a run without waves, to trace only before it.
        System.err.println(FAILING_CYCLE + c + " (" + top + ")");
    }

    /** How {@link #failed} names the first failing cycle on stderr. */
    public static final String FAILING_CYCLE = "FAILING CYCLE: ";

    private long failedAt = -1;

    public long cycle() {
        return NativeSim.cycle(handle());
    }

    public long steps() {
        return steps;
    }

    /** Wall time spent inside the native step calls so far (the model and the native bus models), in ns. */
    public long nativeNanos() {
        return nativeNanos;
    }

    /**
     * Also measures the CPU time of the calling thread inside each step (two clock reads per step,
     * for benchmarks: how the co-simulation's time splits between the native side and Java).
     */
    public void profile(boolean on) {
        profile = on;
    }

    /** CPU time of the stepping thread inside the native step calls while {@link #profile} was on, in ns. */
    public long nativeCpuNanos() {
        return nativeCpuNanos;
    }

    /** Runs after every step, once all its handshakes were delivered (e.g. to release time-ordered work). */
    public void afterStep(Runnable r) {
        afterStep.add(r);
    }

    public void listen(String port, RawListener l) {
        listeners.get(port(port).index()).add(l);
    }

    /** Ready pattern of an output port, or valid-start pattern of an input port. */
    public void pattern(String port, PausePattern p) {
        NativeSim.setPattern(handle(), port(port).index(), p.allowBits(), p.length());
    }

    /** Whether a handshake on this output port ends the current step (Java must react to it). */
    public void wake(String port, boolean wake) {
        NativeSim.setWake(handle(), port(port).index(), wake ? 1 : 0);
    }

    /** Wake only on handshakes whose 'last' field is set: once per frame instead of once per beat. */
    public void wakeOnLast(String port) {
        NativeSim.setWake(handle(), port(port).index(), 2);
    }

    /** Host physical memory the read responder reads in place, at PA 0; must be a direct buffer. */
    public void hostMemory(ByteBuffer memory) {
        hostMemory(memory, 0);
    }

    /**
     * Host physical memory the read responder reads in place, byte 0 at PA {@code paBase}: a read outside
     * {@code [paBase, paBase + capacity)} gets DECERR. A window across 4 GiB puts the upper address bits to work.
     */
    public void hostMemory(ByteBuffer memory, long paBase) {
        this.hostMemory = memory;
        NativeSim.setHostMemory(handle(), memory, paBase);
    }

    /** Dump of every port (valid, ready, payload, queued); for hang and failure reports. */
    public String portStates() {
        return h == 0 ? "(closed)" : NativeSim.portStates(h);
    }

    void register(StreamSource<?> s) {
        sources.add(s);
    }

    RingView src(PortInfo p) {
        return src[p.index()];
    }

    long handle() {
        if (h == 0) {
            throw new IllegalStateException("the simulation of " + top + " is closed");
        }
        return h;
    }

    /**
     * Runs to {@code untilCycle} or until Java has something to react to. Observed handshakes are
     * delivered to listeners before this returns. Throws {@link SimulationEndedException} when the
     * RTL ended the simulation (after delivering what was observed up to that point).
     */
    public StepStatus step(long untilCycle) {
        long t0 = System.nanoTime();
        long cpu0 = profile ? THREADS.getCurrentThreadCpuTime() : 0;
        long bits = NativeSim.step(handle(), untilCycle);
        nativeNanos += System.nanoTime() - t0;
        if (profile) {
            nativeCpuNanos += THREADS.getCurrentThreadCpuTime() - cpu0;
        }
        steps++;
        try {
            drain();
            for (StreamSource<?> s : sources) {
                s.refill();
            }
            if ((bits & StepStatus.ENDED) == 0) {
                for (Runnable r : afterStep) {
                    r.run();
                }
            }
            if ((bits & StepStatus.ENDED) != 0) {
                long c = cycle();
                var kind = SimulationEndedException.kindOf(bits);
                throw new SimulationEndedException(kind, c, top + ": simulation ended at cycle " + c + " (" + kind + "): "
                        + NativeSim.message(h) + "\nport states:\n" + portStates()
                        + (waves != null ? "waves: " + waves.toAbsolutePath() : ""));
            }
        } catch (RuntimeException | Error e) {
            failed(e);
            throw e;
        }
        return new StepStatus(bits);
    }

    // Per port, the entries drained in this step (entryWords each), reused from step to step: the per-entry
    // arrays and the sort of all entries that the merge below replaced took about 4% of a co-simulation.
    private long[][] drained;
    private int[] drainedCount;
    private int[] drainedAt;
    private int[] drainOrder;
    private int[] livePorts;
    private boolean draining;

    private void drain() {
        if (drained == null) {
            int n = obs.length;
            drained = new long[n][];
            drainedCount = new int[n];
            drainedAt = new int[n];
            drainOrder = new int[n];
            livePorts = new int[n];
            for (int i = 0; i < n; i++) {
                drained[i] = new long[0];
                drainOrder[i] = (ports.get(i).input() ? 0 : 1 << 16) | i;
            }
        }
        if (draining) {
            throw new IllegalStateException("Dut.step was called from a port listener: listeners run while the step's "
                    + "observations are dispatched and must not advance the simulation");
        }
        int live = 0;
        for (int i = 0; i < obs.length; i++) {
            RingView r = obs[i];
            int n = r.size();
            drainedCount[i] = n;
            drainedAt[i] = 0;
            if (n == 0) {
                continue;
            }
            int w = r.entryWords;
            if (drained[i].length < n * w) {
                drained[i] = new long[Math.max(n * w, 2 * drained[i].length)];
            }
            for (int k = 0; k < n; k++) {
                r.pop(drained[i], k * w);
            }
            livePorts[live++] = i;
        }
        draining = true;
        try {
            // Merged by (end cycle, inputs before outputs, port index): each port's ring holds its handshakes in
            // cycle order, so this is the order a stable sort of all entries gives (checked as it goes).
            while (true) {
                int best = -1;
                long bestEnd = 0;
                for (int j = 0; j < live; j++) {
                    int i = livePorts[j];
                    if (drainedAt[i] < drainedCount[i]) {
                        long end = drained[i][drainedAt[i] * obs[i].entryWords + 1];
                        if (best < 0 || end < bestEnd || end == bestEnd && drainOrder[i] < drainOrder[best]) {
                            best = i;
                            bestEnd = end;
                        }
                    }
                }
                if (best < 0) {
                    return;
                }
                int w = obs[best].entryWords;
                int at = drainedAt[best]++ * w;
                long[] e = drained[best];
                if (at > 0 && e[at - w + 1] > bestEnd) {
                    throw new IllegalStateException("port " + ports.get(best).name() + " observed a handshake at cycle " + bestEnd
                            + " after one at cycle " + e[at - w + 1] + " in the same step");
                }
                lastActivity = Math.max(lastActivity, bestEnd);
                for (RawListener l : listeners.get(best)) {
                    l.beat(e[at], bestEnd, e, at + 2);
                }
            }
        } finally {
            draining = false;
        }
    }

    private long lastActivity;

    /** The cycle of the latest handshake on any port (what the watchdog watches). */
    public long lastActivity() {
        return lastActivity;
    }

    /** Set to a directory, every Dut writes its Verilator coverage there when it closes (coverage builds). */
    public static final String COVERAGE_PROPERTY = "vtoe.coverage";

    @Override
    public void close() {
        if (h != 0) {
            long handle = h;
            h = 0;
            try {
                if (options.portTrace() != null) {
                    NativeSim.recordClose(handle);
                }
                writeCoverage(handle);
                if (waves != null) {
                    NativeSim.traceClose(handle);
                    finishWaves();
                }
            } finally {
                NativeSim.destroy(handle);
            }
        }
    }

    /** Period of the FST's clock in its time unit (ns): sim.cpp's kTimePerCycle. */
    static final long TIME_PER_CYCLE = 4;

    // The transaction tracks into the FST, then the .gtkw that shows them, the blocks and the failure.
    // A failure here must not hide the run's own result: it is logged and the plain waves stay.
    private void finishWaves() {
        Path fst = waves.toAbsolutePath();
        if (!Files.exists(fst)) {
            return; // the run ended before wavesFrom
        }
        try {
            WaveTracks.Changes c = tracks.changes(TIME_PER_CYCLE, options.wavesFrom());
            Path tmp = fst.resolveSibling(fst.getFileName() + ".tmp");
            List<String> names = tracks.names().stream().map(n -> WaveTracks.SCOPE + "." + n).toList();
            String[] vars = NativeSim.fstAddTracks(fst.toString(), tmp.toString(), names.toArray(String[]::new),
                    c.times.stream().mapToLong(Long::longValue).toArray(), c.track.stream().mapToInt(Integer::intValue).toArray(),
                    c.texts.toArray(String[]::new));
            Files.move(tmp, fst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            GtkwSaveFile.write(fst, ports, List.of(vars), tracks, WaveFilters.write(fst, elaboration), options.wavesFrom());
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Dut.class).warn("waves {}: transaction tracks not added: {}", fst, e.toString());
        }
    }

    private void writeCoverage(long handle) {
        String dir = System.getProperty(COVERAGE_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the coverage directory " + dir, e);
        }
        String file = java.nio.file.Path.of(dir, "%s-%016x-%d.dat".formatted(options.top(), options.seed(), System.nanoTime()))
                .toString();
        if (!NativeSim.writeCoverage(handle, file)) {
            throw new IllegalStateException("-D" + COVERAGE_PROPERTY + " is set but the loaded library has no coverage counters: "
                    + "build it with 'mvn -pl cosim -Pcoverage install' and run with -Dvtoe.lib=cosim/target/native-cov/"
                    + "libvtoe_cosim_cov.so (./scripts/regress --coverage does both)");
        }
    }
}
