package vtoe.model.world;

import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import vtoe.model.net.Link;
import vtoe.model.net.TcpReceiver;
import vtoe.model.sim.Timeline;
import vtoe.model.txn.Bytes;

/**
 * The far end of one connection: the link there, the destination TCP receiver, and the link back
 * into the adapter's receive port. Each link draws from its own named stream so that impairing one
 * direction does not change the other's draws.
 */
public final class Peer implements Destination {
    private final Link toPeer;
    private final Link fromPeer;
    private final TcpReceiver receiver;

    /**
     * @param streams   the run's named random streams
     * @param toAdapter delivers a frame into the adapter's s_axis_rx (the co-simulation's frame source,
     *                  or the standalone TLM)
     */
    public Peer(ConnSetup s, Timeline t, Function<String, UniformRandomProvider> streams, Consumer<Bytes> toAdapter) {
        this(s, t, streams, toAdapter, new vtoe.model.payload.Sha256Digest());
    }

    /** With the receiver's stream summarised by {@code digest} (a payload-free run's range fingerprints). */
    public Peer(ConnSetup s, Timeline t, Function<String, UniformRandomProvider> streams, Consumer<Bytes> toAdapter,
            vtoe.model.payload.StreamDigest digest) {
        this.fromPeer = new Link(s.fromPeer(), t, streams.apply("link-from-peer-" + s.conn()), toAdapter);
        this.receiver = new TcpReceiver(new TcpReceiver.Endpoint(s.peerMac(), s.peerIp(), s.peerPort()),
                new TcpReceiver.Endpoint(s.ourMac(), s.ourIp(), s.ourPort()), s.iss(), s.rcvBuffer(), s.wndShift(), s.readRate(), t,
                fromPeer::send, digest);
        this.toPeer = new Link(s.toPeer(), t, streams.apply("link-to-peer-" + s.conn()), receiver::receive);
    }

    @Override
    public void fromAdapter(Bytes frame) {
        toPeer.send(frame);
    }

    public TcpReceiver receiver() {
        return receiver;
    }

    @Override
    public long bytesReceived() {
        return receiver.bytesReceived();
    }

    @Override
    public String sha256() {
        return receiver.sha256();
    }

    /** Pieces the receiver delivered that were not the stream bytes at their place (payload-free runs check each piece). */
    @Override
    public java.util.List<String> failures() {
        return receiver.digest().failures().stream().map(m -> "received " + m).toList();
    }

    @Override
    public String stats() {
        return "receiver " + receiver.stats();
    }

    @Override
    public Link toPeer() {
        return toPeer;
    }

    @Override
    public Link fromPeer() {
        return fromPeer;
    }
}
