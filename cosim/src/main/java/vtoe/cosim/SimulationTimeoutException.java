package vtoe.cosim;

/** A run did not complete in its cycle budget: a hang, or a budget too small. Holds every port's state. */
public final class SimulationTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulationTimeoutException(String message) {
        super(message);
    }
}
