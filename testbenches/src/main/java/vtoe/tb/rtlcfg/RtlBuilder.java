package vtoe.tb.rtlcfg;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of one configuration build, the same recipe as the Maven build of the default configuration
 * (rtl/pom.xml, cosim/pom.xml) pointed at a folder of its own:
 * <ol>
 *   <li><b>elaborating</b>: {@code vtoe.rtl.Elaborate <dir>/verilog VtoeAdapter numConns=... ...} in a JVM with
 *       the rtl module's classpath, firtool from its jar (nothing downloaded);</li>
 *   <li><b>verilating</b>: the port tables ({@code vtoe.cosim.build.TopTableGenerator}) and the configure step of
 *       the cosim CMake project ({@code cosim/src/main/native}), which runs Verilator when the Verilog changed;</li>
 *   <li><b>compiling</b>: {@code cmake --build}, g++ -O3 on the Verilated C++ and the co-simulation's own sources,
 *       into {@code <dir>/lib/libvtoe_cosim.so} (and {@code vtoe_replay}).</li>
 * </ol>
 * Each step logs to {@code <dir>/logs/<step>.log} and prints a line when it starts, one every
 * {@link #HEARTBEAT_SECONDS} while it runs (with CMake's percentage when there is one) and one when it ends.
 * A rebuild in the same folder is incremental: Elaborate keeps unchanged Verilog, CMake recompiles what changed.
 */
final class RtlBuilder implements RtlBuilds.Builder {
    static final int HEARTBEAT_SECONDS = 20;
    private static final Pattern PERCENT = Pattern.compile("\\[\\s*(\\d+)%\\]");

    private final Path root;
    private final int jobs;
    private final PrintStream out;
    private final Path overlay;
    private final List<String> elaboration;

    /** {@code out}: where progress lines go (null: {@code System.out} as it is at the time of each line). */
    RtlBuilder(Path root, int jobs, PrintStream out) {
        this(root, jobs, out, null, null);
    }

    /**
     * A builder of a changed RTL ({@code scripts/mutate}): {@code overlay} holds class files that go before the
     * checkout's compiled RTL on the elaborator's classpath (a mutant's recompiled classes), and
     * {@code elaboration} replaces the tops and parameters the configuration would elaborate (empty: every top
     * with its default parameters, as the Maven build does). Null for either: as for a configuration.
     */
    RtlBuilder(Path root, int jobs, PrintStream out, Path overlay, List<String> elaboration) {
        this.root = root;
        this.jobs = jobs;
        this.out = out;
        this.overlay = overlay;
        this.elaboration = elaboration == null ? null : List.copyOf(elaboration);
    }

    private PrintStream out() {
        return out != null ? out : System.out;
    }

    @Override
    public Map<String, Double> build(RtlConfig c, Path dir) throws IOException, InterruptedException {
        String key = c.key();
        Path rtl = root.resolve("rtl/target");
        Path cpFile = rtl.resolve("classpath.txt");
        Path jni = root.resolve("cosim/target/native/include");
        for (Path need : List.of(cpFile, rtl.resolve("classes/vtoe/rtl/Elaborate.class"), jni)) {
            if (!Files.exists(need)) {
                throw new RtlBuildException(key, "checking what it needs", null, need + " is missing: the rtl and cosim modules "
                        + "are not compiled (mvn -B -o compile -pl testbenches -am, or any ./scripts/ command)");
            }
        }
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path verilog = dir.resolve("verilog");
        Path cmake = dir.resolve("cmake");
        Map<String, Double> seconds = new LinkedHashMap<>();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        String before = new BuildInputs(List.of(verilog), List.of()).hash();
        String classes = (overlay == null ? "" : overlay + File.pathSeparator) + rtl.resolve("classes");
        if (overlay != null) {
            // Elaborate skips when the checkout's compiled RTL is unchanged: it does not see the overlay.
            Files.deleteIfExists(verilog.resolve(".fingerprint"));
        }
        List<String> elaborate = new ArrayList<>(List.of(javaBin, "-Duser.home=" + rtl.resolve("home"), "-cp",
                classes + File.pathSeparator + Files.readString(cpFile).strip(), "vtoe.rtl.Elaborate", verilog.toString()));
        if (elaboration != null) {
            elaborate.addAll(elaboration);
        } else {
            elaborate.add(RtlBuild.TOP);
            elaborate.addAll(c.elaborationArguments());
        }
        // As rtl/pom.xml does: firtool comes from the llvm-firtool jar into target/, nothing is downloaded.
        Map<String, String> env = Map.of("CHISEL_FIRTOOL_CACHE", rtl.resolve("firtool-cache").toString(), "COURSIER_CACHE",
                rtl.resolve("coursier-cache").toString());
        seconds.put("elaborate", run(key, "elaborating", logs.resolve("elaborate.log"), List.of(elaborate), env));
        boolean changed = !new BuildInputs(List.of(verilog), List.of()).hash().equals(before);

        // Verilator runs inside CMake's configure step the first time, and later only when its arguments change; a
        // changed Verilog would otherwise be Verilated during the compile step, and the times would mix.
        if (changed) {
            Files.deleteIfExists(cmake.resolve("V" + RtlBuild.TOP).resolve("verilator_args.txt"));
        }
        Path gen = dir.resolve("gen");
        List<String> tables = List.of(javaBin, "-cp", codeSource(vtoe.cosim.build.TopTableGenerator.class),
                vtoe.cosim.build.TopTableGenerator.class.getName(), verilog.toString(), gen.toString());
        List<String> configure = new ArrayList<>(List.of("cmake", "-S", root.resolve("cosim/src/main/native").toString(), "-B", cmake.toString(),
                "-DCMAKE_BUILD_TYPE=Release", "-DVTOE_GEN_DIR=" + gen, "-DVTOE_VERILOG_ROOT=" + verilog,
                "-DJNI_INCLUDE=" + Path.of(System.getProperty("java.home"), "include"), "-DJNI_HEADERS=" + jni,
                "-DVTOE_LIB_OUT=" + dir.resolve("lib"), "-DEXPECTED_VERILATOR_VERSION=" + expectedVerilator(root)));
        // Builds of a changed RTL (mutants) differ from each other in a few Verilated files: with ccache, Verilator's
        // runtime, the co-simulation's own sources and every unchanged Verilated file compile once for all of them.
        // The cache lives in the checkout's target/; paths are hashed relative to the checkout, so builds in different
        // folders share it.
        Map<String, String> compileEnv = Map.of();
        if (overlay != null) {
            // Such a library runs a few seeds: -O1 compiles the Verilated model several times faster than -O3.
            configure.add("-DVTOE_OPT=-O1");
        }
        if (overlay != null && onPath("ccache")) {
            configure.add("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache");
            compileEnv = Map.of("CCACHE_DIR", root.resolve("target/ccache").toString(), "CCACHE_BASEDIR", root.toString(), "CCACHE_NOHASHDIR",
                    "true");
        }
        seconds.put("verilate", run(key, "verilating", logs.resolve("verilate.log"), List.of(tables, configure), compileEnv));
        seconds.put("compile", run(key, "compiling", logs.resolve("compile.log"),
                List.of(List.of("cmake", "--build", cmake.toString(), "-j", Integer.toString(jobs))), compileEnv));
        if (!Files.exists(RtlBuilds.library(dir))) {
            throw new RtlBuildException(key, "compiling", logs.resolve("compile.log"), "CMake finished but "
                    + RtlBuilds.library(dir) + " is not there");
        }
        return seconds;
    }

    /**
     * Runs the commands of one step one after the other, all output to {@code log}, with progress lines; a
     * command that fails ends the step with an exception naming the step, the log and the log's last lines.
     * Returns the step's wall seconds.
     */
    double run(String key, String step, Path log, List<List<String>> commands, Map<String, String> env)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Files.deleteIfExists(log);
        Files.createDirectories(log.getParent());
        out().printf("rtl build %s: %s… (log: %s)%n", key, step, log);
        for (List<String> cmd : commands) {
            Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new RtlBuildException(key, step, log, "cannot start " + cmd.get(0) + ": " + e.getMessage()
                        + " (./scripts/setup installs the toolchain)");
            }
            try {
                while (!p.waitFor(HEARTBEAT_SECONDS, TimeUnit.SECONDS)) {
                    String pct = lastPercent(log);
                    out().printf("rtl build %s: %s… %.0f s%s%n", key, step, (System.nanoTime() - t0) / 1e9, pct == null ? "" : " [" + pct + "%]");
                }
            } finally {
                if (p.isAlive()) { // interrupted: take the tool down with us rather than leave it writing into the cache
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                }
            }
            if (p.exitValue() != 0) {
                throw new RtlBuildException(key, step, log, "exit " + p.exitValue() + " from " + cmd.get(0) + "; the log ends:\n"
                        + tail(log, 15));
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        out().printf("rtl build %s: %s done in %.1f s%n", key, step, s);
        return s;
    }

    /** Where a class was loaded from (the generator needs nothing but the JDK and itself). */
    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last "[ nn%]" CMake wrote to the log, or null. */
    private static String lastPercent(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            Matcher m = PERCENT.matcher(text.substring(Math.max(0, text.length() - 4000)));
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())).indent(2).stripTrailing();
        } catch (IOException e) {
            return "  (cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Whether {@code tool} is an executable in a folder of PATH. */
    static boolean onPath(String tool) {
        return vtoe.model.sim.Executables.onPath(tool).isPresent();
    }

    /** The Verilator version the checkout is pinned to (root pom's expected.verilator.version), as the Maven build passes it. */
    static String expectedVerilator(Path root) {
        try {
            Matcher m = Pattern.compile("<expected.verilator.version>([^<]+)</expected.verilator.version>")
                    .matcher(Files.readString(root.resolve("pom.xml")));
            if (!m.find()) {
                throw new IllegalStateException(root.resolve("pom.xml") + " has no expected.verilator.version");
            }
            return m.group(1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code verilator --version}, or "none" without Verilator (the build then fails with its own message). */
    static String verilatorVersion() {
        try {
            Process p = new ProcessBuilder("verilator", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? v : "none";
        } catch (IOException e) {
            return "none";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "none";
        }
    }
}
