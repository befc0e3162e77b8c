package vtoe.tb.regress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A regression as a Slurm job array: share i of N runs {@code Regress --shard i/N} on this checkout
 * (which every node must be able to read: a shared file system, as on any farm), and a merge job that
 * depends on the whole array ({@code afterany}, so it runs even when shares fail or die) joins the
 * shares' results, functional bins and Verilator coverage into the same results.jsonl and summary.txt
 * as a local run. Shares run the JVM directly with the submitter's classpath, so no node rebuilds the
 * project; the master seed is fixed before submission, so every share cuts the same set.
 *
 * <p>Scheduler trouble is reported by name: no {@code sbatch}, a controller that does not answer, a
 * rejected submission, a share that ended without results (the merge names it and its log).
 */
final class SlurmRegress {
    /** The client commands look for the cluster here when SLURM_CONF is unset: scripts/slurm-local's. */
    static final Path LOCAL_CONF = Path.of("target", "slurm", "slurm.conf");

    private final Path root; // the checkout, absolute
    private final Path dir; // the regression's output directory, absolute
    private final int shares;
    private final String partition;

    SlurmRegress(Path root, Path dir, int shares, String partition) {
        if (shares < 1) {
            throw new IllegalArgumentException("--slurm wants a number of shares of at least 1, not " + shares);
        }
        this.root = root;
        this.dir = dir;
        this.shares = shares;
        this.partition = partition;
    }

    /** Job ids of a submission. */
    record Jobs(String array, String merge) {}

    Path shareDir(int i) {
        return dir.resolve("shard-" + i);
    }

    Path logDir() {
        return dir.resolve("slurm");
    }

    /** Submits the array of shares and the merge job; {@code regressArgs} are the share's Regress options but --shard and --out. */
    Jobs submit(String java, String classpath, List<String> regressArgs, boolean coverage) throws IOException, InterruptedException {
        Files.createDirectories(logDir());
        for (int i = 1; i <= shares; i++) {
            vtoe.tb.FileTree.delete(shareDir(i)); // results of an earlier submission must not pass for this one's
        }
        Files.deleteIfExists(dir.resolve("results.jsonl"));
        Files.deleteIfExists(dir.resolve("summary.txt"));
        String share = script("Share $SLURM_ARRAY_TASK_ID of " + shares + " of a vtoe regression (written by ./scripts/regress --slurm).",
                java, classpath, Regress.class, String.join(" ", regressArgs.stream().map(SlurmRegress::q).toList())
                        + " --shard \"$SLURM_ARRAY_TASK_ID/" + shares + "\" --out " + q(dir.toString()) + "/shard-\"$SLURM_ARRAY_TASK_ID\"");
        String merge = script("Joins the " + shares + " shares (written by ./scripts/regress --slurm).", java, classpath,
                RegressMerge.class, "--shards " + shares + " --from " + q(dir.toString()) + (coverage ? " --coverage" : ""));
        Path shareScript = write(logDir().resolve("share.sh"), share);
        Path mergeScript = write(logDir().resolve("merge.sh"), merge);
        List<String> a = sbatchBase("vtoe-regress");
        a.add("--array=1-" + shares);
        a.add("--cpus-per-task=1");
        a.add("--output=" + logDir().resolve("share-%a.out"));
        a.add(shareScript.toString());
        String array = sbatch(a);
        List<String> m = sbatchBase("vtoe-regress-merge");
        m.add("--dependency=afterany:" + array);
        m.add("--output=" + logDir().resolve("merge.out"));
        m.add(mergeScript.toString());
        String mergeJob = sbatch(m);
        return new Jobs(array, mergeJob);
    }

    /** Re-runs the failing seeds of {@code results} with waves, as one job, and waits for it. */
    void rerunWithWaves(String java, String classpath, Path results) throws IOException, InterruptedException {
        Path f = write(logDir().resolve("waves.sh"), script("Failing seeds again, with waves (written by ./scripts/regress --slurm"
                + " --waves-on-fail).", java, classpath, Regress.class, "--rerun-with-waves " + q(results.toString()) + " --out "
                + q(dir.toString())));
        List<String> a = sbatchBase("vtoe-regress-waves");
        a.add("--wait");
        a.add("--output=" + logDir().resolve("waves.out"));
        a.add(f.toString());
        Result r = run(a);
        System.out.print(Files.exists(logDir().resolve("waves.out")) ? Files.readString(logDir().resolve("waves.out")) : "");
        if (r.exit != 0) {
            throw new IllegalStateException(schedulerTrouble("sbatch", r));
        }
    }

    /** How to follow a submission without waiting for it. */
    String howToFollow(Jobs j) {
        return "submitted: array job " + j.array + " (" + shares + " shares), merge job " + j.merge + " (after the array)\n"
                + "  follow:  " + envPrefix() + "squeue -j " + j.array + "," + j.merge + "\n"
                + "  shares:  " + logDir().resolve("share-<i>.out") + "\n"
                + "  merge:   " + logDir().resolve("merge.out") + "\n"
                + "  results: " + dir.resolve("results.jsonl") + " and " + dir.resolve("summary.txt") + " once the merge job has run";
    }

