package vtoe.tb.slurm;

import picocli.CommandLine.Option;

/** The options of a command that can run as a Slurm job array ({@link SlurmArray}): a picocli mixin, so that they read the same everywhere. */
public final class SlurmOptions {
    @Option(names = "--slurm", paramLabel = "N", description = "run as a Slurm job array of N shares and a merge job that joins them into "
            + "the outputs of a local run; waits and shows progress unless --no-wait (the cluster: SLURM_CONF, else scripts/slurm-local's)")
    public Integer shares;

    @Option(names = "--partition", description = "with --slurm: the partition to submit to (default: the cluster's default)")
    public String partition;

    @Option(names = "--no-wait", description = "with --slurm: print the job ids and how to follow them, and return")
    public boolean noWait;
}
