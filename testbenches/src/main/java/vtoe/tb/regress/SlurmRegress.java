package vtoe.tb.regress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vtoe.tb.slurm.SlurmArray;

/**
 * A regression as a Slurm job array ({@link SlurmArray}): share i of N runs {@code Regress --shard i/N}
 * on this checkout, and the merge job joins the shares' results, functional bins and Verilator coverage
 * into the same results.jsonl and summary.txt as a local run. The master seed is fixed before
 * submission, so every share cuts the same set; a share that ended without results fails the merge by
 * name, with its log.
 */
final class SlurmRegress {
    private final Path dir; // the regression's output directory, absolute
    private final SlurmArray slurm;

    SlurmRegress(Path root, Path dir, int shares, String partition) {
        this.dir = dir;
        this.slurm = new SlurmArray(root, dir.resolve("slurm"), "vtoe-regress", shares, partition);
    }

    Path shareDir(int i) {
        return dir.resolve("shard-" + i);
    }

    /** Submits the array of shares and the merge job; {@code regressArgs} are the share's Regress options but --shard and --out. */
    SlurmArray.Jobs submit(String java, String classpath, List<String> regressArgs, boolean coverage) throws IOException, InterruptedException {
        int n = slurm.shares();
        for (int i = 1; i <= n; i++) {
            vtoe.tb.FileTree.delete(shareDir(i)); // results of an earlier submission must not pass for this one's
        }
        Files.deleteIfExists(dir.resolve("results.jsonl"));
        Files.deleteIfExists(dir.resolve("summary.txt"));
        String share = String.join(" ", regressArgs.stream().map(SlurmArray::q).toList()) + " --shard \"$SLURM_ARRAY_TASK_ID/" + n
                + "\" --out " + SlurmArray.q(dir.toString()) + "/shard-\"$SLURM_ARRAY_TASK_ID\"";
        String merge = "--shards " + n + " --from " + SlurmArray.q(dir.toString()) + (coverage ? " --coverage" : "");
        return slurm.submit(java, classpath, Regress.class, share, RegressMerge.class, merge);
    }

    /** Re-runs the failing seeds of {@code results} with waves, as one job, and waits for it. */
    void rerunWithWaves(String java, String classpath, Path results) throws IOException, InterruptedException {
        try {
            slurm.runAndWait("waves", "Failing seeds again, with waves (written by ./scripts/regress --slurm --waves-on-fail).", java,
                    classpath, Regress.class, "--rerun-with-waves " + SlurmArray.q(results.toString()) + " --out "
                            + SlurmArray.q(dir.toString()));
        } finally {
            Path log = slurm.logDir().resolve("waves.out");
            System.out.print(Files.exists(log) ? Files.readString(log) : "");
        }
    }

    /** How to follow a submission without waiting for it. */
    String howToFollow(SlurmArray.Jobs j) {
        return slurm.howToFollow(j, dir.resolve("results.jsonl") + " and " + dir.resolve("summary.txt"));
    }

    /**
     * Waits for the merge job, printing progress (shares done, seeds passed and failed) as it changes,
     * and returns the merged runs.
     *
     * @param total runs in the whole regression
     */
    List<JsonNode> await(SlurmArray.Jobs j, int total) throws IOException, InterruptedException {
        String log = slurm.await(j, () -> {
            int[] p = progress();
            int sharesDone = 0;
            for (int i = 1; i <= slurm.shares(); i++) {
                if (Files.exists(shareDir(i).resolve("results.jsonl"))) {
                    sharesDone++;
                }
            }
            return String.format("shares done %d/%d, runs %d/%d (%d passed, %d failed)", sharesDone, slurm.shares(), p[0] + p[1], total,
                    p[0], p[1]);
        });
        Path results = dir.resolve("results.jsonl");
        if (!Files.exists(results)) {
            throw new IllegalStateException("the merge job " + j.merge() + " wrote no results; its log (" + slurm.logDir().resolve("merge.out")
                    + "):\n" + log);
        }
        System.out.print(log);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> runs = new ArrayList<>();
        for (String l : Files.readAllLines(results)) {
            if (!l.isBlank()) {
                runs.add(json.readTree(l));
            }
        }
        return runs;
    }

    /** Runs the shares have finished so far, passed and failed, from the workers' files as they grow. */
    private int[] progress() {
        int[] p = new int[2];
        for (int i = 1; i <= slurm.shares(); i++) {
            Path d = shareDir(i);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var s = Files.list(d)) {
                for (Path f : s.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.jsonl")).toList()) {
                    for (String l : Files.readAllLines(f)) {
                        if (l.contains("\"pass\":true")) {
                            p[0]++;
                        } else if (l.contains("\"pass\":false")) {
                            p[1]++;
                        }
                    }
                }
            } catch (IOException e) {
                // A worker's file being written or a share's folder being made as we look: counted next time.
            }
        }
        return p;
    }
}
