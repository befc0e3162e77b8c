package vtoe.model.adapter;

/** Why a connection's timer fired (RTL {@code vtoe.rtl.TimerKind}); the ordinal is the code. */
public enum TimerKind {
    RTO, ZERO_WINDOW, PERSIST
}
