package vtoe.cosim;

/** The status word one {@link Dut#step} returns; bits as in native {@code vtoe::Status}. */
public record StepStatus(long bits) {
    public static final long TARGET = 1;
    public static final long WAKE = 2;
    public static final long DRAIN = 4;
    public static final long REFILL = 8;
    public static final long FATAL = 16;
    public static final long STOP = 32;
    public static final long FINISH = 64;
    public static final long PROTOCOL = 128;
    public static final long ENDED = FATAL | STOP | FINISH | PROTOCOL;

    public boolean reachedTarget() {
        return (bits & TARGET) != 0;
    }

    public boolean woke() {
        return (bits & WAKE) != 0;
    }

    public boolean ended() {
        return (bits & ENDED) != 0;
    }
}
