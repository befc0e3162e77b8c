package vtoe.model.check;

/** A bus protocol rule broken by the design (or by a bus model): the checkers' failure. */
public final class ProtocolError extends AssertionError {
    public ProtocolError(String message) {
        super(message);
    }
}
