package vtoe.tb.rtlcfg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtoe.model.AdapterParams;
import vtoe.tb.synth.Synth;

/**
 * The configuration cache without building any RTL: the key of a configuration, AdapterParams' rules on a
 * bad one, a second request served from the cache, a rebuild when an input changes (and none when it is
 * rewritten unchanged), no stamp after a failed build, one build for concurrent requests from threads and
 * from another process, and a failing build step named with its log. A builder that writes a library file
 * and counts its calls stands in for {@link RtlBuilder} (whose steps take minutes; {@code RtlConfigBuildIT}
 * runs them); the step runner's failure report is RtlBuilder's own code.
 *
 * <p>Run just this: {@code ./scripts/test --only RtlBuildsTest}
 */
class RtlBuildsTest {
    @TempDir
    Path tmp;

    private final AtomicInteger builds = new AtomicInteger();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger mostInside = new AtomicInteger();
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private volatile long buildMillis;

    /** Writes the library and the params.json a real build leaves, after {@link #buildMillis}; counts builds and overlaps. */
    private Map<String, Double> fakeBuild(RtlConfig c, Path dir) throws java.io.IOException, InterruptedException {
        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
            Thread.sleep(buildMillis);
            Files.createDirectories(RtlBuilds.library(dir).getParent());
            Files.writeString(RtlBuilds.library(dir), "build " + builds.incrementAndGet());
            Path params = dir.resolve("verilog/VtoeAdapter/params.json");
            Files.createDirectories(params.getParent());
            ObjectMapper json = new ObjectMapper();
            Files.writeString(params, json.writeValueAsString(Map.of("top", "VtoeAdapter", "params", c.params())));
            return Map.of("elaborate", 1.0, "verilate", 2.0, "compile", 3.0);
        } finally {
            inside.decrementAndGet();
        }
    }

    private RtlBuilds cache(Path source) {
        BuildInputs in = new BuildInputs(List.of(source), List.of("test"));
        return new RtlBuilds(tmp.resolve("cache"), in::hash, this::fakeBuild, new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    private Path source(String text) throws Exception {
        Path src = tmp.resolve("rtl/Adapter.class");
        Files.createDirectories(src.getParent());
        Files.writeString(src, text);
        return tmp.resolve("rtl");
    }

    @Test
    void theKeyNamesTheFourParametersThenAnyOther() {
        assertThat(RtlConfig.defaults().key()).isEqualTo("c64-d8-t16-r16");
        assertThat(RtlConfig.defaults().params()).isEqualTo(AdapterParams.adapterDefaults());
        assertThat(RtlConfig.of(1024, 16, 8, 32).key()).isEqualTo("c1024-d16-t8-r32");
        RtlConfig odd = RtlConfig.parse(Map.of("numConns", "4096", "maxRetries", "4", "eventDepth", "8"));
        assertThat(odd.key()).isEqualTo("c4096-d8-t16-r16-eventDepth8-maxRetries4");
        assertThat(odd.params().maxRetries()).isEqualTo(4);
        assertThat(RtlConfig.of(odd.params())).isEqualTo(odd);
        assertThat(odd.elaborationArguments()).containsExactly("numConns=4096", "dataBytes=8", "tags=16", "retained=16", "eventDepth=8",
                "maxRetries=4");
    }

    @Test
    void synthesisNamesAConfigurationAsTheCacheDoes() {
        Map<String, Integer> p = new LinkedHashMap<>();
        p.put("numConns", 4096);
        p.put("dataBytes", 16);
        p.put("tags", 8);
        p.put("retained", 32);
        p.put("maxRetries", 4); // given before eventDepth: the name does not depend on the order of --set
        p.put("eventDepth", 8);
        Synth.Request r = new Synth.Request(tmp, tmp, "VtoeAdapter", p, 1, 0, 1, false);
        Map<String, String> text = new LinkedHashMap<>();
        p.forEach((k, v) -> text.put(k, Integer.toString(v)));
        assertThat(r.config()).isEqualTo(RtlConfig.parse(text).key()).isEqualTo("c4096-d16-t8-r32-eventDepth8-maxRetries4");
    }

    @Test
    void aBadConfigurationFailsWithAdapterParamsRule() {
        assertThatThrownBy(() -> RtlConfig.of(48, 8, 16, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numConns must be a power of two, not 48");
        assertThatThrownBy(() -> RtlConfig.of(131072, 8, 16, 16)).hasMessage("numConns must be in 1..65536, not 131072");
        assertThatThrownBy(() -> RtlConfig.of(64, 12, 16, 16)).hasMessage("dataBytes must be 8, 16, 32 or 64, not 12");
        assertThatThrownBy(() -> RtlConfig.of(64, 8, 40, 16)).hasMessage("tags must be 2..31, not 40");
        assertThatThrownBy(() -> RtlConfig.of(64, 8, 16, 12)).hasMessage("retained must be a power of two >= 2, not 12");
        assertThatThrownBy(() -> RtlConfig.parse(Map.of("numCons", "64"))).hasMessageStartingWith("unknown parameter 'numCons' (known: ")
                .hasMessageContaining("numConns, ");
        assertThatThrownBy(() -> RtlConfig.parse(Map.of("tags", "many"))).hasMessage("tags must be an integer, not 'many'");
        assertThatThrownBy(() -> new RtlConfig(64, 8, 16, 16, Map.of("tags", 8))).hasMessageContaining("tags is a field of its own");
    }

    @Test
    void aSecondRequestIsServedFromTheCache() throws Exception {
        RtlBuilds cache = cache(source("v1"));
        RtlConfig c = RtlConfig.of(16, 16, 8, 16);
        RtlBuild first = cache.get(c);
        assertThat(first.reused()).isFalse();
        assertThat(first.dir()).isEqualTo(tmp.resolve("cache/c16-d16-t8-r16"));
        assertThat(first.library()).hasContent("build 1");
        assertThat(first.params()).isEqualTo(c.params());
        assertThat(first.seconds()).containsEntry("compile", 3.0);
        assertThat(first.libraryOption()).isEqualTo("-Dvtoe.lib=" + first.library());
        assertThat(cache.cached(RtlConfig.of(32, 16, 8, 16))).isEmpty();

        RtlBuild again = cache.get(c);
        assertThat(again.reused()).isTrue();
        assertThat(again.library()).isEqualTo(first.library()).hasContent("build 1");
        assertThat(again.seconds()).isEqualTo(first.seconds());
        assertThat(cache.cached(c)).contains(again);
        assertThat(builds).hasValue(1);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("rtl build c16-d16-t8-r16: not built yet")
                .contains("rtl build c16-d16-t8-r16: ready in").contains("rtl build c16-d16-t8-r16: up to date in");
        assertThat(cache.list()).containsOnlyKeys("c16-d16-t8-r16");
        assertThat(cache.list().get("c16-d16-t8-r16").get("upToDate").asBoolean()).isTrue();
    }

    @Test
    void aChangedSourceRebuildsAndAnUnchangedRewriteDoesNot() throws Exception {
        Path src = source("v1");
        RtlBuilds cache = cache(src);
        RtlConfig c = RtlConfig.of(16, 8, 16, 16);
        cache.get(c);
        source("v1"); // rewritten, same content: a rebuild of the checkout that changed nothing
        assertThat(cache.get(c).reused()).isTrue();
        source("v2");
        assertThat(cache.cached(c)).isEmpty();
        assertThat(cache.list().get("c16-d8-t16-r16").get("upToDate").asBoolean()).isFalse();
        RtlBuild rebuilt = cache.get(c);
        assertThat(rebuilt.reused()).isFalse();
        assertThat(rebuilt.library()).hasContent("build 2");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("the RTL or the build recipe changed since it was built; rebuilding");
        Files.writeString(src.resolve("New.class"), "a new file counts too");
        assertThat(cache.get(c).reused()).isFalse();
        assertThat(builds).hasValue(3);
    }

    @Test
    void aFailedBuildLeavesNoStampAndTheNextRequestBuildsAgain() throws Exception {
        RtlConfig c = RtlConfig.of(16, 8, 16, 16);
        RtlBuilds.Builder broken = (cfg, dir) -> {
            Files.writeString(Files.createDirectories(dir.resolve("logs")).resolve("compile.log"), "half a build");
            throw new RtlBuildException(cfg.key(), "compiling", dir.resolve("logs/compile.log"), "exit 1 from cmake");
        };
        BuildInputs in = new BuildInputs(List.of(source("v1")), List.of());
        RtlBuilds failing = new RtlBuilds(tmp.resolve("cache"), in::hash, broken, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> failing.get(c)).isInstanceOf(RtlBuildException.class)
                .hasMessageStartingWith("building the RTL configuration c16-d8-t16-r16 failed while compiling; log: "
                        + tmp.resolve("cache/c16-d8-t16-r16/logs/compile.log"))
                .hasMessageContaining("exit 1 from cmake");
        assertThat(tmp.resolve("cache/c16-d8-t16-r16/" + RtlBuilds.STAMP)).doesNotExist();
        assertThat(cache(tmp.resolve("rtl")).get(c).reused()).isFalse();
        assertThat(builds).hasValue(1);
    }

    @Test
    void concurrentRequestsFromThreadsBuildOnce() throws Exception {
        RtlBuilds cache = cache(source("v1"));
        RtlConfig c = RtlConfig.of(16, 8, 16, 16);
        buildMillis = 300;
        List<CompletableFuture<RtlBuild>> all = List.of(CompletableFuture.supplyAsync(() -> cache.get(c)),
                CompletableFuture.supplyAsync(() -> cache.get(c)), CompletableFuture.supplyAsync(() -> cache.get(c)));
        List<RtlBuild> got = all.stream().map(CompletableFuture::join).toList();
        assertThat(builds).hasValue(1);
        assertThat(mostInside).hasValue(1);
        assertThat(got).filteredOn(b -> !b.reused()).hasSize(1);
        assertThat(got).extracting(RtlBuild::library).containsOnly(got.get(0).library());
    }

    @Test
    void aRequestWaitsForAnotherProcessHoldingTheLock() throws Exception {
        RtlBuilds cache = cache(source("v1"));
        RtlConfig c = RtlConfig.of(16, 8, 16, 16);
        Path lockFile = tmp.resolve("cache/" + c.key() + ".lock");
        Files.createDirectories(lockFile.getParent());
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            CompletableFuture<RtlBuild> waiting = CompletableFuture.supplyAsync(() -> cache.get(c));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!progress.toString(StandardCharsets.UTF_8).contains("another process is building it; waiting")
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(progress.toString(StandardCharsets.UTF_8)).contains("rtl build c16-d8-t16-r16: another process is building it; "
                    + "waiting (lock: " + lockFile + ")");
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            assertThat(builds).hasValue(0);
            holder.getOutputStream().close(); // the other process finishes and lets go of the lock
            assertThat(waiting.get(30, TimeUnit.SECONDS).reused()).isFalse();
            assertThat(builds).hasValue(1);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void aFailingStepIsReportedWithItsNameLogAndLastLines() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RtlBuilder b = new RtlBuilder(tmp, 1, new PrintStream(out, true, StandardCharsets.UTF_8));
        Path log = tmp.resolve("logs/verilate.log");
        assertThatThrownBy(() -> b.run("c16-d8-t16-r16", "verilating", log,
                List.of(List.of("sh", "-c", "echo fine"), List.of("sh", "-c", "echo '%Error: Adapter.sv:3: syntax error'; exit 3")),
                Map.of())).isInstanceOf(RtlBuildException.class)
                .hasMessageStartingWith("building the RTL configuration c16-d8-t16-r16 failed while verilating; log: " + log)
                .hasMessageContaining("exit 3 from sh").hasMessageContaining("%Error: Adapter.sv:3: syntax error")
                .satisfies(e -> assertThat(((RtlBuildException) e).step()).isEqualTo("verilating"));
        assertThat(log).content().contains("fine").contains("syntax error");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rtl build c16-d8-t16-r16: verilating… (log: " + log + ")");
        assertThatThrownBy(() -> b.run("c16-d8-t16-r16", "compiling", log, List.of(List.of("no-such-tool-for-vtoe")), Map.of()))
                .hasMessageContaining("failed while compiling").hasMessageContaining("cannot start no-such-tool-for-vtoe");
        assertThat(b.run("c16-d8-t16-r16", "elaborating", log, List.of(List.of("true")), Map.of())).isGreaterThanOrEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rtl build c16-d8-t16-r16: elaborating done in");
    }
}
