package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.AdapterParams;
import vtoe.model.linux.LinuxNet;
import vtoe.model.linux.LinuxPeer;
import vtoe.model.linux.TapBridge;
import vtoe.model.net.Link;
import vtoe.model.standalone.StandaloneAdapter;
import vtoe.model.standalone.StandaloneWorld;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.World;
import vtoe.tb.adapter.AdapterTb;
import vtoe.tb.junit.SimRun;
import vtoe.tb.linux.LinuxRun;
import vtoe.tb.stim.RunStreams;

/**
 * The Linux kernel's TCP as the destination (issue 13): the adapter's frames go to a TAP in a network
 * namespace the run creates, a real receiving application there reads each socket to EOF and reports
 * its SHA-256; the host opens and closes the connections. On this kind of machine (root, /dev/net/tun)
 * these tests run, never skip; elsewhere they fail with the one sentence {@link TapBridge#missing()}
 * says.
 *
 * <p>Run just this: {@code ./scripts/test --only LinuxPeerIT}
 */
class LinuxPeerIT {
    static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};
    static final int CONNECTIONS = 4;
    static final long BYTES = 4L << 20;

    static SimRun sim(TestInfo info, int mode) {
        return SimRun.of("LinuxPeerIT", info.getTestMethod().orElseThrow().getName() + "[" + MODES[mode] + "]", 0x11c0 + mode);
    }

    static LinuxRun.Spec spec(int mode) {
        return LinuxRun.spec(mode, CONNECTIONS, BYTES, 0.01, LinuxRun.pressured(AdapterTb.elaboratedParams(), CONNECTIONS));
    }

    /** What every run must show besides its own verdict: the figures that say the test exercised what it claims. */
    static void assertExercised(LinuxRun.Result r) {
        assertThat(r.failures()).as("the run's verdict").isEmpty();
        assertThat(r.pass()).isTrue();
        assertThat(r.socketsMatched()).as("sockets that delivered exactly the bytes sent (SHA-256)").isEqualTo(CONNECTIONS);
        assertThat(r.kernel().get("Tcp.InCsumErrors")).as("kernel checksum errors").isZero();
        assertThat(r.kernel().get("Tcp.InErrs")).as("kernel input errors").isZero();
        assertThat(r.kernel().get("Tcp.InSegs")).as("the kernel received the segments").isGreaterThan(r.dataFrames() / 2);
        assertThat(r.tsharkProblems()).isZero();
        assertThat(r.pcapFrames()).as("frames both ways in the pcap").isGreaterThan(r.dataFrames());
        assertThat(r.retransmissions()).as("1%% loss made the adapter retransmit").isPositive();
        assertThat(r.pageOuts()).as("RAM pressure swapped send-buffer pages out").isPositive();
        assertThat(r.bytes()).isEqualTo(CONNECTIONS * BYTES);
        // The host offered window scaling and Linux (net.ipv4.tcp_window_scaling = 1 by default) answered with its shift,
        // which the adapter and the sender rules now apply to every window the kernel advertises.
        assertThat(r.kernelWndShifts()).as("the kernel's window shifts, handed over").hasSize(CONNECTIONS).allMatch(s -> s > 0);
    }

    /** Four sockets, 4 MiB each, 1% loss each way, swapped memory: the RTL with the TLM in lockstep on every port. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void fourSocketsOnTheRtlWithLockstep(int mode, TestInfo info) {
        LinuxRun.Result r = LinuxRun.rtl(sim(info, mode), spec(mode), b -> {}, "./scripts/test --only LinuxPeerIT");
        System.out.println(r);
        assertExercised(r);
        assertThat(r.transactionsCompared()).as("the lockstep compared the adapter's transactions").isPositive();
    }

    /** The same on the standalone TLM. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void fourSocketsOnTheStandaloneTlm(int mode, TestInfo info) {
        LinuxRun.Result r = LinuxRun.tlm(sim(info, mode), spec(mode), b -> {}, "./scripts/test --only LinuxPeerIT");
        System.out.println(r);
        assertExercised(r);
    }

    // ---- what goes wrong, said so ----

    static StandaloneWorld world(TestInfo info) {
        AdapterParams p = AdapterTb.elaboratedParams();
        return new StandaloneWorld(p, World.Config.defaults(), StandaloneAdapter.Timing.defaults(), new RunStreams(7)::stream,
                () -> info.getDisplayName());
    }

    static LinuxNet net(StandaloneWorld w, TestInfo info, LinuxNet.Config c) {
        String name = info.getTestMethod().orElseThrow().getName();
        return new LinuxNet(w.kernel, w.streams(), c, Path.of("target", "linux", "LinuxPeerIT", name + ".pcap"),
                Path.of("target", "linux", "LinuxPeerIT", name + "-helper.log"));
    }

    static LinuxNet.Runner runner(StandaloneWorld w) {
        return (done, most) -> w.kernel.runUntil(done, w.kernel.now() + most);
    }

    @Test
    void aRefusedConnectionSaysNothingListens(TestInfo info) {
        StandaloneWorld w = world(info);
        try (LinuxNet net = net(w, info, LinuxNet.Config.defaults())) {
            int port = net.config().peerPort() + 1;
            assertThatThrownBy(() -> net.handshake(0, ConnSetup.of(0, 0), w.world.ports()::rxFrame, runner(w), net.config().peerIp(), port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("answered the SYN with a RST")
                    .hasMessageContaining("nothing listens on 10.0.1.1:" + port);
        }
    }

    @Test
    void noSynAckAfterTheRetriesIsAnError(TestInfo info) {
        StandaloneWorld w = world(info);
        try (LinuxNet net = net(w, info, LinuxNet.Config.defaults().withSynTimeout(50_000, 2))) {
            ConnSetup blackHole = ConnSetup.of(0, 0).withLinks(Link.Config.ideal(100).withLoss(1.0), Link.Config.ideal(100));
            assertThatThrownBy(() -> net.handshake(0, blackHole, w.world.ports()::rxFrame, runner(w)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no SYN-ACK from 10.0.1.1:5001 after 3 SYNs");
        }
    }

    @Test
    void anIcmpErrorIsAnError(TestInfo info) {
        StandaloneWorld w = world(info);
        try (LinuxNet net = net(w, info, LinuxNet.Config.defaults())) {
            int nowhere = 0x0a09_0909; // 10.9.9.9: no route in the namespace, which forwards, so it answers with ICMP
            assertThatThrownBy(() -> net.handshake(0, ConnSetup.of(0, 0), w.world.ports()::rxFrame, runner(w), nowhere, 5001))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("an ICMP error came back: ICMP destination unreachable (network unreachable)");
        }
    }

    // ---- what the kernel taught us ----

    /**
     * The kernel sends some ACKs with TCP checksum 0xFFFF where 0x0000 is computed: both are zero in
     * one's complement, RFC 1624 says a receiver must accept either (tshark flags it). Here the only
     * ACK the adapter gets is such a frame (the receiver's own ACKs are dropped): if the adapter
     * rejected it, nothing would be acknowledged and the run would not finish.
     */
    @Test
    void anAckWithChecksumNegativeZeroIsAccepted(TestInfo info) {
        try (vtoe.tb.adapter.AdapterTb tb = new vtoe.tb.adapter.AdapterTb(SimRun.of("LinuxPeerIT", "negativeZeroChecksum", 0x11ff),
                AdapterTb.Timing.fast())) {
            ConnSetup s = ConnSetup.of(1, vtoe.model.adapter.CsrMap.MODE_TRANSLATE).withRto(400_000);
            tb.openConnection(s);
            tb.peer(1).fromPeer().dropIf(f -> true);
            byte[] d = new byte[10_000];
            new java.util.Random(5).nextBytes(d);
            tb.send(1, d, 8192);
            vtoe.model.txn.Bytes ack = negativeZero(new vtoe.model.net.TcpFrame(s.ourMac(), s.peerMac(), s.peerIp(), s.ourIp(), 0, 64,
                    true, s.peerPort(), s.ourPort(), ConnSetup.PEER_SEQ, s.iss() + d.length, vtoe.model.net.TcpFrame.ACK, 65535,
                    vtoe.model.txn.Bytes.of()).encode());
            assertThat(vtoe.model.net.TcpFrame.parse(ack).ok()).as("the frame is valid by RFC 1624").isTrue();
            assertThat(ack.get(50) & 0xff).isEqualTo(0xff);
            assertThat(ack.get(51) & 0xff).isEqualTo(0xff);
            tb.sched.runUntil(() -> tb.peer(1).receiver().bytesReceived() == d.length, 1_000_000, () -> "data not received");
            tb.sched.after(100, () -> tb.rx.send(ack, tb.dut.cycle()));
            tb.finish(300_000);
            int first = tb.csrResps.size();
            tb.csr.push(vtoe.model.txn.CsrRequest.read(vtoe.model.adapter.CsrMap.global(vtoe.model.adapter.CsrMap.G_RX_COUNTER_BASE
                    + vtoe.model.adapter.RxClass.OK.ordinal())));
            tb.csr.push(vtoe.model.txn.CsrRequest.read(vtoe.model.adapter.CsrMap.global(vtoe.model.adapter.CsrMap.G_RX_COUNTER_BASE
                    + vtoe.model.adapter.RxClass.BAD_TCP_CHECKSUM.ordinal())));
            tb.finish(100_000);
            assertThat(tb.csrResps.get(first).txn().data()).as("frames accepted").isEqualTo(1);
            assertThat(tb.csrResps.get(first + 1).txn().data()).as("frames rejected for their checksum").isZero();
        }
    }

    /**
     * The same ACK with checksum 0xFFFF: the urgent pointer (ignored without URG) takes the old
     * checksum's value, which makes the computed checksum 0x0000, and the field says 0xFFFF.
     */
    static vtoe.model.txn.Bytes negativeZero(vtoe.model.txn.Bytes frame) {
        byte[] b = frame.toArray();
        b[52] = b[50];
        b[53] = b[51];
        b[50] = (byte) 0xff;
        b[51] = (byte) 0xff;
        return vtoe.model.txn.Bytes.wrap(b);
    }

    /**
     * A reader that stalls: the application reads nothing, so the kernel's receive buffer fills and it
     * advertises a zero window; the adapter probes the closed window (RFC 9293 3.8.6.1) for 300,000
     * cycles, then the application reads, the kernel sends its window update, and the stream arrives
     * intact. On the RTL, with the TLM in lockstep and the sender rules judging every probe.
     */
    @Test
    void aSlowReaderClosesTheKernelsWindowAndTheAdapterProbesIt(TestInfo info) {
        LinuxRun.Spec base = LinuxRun.spec(vtoe.model.adapter.CsrMap.MODE_TRANSLATE, 1, 1 << 20, 0, World.Config.defaults());
        LinuxRun.Spec slow = new LinuxRun.Spec(base.mode(), 1, base.bytes(), base.link(), base.rto(), base.world(),
                base.net().withStalledReader(300_000));
        LinuxRun.Result r = LinuxRun.rtl(SimRun.of("LinuxPeerIT", "slowReader", 0x11d0), slow, b -> {}, "./scripts/test --only LinuxPeerIT");
        System.out.println(r);
        assertThat(r.failures()).isEmpty();
        assertThat(r.socketsMatched()).isEqualTo(1);
        assertThat(r.kernel().get("TcpExt.TCPToZeroWindowAdv")).as("the kernel closed its window").isPositive();
        assertThat(r.probes()).as("the adapter probed the closed window").isPositive();
        assertThat(r.kernel().get("TcpExt.TCPFromZeroWindowAdv")).as("and opened it again").isPositive();
        assertThat(r.senderRuleFindings()).as("no sender rule broken, report-only ones included").isEmpty();
    }

    // ---- nothing stays behind ----

    static void assertGone(TapBridge.Hello h, ProcessHandle helper) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((helper.isAlive() || TapBridge.namespaceInUse(h.netns())) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(helper.isAlive()).as("the helper process %d ended", h.pid()).isFalse();
        assertThat(TapBridge.namespaceInUse(h.netns())).as("no process is left in namespace %s (its TAP %s went with it)", h.netns(),
                h.device()).isFalse();
    }

    @Test
    void theNamespaceAndTheTapAreGoneAfterEveryRunFailedOrNot(TestInfo info) throws Exception {
        // A run that passes: one small connection, opened, sent and closed.
        StandaloneWorld w = world(info);
        TapBridge.Hello h;
        ProcessHandle helper;
        try (LinuxNet net = net(w, info, LinuxNet.Config.defaults())) {
            h = net.tap().hello();
            helper = net.tap().handle();
            assertThat(TapBridge.namespaceInUse(h.netns())).as("the namespace exists while the run does").isTrue();
            assertThat(h.netns()).isNotEqualTo(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
            LinuxPeer p = w.openLinux(net, ConnSetup.of(0, 0));
            w.world.send(0, new byte[100_000]);
            p.closeAfter(100_000, () -> w.world.driver().bytesCompleted(0));
            assertThat(w.finish(20_000_000)).isEmpty();
        }
        assertGone(h, helper);

        // A run that fails (the connection is refused) and leaves by an exception.
        StandaloneWorld w2 = world(info);
        TapBridge.Hello[] h2 = new TapBridge.Hello[1];
        ProcessHandle[] helper2 = new ProcessHandle[1];
        assertThatThrownBy(() -> {
            try (LinuxNet net = net(w2, info, LinuxNet.Config.defaults())) {
                h2[0] = net.tap().hello();
                helper2[0] = net.tap().handle();
                net.handshake(0, ConnSetup.of(0, 0), w2.world.ports()::rxFrame, runner(w2), net.config().peerIp(), 9);
            }
        }).isInstanceOf(IllegalStateException.class);
        assertGone(h2[0], helper2[0]);

        // A JVM that dies without a word: the helper sees its stdin close and ends, with its namespace.
        TapBridge tap = new TapBridge(new TapBridge.Config(0x02_00_00_00_01_01L, "10.0.1.1/16", "10.0.0.1", 0x02_00_00_00_00_01L, 5001,
                false, false, Path.of("target", "linux", "LinuxPeerIT", "abandoned-helper.log")));
        TapBridge.Hello h3 = tap.hello();
        ProcessHandle helper3 = tap.handle();
        tap.abandon();
        assertGone(h3, helper3);
    }
}
