package vtoe.tb.rtlcfg;

import java.nio.file.Path;

/**
 * A configuration build that failed: which step, the log that says why, and its last lines, so the
 * message alone is enough to start looking.
 */
public final class RtlBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;
    private final transient Path log;

    public RtlBuildException(String key, String step, Path log, String detail) {
        super("building the RTL configuration " + key + " failed while " + step + (log == null ? "" : "; log: " + log)
                + (detail == null || detail.isBlank() ? "" : "\n" + detail.stripTrailing()));
        this.step = step;
        this.log = log;
    }

    /** The step that failed: elaborating, verilating, compiling (or the cache's own bookkeeping). */
    public String step() {
        return step;
    }

    /** The step's log file (null when the step has none). */
    public Path log() {
        return log;
    }
}
