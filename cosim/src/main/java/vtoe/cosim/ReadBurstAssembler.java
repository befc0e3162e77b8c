package vtoe.cosim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadBurst;
import vtoe.model.txn.Observed;

/** Groups read data beats into bursts per id (AXI allows bursts of different ids to interleave). */
public final class ReadBurstAssembler implements Consumer<Observed<DmaReadBeat>> {
    private final Map<Integer, List<Observed<DmaReadBeat>>> open = new HashMap<>();
    private final Consumer<Observed<DmaReadBurst>> out;

    public ReadBurstAssembler(Consumer<Observed<DmaReadBurst>> out) {
        this.out = out;
    }

    @Override
    public void accept(Observed<DmaReadBeat> b) {
        List<Observed<DmaReadBeat>> beats = open.computeIfAbsent(b.txn().id(), k -> new ArrayList<>());
        beats.add(b);
        if (b.txn().last()) {
            open.remove(b.txn().id());
            Bytes data = Bytes.concat(beats.stream().map(x -> x.txn().data()).toArray(Bytes[]::new));
            int resp = beats.stream().mapToInt(x -> x.txn().resp()).max().orElse(0);
            out.accept(new Observed<>(new DmaReadBurst(b.txn().id(), data, beats.size(), resp), beats.get(0).startCycle(),
                    b.endCycle()));
        }
    }

    /** Bursts that started but have not seen their last beat. */
    public int openBursts() {
        return open.size();
    }
}
