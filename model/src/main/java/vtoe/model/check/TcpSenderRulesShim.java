package vtoe.model.check;

import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;
import vtoe.model.world.ForwardingOutputs;
import vtoe.model.world.PortShim;

/**
 * Hands every frame on the adapter's m_axis_tx to a {@link TcpSenderRules}, for a world whose adapter
 * is not watched by port monitors (the standalone TLM). It must be the shim nearest the adapter, so it
 * sees what the adapter itself sent.
 *
 * <p>The wire here carries whole frames at one instant, so a frame's first cycle is estimated from its
 * beats (one per cycle, {@code dataBytes} per beat): it is handed over at its last beat, so it began
 * that many beats earlier. The ACKs on s_axis_rx do not pass through here: the adapter tells the rules
 * itself at the cycle its receive port took each last beat ({@code StandaloneAdapter.onRxTaken}), since
 * frames queue on that port and a time estimated here, when the world offers a frame, would count an
 * ACK as known before the adapter could have seen it.
 */
public final class TcpSenderRulesShim implements PortShim {
    private final TcpSenderRules rules;
    private final Timeline t;
    private final int dataBytes;

    public TcpSenderRulesShim(TcpSenderRules rules, Timeline t, int dataBytes) {
        this.rules = rules;
        this.t = t;
        this.dataBytes = dataBytes;
    }

    @Override
    public AdapterPorts inputs(AdapterPorts next) {
        return next;
    }

    @Override
    public AdapterOutputs outputs(AdapterOutputs next) {
        return new ForwardingOutputs(next) {
            @Override
            public void txFrame(Bytes frame) {
                rules.fromSender(frame, t.now() - Math.max(1, (frame.length() + dataBytes - 1) / dataBytes));
                next.txFrame(frame);
            }
        };
    }
}
