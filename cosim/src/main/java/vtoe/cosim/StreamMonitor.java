package vtoe.cosim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import vtoe.model.txn.Observed;

/**
 * Passive monitor of one port: every handshake, decoded to a record with its cycle stamps. The
 * native side samples the pins (not what Java pushed) and, for outputs, checks that valid and the
 * payload hold while {@code valid && !ready}.
 */
public final class StreamMonitor<T extends Record> {
    private final RecordCodec<T> codec;
    private final List<Consumer<Observed<T>>> subscribers = new ArrayList<>();
    private long count;

    public StreamMonitor(Dut dut, String port, Class<T> type) {
        this.codec = RecordCodec.of(type, dut.port(port));
        dut.listen(port, (start, end, entry, off) -> {
            count++;
            Observed<T> o = new Observed<>(codec.decode(entry, off), start, end);
            for (Consumer<Observed<T>> s : subscribers) {
                s.accept(o);
            }
        });
    }

    public StreamMonitor<T> subscribe(Consumer<Observed<T>> s) {
        subscribers.add(s);
        return this;
    }

    public long count() {
        return count;
    }

    public PortInfo port() {
        return codec.port();
    }
}
