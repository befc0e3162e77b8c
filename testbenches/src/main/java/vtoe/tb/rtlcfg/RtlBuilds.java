package vtoe.tb.rtlcfg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The configuration cache: each {@link RtlConfig} is elaborated and Verilated once into a build of its own,
 * {@code target/rtl-builds/<key>/} of the checkout, and every later request gets that build back in
 * milliseconds. A build is reused while its stamp ({@code build.json}) holds the hash of the current
 * {@link BuildInputs} (the compiled RTL, the co-simulation's native sources, the tools): after an RTL change
 * the next request rebuilds it in place, incrementally.
 *
 * <p>Concurrent requests for one configuration build it once: threads of one JVM queue on a lock per folder,
 * processes on a file lock ({@code <key>.lock} beside the folder); the second waits (and says so), then finds
 * the finished build. The stamp is removed before a build starts and written (atomically) only after it
 * succeeded, so a build that failed or was killed half way is never taken for a finished one.
 *
 * <p>Use: {@code RtlBuilds.forCheckout().get(RtlConfig.defaults().withNumConns(4096)).library()}, then run a
 * JVM with {@code -Dvtoe.lib=<that library>}: its {@code Dut}s are that configuration, and the TLM in lockstep
 * reads the same parameters from the library's params.json. {@code ./scripts/whatif --rtl} does this for
 * every point whose parameters differ from the default build; {@code ./scripts/rtl-build} on its own.
 */
public final class RtlBuilds {
    /** Makes the build of one configuration in an empty or earlier folder; returns wall seconds per step. */
    @FunctionalInterface
    public interface Builder {
        Map<String, Double> build(RtlConfig config, Path dir) throws IOException, InterruptedException;
    }

    /** The stamp of a finished build. */
    public static final String STAMP = "build.json";

    /** g++ jobs per build: {@code -Dvtoe.rtlBuilds.jobs}, else two (the machine is shared; one build at a time). */
    static final int JOBS = Integer.getInteger("vtoe.rtlBuilds.jobs", Math.min(2, Runtime.getRuntime().availableProcessors()));

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static RtlBuilds checkout;

    private final Path cache;
    private final Supplier<String> inputs;
    private final Builder builder;
    private final PrintStream out;

    /**
     * @param cache   the folder holding one folder per configuration
     * @param inputs  the hash of what builds are made from, asked once per request
     * @param builder makes a build
     * @param out     where progress lines go (null: {@code System.out} as it is at the time of each line)
     */
    public RtlBuilds(Path cache, Supplier<String> inputs, Builder builder, PrintStream out) {
        this.cache = cache.toAbsolutePath().normalize();
        this.inputs = inputs;
        this.builder = builder;
        this.out = out;
    }

    /** The cache of the checkout this runs in ({@code <root>/target/rtl-builds}), progress on stdout. */
    public static synchronized RtlBuilds forCheckout() {
        if (checkout == null) {
            Path root = findRoot();
            checkout = new RtlBuilds(root.resolve("target/rtl-builds"), () -> BuildInputs.of(root).hash(),
                    new RtlBuilder(root, JOBS, null), null);
        }
        return checkout;
    }

    /**
     * A cache of builds of a changed RTL ({@code scripts/mutate}): the checkout's compiled RTL with the class files
     * in {@code overlay} first on the elaborator's classpath, every top elaborated with its default parameters
     * (what the Maven build puts in the default library, so every random case finds its top). A build is reused
     * while the overlay and everything a checkout build depends on are unchanged.
     */
    public static RtlBuilds withOverlay(Path root, Path cache, Path overlay, PrintStream out) {
        Supplier<String> inputs = () -> {
            BuildInputs base = BuildInputs.of(root);
            List<Path> trees = new ArrayList<>(base.trees());
            trees.add(overlay);
            List<String> facts = new ArrayList<>(base.facts());
            facts.add("overlay, every top with default parameters");
            return new BuildInputs(trees, facts).hash();
        };
        return new RtlBuilds(cache, inputs, new RtlBuilder(root, JOBS, out, overlay, List.of()), out);
    }

    /** The vtoe checkout: {@code -Dvtoe.root}, else the first folder up from the working directory that holds one. */
    public static Path findRoot() {
        String given = System.getProperty("vtoe.root");
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("rtl/pom.xml")) && Files.exists(d.resolve("cosim/src/main/native/CMakeLists.txt"))) {
                return d;
            }
        }
        throw new IllegalStateException("not inside a vtoe checkout: " + Path.of("").toAbsolutePath() + " (or set -Dvtoe.root)");
    }

    private PrintStream out() {
        return out != null ? out : System.out;
    }

    public Path cache() {
        return cache;
    }

    /** The folder of a configuration's build (it may not exist yet). */
    public Path dir(RtlConfig c) {
        return cache.resolve(c.key());
    }

    /** Where a build folder keeps its co-simulation library. */
    public static Path library(Path dir) {
        return dir.resolve("lib").resolve("libvtoe_cosim.so");
    }

    /** The build of {@code c} if the cache holds an up-to-date one; never builds. */
    public Optional<RtlBuild> cached(RtlConfig c) {
        return Optional.ofNullable(read(c, dir(c), inputs.get()));
    }

    /**
     * The build of {@code c}: from the cache when it is up to date, else built now (minutes; progress lines
     * on the way). Throws {@link RtlBuildException} naming the failed step and its log.
     */
    public RtlBuild get(RtlConfig c) {
        String key = c.key();
        Path dir = dir(c);
        String in = inputs.get();
        ReentrantLock local = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(cache);
            Path lockFile = cache.resolve(key + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    out().printf("rtl build %s: another process is building it; waiting (lock: %s)%n", key, lockFile);
                    lock = ch.lock();
                }
                try {
                    return getLocked(c, dir, in);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new RtlBuildException(key, "keeping the cache in " + cache, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtlBuildException(key, "waiting for a build step (interrupted)", null, null);
        } finally {
            local.unlock();
        }
    }

    private RtlBuild getLocked(RtlConfig c, Path dir, String in) throws IOException, InterruptedException {
        String key = c.key();
        RtlBuild have = read(c, dir, in);
        if (have != null) {
            out().printf("rtl build %s: up to date in %s%n", key, dir);
            return have;
        }
        Path stamp = dir.resolve(STAMP);
        out().printf("rtl build %s: %s%n", key, Files.exists(stamp)
                ? "the RTL or the build recipe changed since it was built; rebuilding in " + dir
                : "not built yet; building it into " + dir + " (about a minute for small configurations, longer for many connections)");
        Files.deleteIfExists(stamp);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Map<String, Double> seconds = builder.build(c, dir);
        if (!Files.exists(library(dir))) {
            throw new RtlBuildException(key, "compiling", null, "the build finished without " + library(dir));
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("key", key);
        s.set("config", JSON.valueToTree(c));
        s.put("inputs", in);
        s.set("seconds", JSON.valueToTree(seconds));
        s.put("built", Instant.now().toString());
        Path tmp = dir.resolve(STAMP + ".tmp");
        JSON.writeValue(tmp.toFile(), s);
        Files.move(tmp, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        out().printf("rtl build %s: ready in %.0f s%s: %s%n", key, (System.nanoTime() - t0) / 1e9, steps(seconds), library(dir));
        return new RtlBuild(c, dir, library(dir), in, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds)), false);
    }

    private static String steps(Map<String, Double> seconds) {
        List<String> l = new ArrayList<>();
        seconds.forEach((k, v) -> l.add(String.format("%s %.0f s", k, v)));
        return l.isEmpty() ? "" : " (" + String.join(", ", l) + ")";
    }

    /** The build in {@code dir} if its stamp is for {@code c} and {@code in} and its library is there; else null. */
    private static RtlBuild read(RtlConfig c, Path dir, String in) {
        Path stamp = dir.resolve(STAMP);
        if (!Files.exists(stamp) || !Files.exists(library(dir))) {
            return null;
        }
        try {
            JsonNode s = JSON.readTree(stamp.toFile());
            if (!in.equals(s.path("inputs").asText()) || !c.key().equals(s.path("key").asText())) {
                return null;
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            s.path("seconds").fields().forEachRemaining(e -> seconds.put(e.getKey(), e.getValue().asDouble()));
            return new RtlBuild(c, dir, library(dir), in, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds)), true);
        } catch (IOException e) {
            return null; // an unreadable stamp is no stamp: build again
        }
    }

    /** Every build folder in the cache with its stamp (up to date or not), by key. */
    public Map<String, JsonNode> list() throws IOException {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        if (!Files.isDirectory(cache)) {
            return m;
        }
        String in = inputs.get();
        try (Stream<Path> dirs = Files.list(cache)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path stamp = d.resolve(STAMP);
                ObjectNode n = Files.exists(stamp) ? (ObjectNode) JSON.readTree(stamp.toFile()) : JSON.createObjectNode();
                n.put("upToDate", in.equals(n.path("inputs").asText()) && Files.exists(library(d)));
                m.put(d.getFileName().toString(), n);
            }
        }
        return m;
    }
}
