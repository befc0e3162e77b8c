package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./scripts/regress --slurm N} against a real Slurm cluster: the one-node cluster of
 * {@code scripts/slurm-local} (Debian's munge, slurmctld and slurmd), started here and stopped
 * afterwards whatever happened, with no daemon left behind. A regression submitted as 4 shares and a
 * merge job must give exactly the results of a local run of the same seeds; a share without results
 * fails the merge by name; a controller that is down is named as such. A what-if study submitted as 3
 * shares ({@code ./scripts/whatif --slurm 3}) gives the figures of a local run, and its merge refuses
 * to report on missing shares.
 *
 * <p>Run just this: {@code ./scripts/test --only SlurmRegressIT}
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmRegressIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path OUT = Path.of("target", "slurm-it").toAbsolutePath();

    record Ran(int exit, String out) {}

    static Ran run(List<String> cmd, long minutes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append(e);
            }
        });
        reader.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + minutes + " minutes:\n" + out);
        }
        reader.join();
        System.out.print(out);
        return new Ran(p.exitValue(), out.toString());
    }

    static List<String> regress(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                vtoe.tb.regress.Regress.absoluteClasspath(), "vtoe.tb.regress.Regress"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @BeforeAll
    static void startTheCluster() throws Exception {
        vtoe.tb.FileTree.delete(OUT);
        Ran r = run(List.of("scripts/slurm-local", "start"), 10);
        assertThat(r.exit()).as("scripts/slurm-local start:\n" + r.out()).isZero();
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        Ran r = run(List.of("scripts/slurm-local", "stop"), 2);
        assertThat(r.exit()).as("scripts/slurm-local stop:\n" + r.out()).isZero();
        Ran left = run(List.of("pgrep", "-f", ROOT.resolve("target/slurm").toString()), 1);
        assertThat(left.exit()).as("no daemon of the local cluster is left: " + left.out()).isEqualTo(1);
    }

    /** (test, seed) to (pass, cycles) of a results.jsonl. */
    static Map<String, String> verdicts(Path results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> m = new TreeMap<>();
        for (String l : Files.readAllLines(results)) {
            if (!l.isBlank()) {
                JsonNode o = json.readTree(l);
                m.put(o.get("index").asInt() + " " + o.get("test").asText() + " " + o.get("seed").asText(),
                        o.get("pass").asBoolean() + " cycles=" + o.path("cycles").asLong() + " compared=" + o.path("compared").asLong());
            }
        }
        return m;
    }

    @Test
    @Order(1)
    void fourSharesOnSlurmGiveWhatALocalRunOfTheSameSeedsGives() throws Exception {
        Path slurm = OUT.resolve("slurm");
        Ran s = run(regress("--slurm", "4", "--seeds", "3", "--cases", "FETCH,WORLD", "--out", slurm.toString()), 15);
        assertThat(s.exit()).as("the regression on Slurm passes").isZero();
        assertThat(s.out()).contains("as 4 Slurm shares", "submitted: array job", "slurm: shares done 4/4, runs 6/6 (6 passed, 0 failed)");
        Path local = OUT.resolve("local");
        Ran l = run(regress("--seeds", "3", "--cases", "FETCH,WORLD", "--jobs", "2", "--out", local.toString()), 15);
        assertThat(l.exit()).isZero();
        Map<String, String> onSlurm = verdicts(slurm.resolve("results.jsonl"));
        assertThat(onSlurm).hasSize(6).isEqualTo(verdicts(local.resolve("results.jsonl")));
        assertThat(Files.readString(slurm.resolve("summary.txt"))).contains("functional coverage:", "all                                 6      6");
        for (int i = 1; i <= 4; i++) {
            assertThat(slurm.resolve("shard-" + i).resolve("results.jsonl")).as("share %d's own results", i).exists();
        }
    }

    @Test
    @Order(2)
    void aShareWithoutResultsFailsTheMergeByName() throws Exception {
        Path dir = OUT.resolve("missing");
        Files.createDirectories(dir.resolve("shard-1"));
        Files.createDirectories(dir.resolve("slurm"));
        Files.writeString(dir.resolve("shard-1").resolve("results.jsonl"), "{\"index\":0,\"case\":\"FETCH\",\"test\":\"FetchRandomIT#randomChains\","
                + "\"seed\":\"0x1\",\"pass\":true,\"cycles\":10}\n");
        Files.writeString(dir.resolve("slurm").resolve("share-2.out"), "slurmstepd: error: *** JOB 7 ON vm CANCELLED ***\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                vtoe.tb.regress.Regress.absoluteClasspath(),
                "vtoe.tb.regress.RegressMerge", "--shards", "2", "--from", dir.toString()));
        Ran m = run(cmd, 2);
        assertThat(m.exit()).isEqualTo(2);
        assertThat(m.out()).contains("1 of 2 shares are missing", "share 2 of 2 ended without results", "CANCELLED");
        assertThat(dir.resolve("results.jsonl")).as("no partial result").doesNotExist();
    }

    static List<String> whatif(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true",
                "-cp", vtoe.tb.regress.Regress.absoluteClasspath(), "vtoe.tb.whatif.Whatif"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static final String[] STUDY = {"--name", "s", "--axis", "mode=PUSH,COPY_RETAIN", "--axis", "connections=1,2", "--set", "bytes=32K",
        "--set", "loss=0.01", "--seeds", "2", "--no-progress", "--plot", "goodput_gbps vs connections by mode"};

    /** points.csv without the wall-time columns, which no two runs share. */
    static List<Map<String, String>> pointsWithoutWallTime(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] head = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < head.length; i++) {
                if (!head[i].startsWith("wall_seconds")) {
                    m.put(head[i], f[i]);
                }
            }
            rows.add(m);
        }
        return rows;
    }

    @Test
    @Order(3)
    void aWhatifStudyAsThreeSharesGivesTheFiguresOfALocalRun() throws Exception {
        List<String> a = new ArrayList<>(List.of(STUDY));
        a.addAll(List.of("--out", OUT.resolve("whatif-slurm").toString(), "--slurm", "3"));
        Ran s = run(whatif(a.toArray(String[]::new)), 10);
        assertThat(s.exit()).as("the study on Slurm").isZero();
        assertThat(s.out()).contains("8 runs as 3 Slurm shares", "submitted: array job", "slurm: runs done 8/8", "written: ");
        Path dir = OUT.resolve("whatif-slurm").resolve("s");
        for (int i = 1; i <= 3; i++) {
            assertThat(Files.readAllLines(dir.resolve("share-" + i).resolve("runs.jsonl"))).as("share %d's runs", i).hasSize(i < 3 ? 3 : 2);
        }
        assertThat(dir.resolve("summary.md")).exists();
        assertThat(Files.readString(dir.resolve("study.json"))).contains("\"commit\"", "\"seeds\"", "\"parameters\"", "\"runsTlm\" : 8");
        List<String> b = new ArrayList<>(List.of(STUDY));
        b.addAll(List.of("--out", OUT.resolve("whatif-local").toString()));
        Ran l = run(whatif(b.toArray(String[]::new)), 10);
        assertThat(l.exit()).isZero();
        assertThat(pointsWithoutWallTime(dir.resolve("points.csv"))).hasSize(4)
                .isEqualTo(pointsWithoutWallTime(OUT.resolve("whatif-local").resolve("s").resolve("points.csv")));
    }

    @Test
    @Order(4)
    void aWhatifMergeWithAShareMissingNamesItAndWritesNoReport() throws Exception {
        Path out = OUT.resolve("whatif-missing");
        Path dir = out.resolve("s");
        Files.createDirectories(dir.resolve("share-1"));
        Files.copy(OUT.resolve("whatif-slurm").resolve("s").resolve("share-1").resolve("runs.jsonl"), dir.resolve("share-1").resolve("runs.jsonl"));
        List<String> a = new ArrayList<>(List.of(STUDY));
        a.addAll(List.of("--out", out.toString(), "--merge-shares", "3"));
        Ran m = run(whatif(a.toArray(String[]::new)), 5);
        assertThat(m.exit()).isEqualTo(2);
        assertThat(m.out()).contains("the merge has 3 of 8 runs and writes no partial report", "share 2 lacks 3 run(s)",
                "share 3 lacks 2 run(s)");
        assertThat(dir.resolve("summary.md")).doesNotExist();
    }

    @Test
    @Order(5)
    void aControllerThatIsDownIsNamed() throws Exception {
        assertThat(run(List.of("scripts/slurm-local", "stop"), 2).exit()).isZero();
        Ran r = run(regress("--slurm", "2", "--seeds", "1", "--cases", "FETCH", "--out", OUT.resolve("down").toString()), 5);
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("Slurm: the Slurm controller is down or unreachable", "Unable to contact slurm controller");
    }
}
