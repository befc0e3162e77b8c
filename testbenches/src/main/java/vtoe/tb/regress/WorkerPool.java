package vtoe.tb.regress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker JVMs ({@code Regress --worker}) fed one run at a time: a worker reads run lines ({@code "index CASE 0xseed"})
 * on its stdin and prints {@code "#done pass|FAIL ..."} when each ends. Runs are handed out as workers finish them,
 * because run times differ by 100x and a fixed split would idle a core. The regression uses it, and so does mutation
 * testing, which stops the pool at the first failure.
 */
public final class WorkerPool {
    /** How a worker says that a run ended. */
    static final String DONE = "#done ";

    /** What the pool reports; called from its feeder threads, one per worker. */
    public interface Listener {
        /** Worker {@code worker} ended a run, {@code k} in all so far; {@code status} starts with "pass" or "FAIL". */
        void done(int worker, int k, String status);

        /** Any other line the worker printed. */
        void output(int worker, String line);

        /** The worker's output ended with {@code runLine} still in flight and the pool not stopped: its JVM died. */
        default void died(int worker, String runLine, int exit) {
        }
    }

    private final Queue<String> todo;
    private final List<Process> workers = new ArrayList<>();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean stopped;

    /** @param runLines the runs to hand out, in order */
    public WorkerPool(Collection<String> runLines) {
        this.todo = new ConcurrentLinkedQueue<>(runLines);
    }

    /** A worker's command line: this JVM's java, {@code jvmOptions}, then the worker writing its results to {@code results}. */
    public static List<String> command(List<String> jvmOptions, Path results) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xss4m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // Absolute, because workers run in testbenches/.
        cmd.add(Regress.absoluteClasspath());
        cmd.add(Regress.class.getName());
        cmd.add("--worker");
        cmd.add("--results");
        cmd.add(results.toAbsolutePath().toString());
        return cmd;
    }

    /** Feeds the started {@code processes} until the runs are gone (or {@link #stop}); returns when every worker has ended. */
    public void run(List<Process> processes, Listener listener) throws InterruptedException {
        synchronized (workers) {
            workers.addAll(processes);
        }
        List<Thread> feeders = new ArrayList<>();
        for (int w = 0; w < processes.size(); w++) {
            int id = w;
            Process p = processes.get(w);
            Thread t = new Thread(() -> feed(id, p, listener), "worker-" + w);
            t.start();
            feeders.add(t);
        }
        for (Thread t : feeders) {
            t.join();
        }
    }

    /** Hands out no more runs and ends every worker but {@code keep} (null: all of them) at once. */
    public void stop(Process keep) {
        stopped = true;
        synchronized (workers) {
            for (Process q : workers) {
                if (q != keep) {
                    q.destroyForcibly();
                }
            }
        }
    }

    /** Runs ended so far. */
    public int done() {
        return done.get();
    }

    private String next() {
        return stopped ? null : todo.poll();
    }

    private void feed(int id, Process p, Listener listener) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()));
                PrintWriter to = new PrintWriter(new OutputStreamWriter(p.getOutputStream()), true)) {
            String run = handOut(to);
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith(DONE)) {
                    listener.output(id, line);
                    continue;
                }
                listener.done(id, done.incrementAndGet(), line.substring(DONE.length()));
                run = handOut(to);
            }
            p.waitFor();
            if (run != null && !stopped) {
                listener.died(id, run, p.exitValue());
            }
        } catch (IOException e) {
            if (!stopped) {
                listener.output(id, "lost: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives the worker its next run, or closes its input when there is none: the run now in flight, or null. */
    private String handOut(PrintWriter to) {
        String r = next();
        if (r == null) {
            to.close();
        } else {
            to.println(r);
        }
        return r;
    }
}
