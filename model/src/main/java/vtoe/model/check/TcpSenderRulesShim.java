package vtoe.model.check;

import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;
import vtoe.model.world.ForwardingOutputs;
import vtoe.model.world.ForwardingPorts;
import vtoe.model.world.PortShim;

/**
 * Hands every frame on the adapter's m_axis_tx and s_axis_rx to a {@link TcpSenderRules}, for a world
 * whose adapter is not watched by port monitors (the standalone TLM). It must be the shim nearest the
 * adapter, so it sees what the adapter itself sent and took.
 *
 * <p>The wires here carry whole frames at one instant, so the port cycles are estimated from the
 * frame's beats (one per cycle, {@code dataBytes} per beat): a frame the adapter sent is handed over
 * at its last beat, so it began that many beats earlier. A frame for the adapter is handed over when
 * the world offers it; an adapter that says when it took the last beat (the standalone TLM, whose
 * receive port queues frames behind each other) tells the rules itself, and the shim leaves
 * {@code s_axis_rx} alone ({@code judgeRx} false). Otherwise the shim estimates that cycle as that
 * many beats later, which is early when frames queue: an ACK would count as known before the adapter
 * could have seen it.
 */
public final class TcpSenderRulesShim implements PortShim {
    private final TcpSenderRules rules;
    private final Timeline t;
    private final int dataBytes;
    private final boolean judgeRx;

    public TcpSenderRulesShim(TcpSenderRules rules, Timeline t, int dataBytes) {
        this(rules, t, dataBytes, true);
    }

    public TcpSenderRulesShim(TcpSenderRules rules, Timeline t, int dataBytes, boolean judgeRx) {
        this.rules = rules;
        this.t = t;
        this.dataBytes = dataBytes;
        this.judgeRx = judgeRx;
    }

    private long beats(Bytes frame) {
        return Math.max(1, (frame.length() + dataBytes - 1) / dataBytes);
    }

    @Override
    public AdapterPorts inputs(AdapterPorts next) {
        return new ForwardingPorts(next) {
            @Override
            public void rxFrame(Bytes frame) {
                if (judgeRx) {
                    rules.toSender(frame, t.now() + beats(frame) - 1);
                }
                next.rxFrame(frame);
            }
        };
    }

    @Override
    public AdapterOutputs outputs(AdapterOutputs next) {
        return new ForwardingOutputs(next) {
            @Override
            public void txFrame(Bytes frame) {
                rules.fromSender(frame, t.now() - beats(frame));
                next.txFrame(frame);
            }
        };
    }
}