    /**
     * Waits for the merge job, printing progress (shares done, seeds passed and failed) as it changes,
     * and returns the merged runs.
     *
     * @param total runs in the whole regression
     */
    List<JsonNode> await(Jobs j, int total) throws IOException, InterruptedException {
        String last = "";
        long t0 = System.nanoTime();
        while (true) {
            Map<String, String> states = queued(j);
            int[] p = progress();
            int sharesDone = 0;
            for (int i = 1; i <= shares; i++) {
                if (Files.exists(shareDir(i).resolve("results.jsonl"))) {
                    sharesDone++;
                }
            }
            String line = String.format("slurm: shares done %d/%d, runs %d/%d (%d passed, %d failed)%s", sharesDone, shares, p[0] + p[1],
                    total, p[0], p[1], states.containsKey(j.merge) ? ", merge " + states.get(j.merge).toLowerCase() : "");
            if (!line.equals(last)) {
                System.out.printf("%s  [%d s]%n", line, (System.nanoTime() - t0) / 1_000_000_000L);
                last = line;
            }
            boolean arrayQueued = states.keySet().stream().anyMatch(k -> k.equals(j.array) || k.startsWith(j.array + "_"));
            if (!arrayQueued && !states.containsKey(j.merge)) {
                break;
            }
            Thread.sleep(2000);
        }
        Path results = dir.resolve("results.jsonl");
        Path mergeLog = logDir().resolve("merge.out");
        String log = Files.exists(mergeLog) ? Files.readString(mergeLog) : "(no merge log at " + mergeLog + ")";
        if (!Files.exists(results)) {
            throw new IllegalStateException("the merge job " + j.merge + " wrote no results; its log (" + mergeLog + "):\n" + log);
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
    private int[] progress() throws IOException {
        int[] p = new int[2];
        for (int i = 1; i <= shares; i++) {
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
            }
        }
        return p;
    }

    /** Job (or array task) id to state, of those of {@code j} that the controller still holds. */
    private Map<String, String> queued(Jobs j) throws IOException, InterruptedException {
        Result r = run(List.of("squeue", "-h", "-j", j.array + "," + j.merge, "-o", "%i %T"));
        Map<String, String> m = new java.util.HashMap<>();
        if (r.exit != 0) {
            // Jobs that have left the controller make squeue complain about an invalid id: that is "done".
            if (r.text.contains("Invalid job id")) {
                return m;
            }
            throw new IllegalStateException(schedulerTrouble("squeue", r));
        }
        for (String l : r.text.split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 2) {
                m.put(f[0], f[1]);
            }
        }
        return m;
    }

    private List<String> sbatchBase(String name) {
        List<String> a = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + name, "--chdir=" + root));
        if (partition != null) {
            a.add("--partition=" + partition);
        }
        return a;
    }

    private String sbatch(List<String> args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit != 0) {
            throw new IllegalStateException(schedulerTrouble("sbatch", r));
        }
        String id = r.text.strip().lines().reduce((x, y) -> y).orElse("").split(";")[0];
        if (!id.matches("\\d+")) {
            throw new IllegalStateException("sbatch answered no job id: " + r.text.strip());
        }
        return id;
    }

    /** Names what went wrong with the scheduler, from a client command's exit and words. */
    static String schedulerTrouble(String cmd, Result r) {
        String t = r.text.strip();
        String what;
        if (r.exit == 127) {
            what = "no " + cmd + " on PATH: this machine has no Slurm client. Install slurm-client, or start a local cluster with"
                    + " scripts/slurm-local start";
        } else if (t.contains("Unable to contact slurm controller") || t.contains("Connection refused")
                || t.contains("Socket timed out")) {
            what = "the Slurm controller is down or unreachable (" + cmd + " could not contact it); start it (scripts/slurm-local start"
                    + " for the local cluster) or check SLURM_CONF";
        } else if (t.contains("Could not establish a configuration source") || t.contains("Unable to process configuration file")) {
            what = "no Slurm configuration: set SLURM_CONF, or start the local cluster with scripts/slurm-local start";
        } else if (t.contains("invalid partition") || t.contains("Invalid partition")) {
            what = "the partition does not exist on this cluster (sinfo lists them)";
        } else {
            what = cmd + " failed with exit " + r.exit;
        }
        return "Slurm: " + what + "\n  " + cmd + " said: " + (t.isEmpty() ? "(nothing)" : t.replace("\n", "\n    "));
    }

    record Result(int exit, String text) {}

    private Result run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String conf = clusterConf();
        if (conf != null) {
            pb.environment().put("SLURM_CONF", conf);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(124, String.join(" ", cmd) + " did not answer within 2 minutes: " + text);
        }
        return new Result(p.exitValue(), text);
    }

    /** SLURM_CONF if set, else scripts/slurm-local's cluster if it has one, else null (the clients' own default). */
    private String clusterConf() {
        String env = System.getenv("SLURM_CONF");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        Path local = root.resolve(LOCAL_CONF);
        return Files.exists(local) ? local.toString() : null;
    }

    private String envPrefix() {
        String conf = clusterConf();
        return conf == null || conf.equals(System.getenv("SLURM_CONF")) ? "" : "SLURM_CONF=" + conf + " ";
    }

    private static Path write(Path f, String text) throws IOException {
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    /** A job script that runs {@code main} in a JVM with {@code classpath}, in the checkout, with {@code args} (already quoted). */
    private String script(String comment, String java, String classpath, Class<?> main, String args) {
        return "#!/bin/bash\n# " + comment + "\nset -eu\ncd " + q(root.toString()) + "\nexec " + q(java) + " -cp " + q(classpath) + " "
                + main.getName() + " " + args + "\n";
    }

    /** Single-quotes a word for bash. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
