package vtoe.model.payload;

/**
 * How a run represents payload. {@link #FULL}: real bytes everywhere (host pages, DMA, staging,
 * frames, the receiver's stream) and SHA-256 of the stream at both ends; what lockstep co-simulation
 * and every test use. {@link #NONE}: no payload byte is made anywhere; payload is carried as
 * {@link Content} (which stream bytes a range holds), and the ends compare {@link Fingerprint}s of
 * the ranges they posted and received. Sweeps use it: the same run, the same metrics, less work.
 */
public enum PayloadMode {
    FULL,
    NONE;

    /** {@code full} or {@code none} (the command-line spelling). */
    public static PayloadMode parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "full" -> FULL;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("payload mode must be none or full, not " + s);
        };
    }
}
