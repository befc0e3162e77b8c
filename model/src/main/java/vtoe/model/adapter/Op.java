package vtoe.model.adapter;

/** Trace ops of ConnStateUnit (RTL {@code vtoe.rtl.Op}); the field meanings are documented there. */
public enum Op {
    OPEN(1), DESC(2), SEG(3), ACK(4), RETIRE(5), TIMER(6), TAG_DONE(7), FAULT(8), STOP(9), DRAIN(10), SKIP(11), WHEEL(12);

    public final int code;

    Op(int code) {
        this.code = code;
    }

    private static final Op[] ALL = values(); // values() copies the array, and every trace record is decoded

    public static Op of(int code) {
        for (Op o : ALL) {
            if (o.code == code) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown trace op " + code);
    }
}
