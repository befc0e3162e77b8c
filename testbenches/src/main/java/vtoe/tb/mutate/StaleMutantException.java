package vtoe.tb.mutate;

/** A mutant whose anchor text is not found exactly once in its file: the RTL changed under it, or the anchor is too short. */
public final class StaleMutantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleMutantException(String message) {
        super(message);
    }
}
