package vtoe.tb.adapter;

import vtoe.cosim.AxisFrameSource;
import vtoe.model.net.Link;
import vtoe.model.net.TcpReceiver;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;
import vtoe.tb.stim.RunStreams;

/** The far end of one connection: link there, the destination TCP receiver, link back into s_axis_rx. */
public final class Peer {
    private final Link toPeer;
    private final Link fromPeer;
    private final TcpReceiver receiver;

    public Peer(ConnSetup s, Timeline t, RunStreams streams, AxisFrameSource rxPort) {
        this.fromPeer = new Link(s.fromPeer(), t, streams.stream("link-from-peer-" + s.conn()), f -> rxPort.send(f, t.now()));
        this.receiver = new TcpReceiver(new TcpReceiver.Endpoint(s.peerMac(), s.peerIp(), s.peerPort()),
                new TcpReceiver.Endpoint(s.ourMac(), s.ourIp(), s.ourPort()), s.iss(), s.rcvBuffer(), s.readRate(), t,
                fromPeer::send);
        this.toPeer = new Link(s.toPeer(), t, streams.stream("link-to-peer-" + s.conn()), receiver::receive);
    }

    public void fromAdapter(Bytes frame) {
        toPeer.send(frame);
    }

    public TcpReceiver receiver() {
        return receiver;
    }

    public Link toPeer() {
        return toPeer;
    }

    public Link fromPeer() {
        return fromPeer;
    }
}
