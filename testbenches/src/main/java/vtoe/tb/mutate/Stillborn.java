package vtoe.tb.mutate;

/** A mutant whose code scalac, Chisel or Verilator refuses: not a bug the regression could catch, so neither killed nor survived. */
final class Stillborn extends Exception {
    private static final long serialVersionUID = 1L;

    Stillborn(String message) {
        super(message);
    }
}
