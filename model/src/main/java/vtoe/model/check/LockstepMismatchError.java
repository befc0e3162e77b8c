package vtoe.model.check;

/** The RTL and the TLM disagreed; the message holds both records, the cycle, history and how to reproduce. */
public final class LockstepMismatchError extends AssertionError {
    private static final long serialVersionUID = 1L;
    private final String port;
    private final long cycle;

    public LockstepMismatchError(String port, long cycle, String message) {
        super(message);
        this.port = port;
        this.cycle = cycle;
    }

    public String port() {
        return port;
    }

    public long cycle() {
        return cycle;
    }
}
