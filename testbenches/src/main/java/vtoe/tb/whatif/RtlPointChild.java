package vtoe.tb.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vtoe.cosim.NativeLibrary;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlConfig;

/**
 * A what-if point on the RTL of another configuration, in a child JVM: a JVM loads one co-simulation
 * library, so {@link PointRunner#rtl} starts {@code java -Dvtoe.lib=<the build's library> RtlPointChild <seed>
 * <param>=<value>...}, which runs the point with {@link PointRunner#rtl} there (where it is the loaded
 * build's own configuration, so the TLM in lockstep is built from that build's params.json) and prints the
 * verdict and metrics as one {@code RESULT <json>} line for the parent to read back.
 */
public final class RtlPointChild {
    static final String PREFIX = "RESULT ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RtlPointChild() {}

    public static void main(String[] args) throws IOException {
        long seed = Long.parseUnsignedLong(args[0], 16);
        Point p = Point.defaults();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            p = p.with(kv[0], kv[1]);
        }
        RtlConfig loaded = RtlConfig.of(PointRunner.elaborated().params());
        RunResult r;
        if (!loaded.equals(PointRunner.config(p))) {
            // The parent chose the library for this point; anything else would run a different design.
            r = PointRunner.failed(p, seed, "rtl", new IllegalStateException("the library " + NativeLibrary.load() + " is "
                    + loaded.key() + ", the point needs " + PointRunner.config(p).key()), System.nanoTime());
        } else {
            r = PointRunner.rtl(p, seed);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("ok", r.ok());
        o.put("error", r.error());
        ObjectNode m = o.putObject("metrics");
        // NaN (a metric that does not apply) as text: JSON has no NaN.
        r.metrics().forEach((k, v) -> m.put(k, Double.toString(v)));
        o.put("wallSeconds", r.wallSeconds());
        System.out.println(PREFIX + JSON.writeValueAsString(o));
        System.out.flush();
        System.exit(0);
    }

    /** Runs {@code p} with {@code seed} on {@code build} in a child JVM; a child that fails to answer is a failed run. */
    static RunResult run(Point p, long seed, RtlBuild build, long t0) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), build.libraryOption()));
        // What the run itself reads (waves, seeds, the checkout), as the parent was given it.
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(k -> (k.startsWith("vtoe.") && !k.equals(NativeLibrary.PROPERTY)) || k.equals("waves") || k.equals("wavesFrom"))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add(RtlPointChild.class.getName());
        cmd.add(Long.toHexString(seed));
        p.values().forEach((k, v) -> cmd.add(k + "=" + v));
        try {
            Process pr = new ProcessBuilder(cmd).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(pr.getErrorStream(), err), "rtl-point-stderr");
            drain.start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = pr.waitFor();
            drain.join();
            String line = out.lines().filter(l -> l.startsWith(PREFIX)).findFirst().orElse(null);
            if (rc != 0 || line == null) {
                String tail = String.join("\n", lastLines(err.toString(StandardCharsets.UTF_8) + out, 12));
                return PointRunner.failed(p, seed, "rtl", new IllegalStateException("the RTL run on " + build.config().key()
                        + " in a child JVM ended with exit " + rc + " and no result:\n" + tail), t0);
            }
            JsonNode o = JSON.readTree(line.substring(PREFIX.length()));
            Map<String, Double> metrics = new LinkedHashMap<>();
            o.get("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), Double.parseDouble(e.getValue().asText())));
            String error = o.get("error").isNull() ? null : o.get("error").asText();
            return new RunResult(p, seed, "rtl", o.get("ok").asBoolean(), error, metrics, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the RTL point in a child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the RTL point ran in a child JVM", e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try {
            in.transferTo(to);
        } catch (IOException e) {
            // the child is gone; what it wrote so far is all there is
        }
    }

    private static List<String> lastLines(String text, int n) {
        List<String> l = text.lines().toList();
        return l.subList(Math.max(0, l.size() - n), l.size());
    }
}
