package vtoe.cosim;

/**
 * The RTL ended the simulation: a failed assertion or {@code $fatal}, a {@code $stop}, a
 * {@code $finish}, or a bus protocol violation seen by a native monitor. The message holds what
 * Verilator printed, the cycle and the state of every port; the {@link Dut} stays closable.
 */
public final class SimulationEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        ASSERTION, STOP, FINISH, PROTOCOL
    }

    private final Kind kind;
    private final long cycle;

    public SimulationEndedException(Kind kind, long cycle, String message) {
        super(message);
        this.kind = kind;
        this.cycle = cycle;
    }

    public Kind kind() {
        return kind;
    }

    public long cycle() {
        return cycle;
    }

    static Kind kindOf(long bits) {
        if ((bits & StepStatus.PROTOCOL) != 0) {
            return Kind.PROTOCOL;
        }
        if ((bits & StepStatus.FATAL) != 0) {
            return Kind.ASSERTION;
        }
        if ((bits & StepStatus.STOP) != 0) {
            return Kind.STOP;
        }
        return Kind.FINISH;
    }
}
