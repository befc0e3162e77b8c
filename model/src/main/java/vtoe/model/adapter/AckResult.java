package vtoe.model.adapter;

/** What an ACK did to its connection (RTL {@code vtoe.rtl.AckResult}); the ordinal is the code. */
public enum AckResult {
    NEW, DUP, FAST_RETX, WINDOW, OLD, ABOVE, IGNORED
}
