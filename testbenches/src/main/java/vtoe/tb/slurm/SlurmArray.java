package vtoe.tb.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A piece of work as a Slurm job array of N shares plus a merge job that depends on the whole array
 * ({@code afterany}, so it runs even when shares fail or die): what {@code ./scripts/regress --slurm} and
 * {@code ./scripts/whatif --slurm} both submit. Shares run a JVM directly with the submitter's classpath in
 * this checkout, which every node must be able to read (a shared file system, as on any farm), so no node
 * rebuilds the project.
 *
 * <p>Scheduler trouble is reported by name: no {@code sbatch}, a controller that does not answer, no
 * configuration, an unknown partition, a rejected submission. Written for Slurm's command-line clients
 * rather than its REST API: every cluster has the clients, few expose slurmrestd.
 */
public final class SlurmArray {
    /** The client commands look for the cluster here when SLURM_CONF is unset: scripts/slurm-local's. */
    public static final Path LOCAL_CONF = Path.of("target", "slurm", "slurm.conf");

    private final Path root; // the checkout, absolute
    private final Path logDir; // job scripts and their logs, absolute
    private final String name; // job name prefix
    private final int shares;
    private final String partition;

    /** Job ids of a submission. */
    public record Jobs(String array, String merge) {}

    /** A client command's exit status and words. */
    public record Result(int exit, String text) {}

    public SlurmArray(Path root, Path logDir, String name, int shares, String partition) {
        if (shares < 1) {
            throw new IllegalArgumentException("--slurm wants a number of shares of at least 1, not " + shares);
        }
        this.root = root;
        this.logDir = logDir;
        this.name = name;
        this.shares = shares;
        this.partition = partition;
    }

    public int shares() {
        return shares;
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Submits share {@code $SLURM_ARRAY_TASK_ID} of N as {@code main shareArgs} (which may use that variable) and
     * the merge job as {@code main mergeArgs}; arguments are already quoted for bash ({@link #q}).
     */
    public Jobs submit(String java, String classpath, Class<?> shareMain, String shareArgs, Class<?> mergeMain, String mergeArgs)
            throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path shareScript = write(logDir.resolve("share.sh"), script("Share $SLURM_ARRAY_TASK_ID of " + shares + " of " + name
                + " (a Slurm job array).", java, classpath, shareMain, shareArgs));
        Path mergeScript = write(logDir.resolve("merge.sh"), script("Joins the " + shares + " shares of " + name + ".", java, classpath,
                mergeMain, mergeArgs));
        List<String> a = sbatchBase(name);
        a.add("--array=1-" + shares);
        a.add("--cpus-per-task=1");
        a.add("--output=" + logDir.resolve("share-%a.out"));
        a.add(shareScript.toString());
        String array = sbatch(a);
        List<String> m = sbatchBase(name + "-merge");
        m.add("--dependency=afterany:" + array);
        m.add("--output=" + logDir.resolve("merge.out"));
        m.add(mergeScript.toString());
        return new Jobs(array, sbatch(m));
    }

    /** Runs {@code main args} as one job and waits for it (sbatch --wait); its log is {@code <logDir>/<what>.out}. */
    public Result runAndWait(String what, String comment, String java, String classpath, Class<?> main, String args)
            throws IOException, InterruptedException {
        Path f = write(logDir.resolve(what + ".sh"), script(comment, java, classpath, main, args));
        List<String> a = sbatchBase(name + "-" + what);
        a.add("--wait");
        a.add("--output=" + logDir.resolve(what + ".out"));
        a.add(f.toString());
        Result r = run(a);
        if (r.exit != 0) {
            throw new IllegalStateException(schedulerTrouble("sbatch", r));
        }
        return r;
    }

    /** How to follow a submission without waiting for it; {@code results} says where the merged results will be. */
    public String howToFollow(Jobs j, String results) {
        return "submitted: array job " + j.array + " (" + shares + " shares), merge job " + j.merge + " (after the array)\n"
                + "  follow:  " + envPrefix() + "squeue -j " + j.array + "," + j.merge + "\n"
                + "  shares:  " + logDir.resolve("share-<i>.out") + "\n"
                + "  merge:   " + logDir.resolve("merge.out") + "\n"
                + "  results: " + results + " once the merge job has run";
    }

    /**
     * Waits until the array and the merge job have left the queue, printing {@code progress} (plus the merge job's
     * state while it is queued or running) whenever it changes, and returns the merge job's log.
     */
    public String await(Jobs j, Supplier<String> progress) throws IOException, InterruptedException {
        String last = "";
        long t0 = System.nanoTime();
        while (true) {
            Map<String, String> states = queued(j);
            String line = "slurm: " + progress.get() + (states.containsKey(j.merge) ? ", merge " + states.get(j.merge).toLowerCase() : "");
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
        Path mergeLog = logDir.resolve("merge.out");
        return Files.exists(mergeLog) ? Files.readString(mergeLog) : "(no merge log at " + mergeLog + ")";
    }

    /** Job (or array task) id to state, of those of {@code j} that the controller still holds. */
    private Map<String, String> queued(Jobs j) throws IOException, InterruptedException {
        Result r = run(List.of("squeue", "-h", "-j", j.array + "," + j.merge, "-o", "%i %T"));
        Map<String, String> m = new HashMap<>();
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

    private List<String> sbatchBase(String jobName) {
        List<String> a = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + jobName, "--chdir=" + root));
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
    public static String schedulerTrouble(String cmd, Result r) {
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
    public static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
