package vtoe.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtoe.model.net.TsharkCheck.Decoded;
import vtoe.model.net.TsharkCheck.Kind;
import vtoe.model.net.TsharkCheck.Problem;
import vtoe.model.txn.Bytes;

/**
 * tshark's verdict on pcaps we write: silent on good frames (retransmissions and duplicate ACKs
 * included), decoding them as written, and loud on each kind of damage. Needs tshark
 * ({@code ./scripts/setup} installs it); without it these tests fail, they do not skip.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=TsharkCheckTest}
 */
class TsharkCheckTest {
    private static final int CLIENT = 0x0a000001;
    private static final int SERVER = 0x0a000002;
    private static final long SEED = 0x5eed_7c9L; // fixed, so the random frames are the same every run

    @TempDir
    Path dir;

    private static TcpFrame seg(boolean fromClient, long seq, long ack, int flags, int payloadBytes) {
        byte[] p = new byte[payloadBytes];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (seq + i);
        }
        return new TcpFrame(fromClient ? 0x020000000002L : 0x020000000001L, fromClient ? 0x020000000001L : 0x020000000002L,
                fromClient ? CLIENT : SERVER, fromClient ? SERVER : CLIENT, (int) (seq & 0xffff), 64, true,
                fromClient ? 40000 : 5001, fromClient ? 5001 : 40000, (int) seq, (int) ack, flags, 65535, Bytes.wrap(p));
    }

    private Path pcap(String name, List<Bytes> frames) {
        Path file = dir.resolve(name);
        try (PcapWriter w = new PcapWriter(file)) {
            long t = 1_700_000_000_000_000_000L;
            for (Bytes f : frames) {
                w.write(t, f);
                t += 1_234;
            }
        }
        return file;
    }

    /** A connection with a sequence number that wraps, a retransmission and duplicate ACKs. */
    private static List<TcpFrame> conversation() {
        long c = 0xffff_f000L; // client ISN: the data below wraps past 2^32
        long s = 0x8000_0000L;
        int a = TcpFrame.ACK;
        List<TcpFrame> f = new ArrayList<>();
        f.add(seg(true, c, 0, TcpFrame.SYN, 0));
        f.add(seg(false, s, c + 1, TcpFrame.SYN | a, 0));
        f.add(seg(true, c + 1, s + 1, a, 0));
        for (int i = 0; i < 4; i++) {
            f.add(seg(true, (c + 1 + 1460L * i) & 0xffffffffL, s + 1, a | (i == 3 ? TcpFrame.PSH : 0), 1460));
        }
        f.add(seg(true, (c + 1 + 1460) & 0xffffffffL, s + 1, a, 1460)); // retransmission
        f.add(seg(false, s + 1, c + 1 + 1460, a, 0));
        f.add(seg(false, s + 1, c + 1 + 1460, a, 0)); // duplicate ACKs
        f.add(seg(false, s + 1, c + 1 + 1460, a, 0));
        f.add(seg(false, s + 1, (c + 1 + 4 * 1460) & 0xffffffffL, a, 0));
        f.add(seg(true, (c + 1 + 4 * 1460) & 0xffffffffL, s + 1, TcpFrame.FIN | a, 0));
        f.add(seg(false, s + 1, (c + 2 + 4 * 1460) & 0xffffffffL, TcpFrame.FIN | a, 7));
        f.add(seg(true, (c + 2 + 4 * 1460) & 0xffffffffL, s + 9, a, 0));
        return f;
    }

    private static List<TcpFrame> randomFrames(int n) {
        SplittableRandom r = new SplittableRandom(SEED);
        List<TcpFrame> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[r.nextInt(1501)];
            r.nextBytes(p);
            out.add(new TcpFrame(r.nextLong() >>> 16, r.nextLong() >>> 16, r.nextInt(), r.nextInt(), r.nextInt(0x10000),
                    r.nextInt(256), r.nextBoolean(), r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(), r.nextInt(),
                    r.nextInt(0x40), r.nextInt(0x10000), Bytes.wrap(p)));
        }
        return out;
    }

    private static List<Decoded> expected(List<TcpFrame> frames) {
        List<Decoded> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            TcpFrame f = frames.get(i);
            out.add(new Decoded(i + 1, Integer.toUnsignedLong(f.seq()), Integer.toUnsignedLong(f.ack()), f.payload().length(), f.flags()));
        }
        return out;
    }

    @Test
    void goodFramesHaveNoProblemsAndDecodeAsWritten() {
        List<TcpFrame> frames = new ArrayList<>(conversation());
        frames.addAll(randomFrames(300));
        Path file = pcap("good.pcap", frames.stream().map(TcpFrame::encode).toList());

        TsharkCheck.Report r = TsharkCheck.check(file);

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.clean()).isTrue();
        assertThat(r.frames()).containsExactlyElementsOf(expected(frames));
    }

    @Test
    void framesWithOptionsAreGoodToTsharkToo() {
        TcpFrame syn = seg(true, 100, 0, TcpFrame.SYN, 0);
        TcpFrame data = seg(true, 101, 5, TcpFrame.ACK, 300);
        byte[] ipNops = {1, 1, 1, 0};
        byte[] mssSack = {2, 4, 5, (byte) 0xb4, 1, 1, 4, 2};
        Path file = pcap("options.pcap", List.of(Frames.withOptions(syn, ipNops, mssSack), Frames.withOptions(data, new byte[0], new byte[] {1, 1, 1, 1})));

        TsharkCheck.Report r = TsharkCheck.check(file);

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.frames()).containsExactlyElementsOf(expected(List.of(syn, data)));
    }

    @Test
    void applicationDissectorsDoNotJudgeThePayload() {
        // Port 4556 is TCPCL's; tshark 4.0 calls this 2-byte payload a malformed TCPCL packet
        // unless the payload is decoded as plain data.
        TcpFrame f = new TcpFrame(0x020000000002L, 0x020000000001L, CLIENT, SERVER, 1, 64, true, 4556, 26227, 1000, 2000,
                TcpFrame.PSH | TcpFrame.ACK, 65535, Bytes.of((byte) 0xb9, (byte) 0x17));
        Path file = pcap("tcpcl.pcap", List.of(f.encode()));
        List<String> withoutDecodeAs = new ArrayList<>(List.of(TsharkCheck.tshark().toString(), "-n", "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", TsharkCheck.PROBLEM_FILTER,
                "-T", "fields", "-e", "frame.number"));
        assertThat(TsharkCheck.run(withoutDecodeAs, TsharkCheck.TIMEOUT)).as("the trap still catches tshark").containsExactly("1");

        assertThat(TsharkCheck.problems(file)).isEmpty();
    }

    @Test
    void eachKindOfDamageIsReported() {
        Bytes good = seg(true, 1000, 2000, TcpFrame.ACK | TcpFrame.PSH, 100).encode();
        byte[] badTcp = good.toArray();
        badTcp[100] ^= 0x01;
        byte[] badIp = good.toArray();
        badIp[22]--; // TTL
        byte[] both = good.toArray();
        both[22]--;
        both[100] ^= 0x01;
        Bytes truncated = good.slice(0, 50); // mid TCP header
        // tshark's "should be" is the checksum of the damaged bytes: our own sum must agree with it.
        String ipSum = "%04x".formatted(Frames.u16(Frames.fixIp(badIp.clone()), 24));
        String tcpSum = "%04x".formatted(Frames.u16(Frames.fixTcp(badTcp.clone()), 50));
        Path file = pcap("bad.pcap", List.of(good, Bytes.wrap(badTcp), Bytes.wrap(badIp), truncated, Bytes.wrap(both), good));

        List<Problem> problems = TsharkCheck.problems(file);

        assertThat(problems).extracting(Problem::frame, Problem::kind, Problem::text).containsExactly(
                tuple(2, Kind.BAD_TCP_CHECKSUM, "Bad checksum [should be 0x" + tcpSum + "]"),
                tuple(3, Kind.BAD_IP_CHECKSUM, "Bad checksum [should be 0x" + ipSum + "]"),
                tuple(4, Kind.ERROR, "IPv4 total length exceeds packet length (36 bytes)"),
                tuple(4, Kind.MALFORMED, "Malformed Packet (Exception occurred)"),
                tuple(5, Kind.BAD_IP_CHECKSUM, "Bad checksum [should be 0x" + ipSum + "]"),
                tuple(5, Kind.BAD_TCP_CHECKSUM, "Bad checksum [should be 0x" + tcpSum + "]"));
    }

    @Test
    void problemFilterSelectsTheReportedFrames() {
        Bytes good = seg(true, 1, 2, TcpFrame.ACK, 10).encode();
        byte[] bad = good.toArray();
        bad[60] ^= 0x40;
        Path file = pcap("filter.pcap", List.of(good, Bytes.wrap(bad), good.slice(0, 40), good));
        List<String> command = new ArrayList<>(TsharkCheck.humanCommand(TsharkCheck.tshark(), file));
        command.remove("-V");
        command.addAll(List.of("-T", "fields", "-e", "frame.number"));

        List<String> selected = TsharkCheck.run(command, TsharkCheck.TIMEOUT);

        assertThat(selected).containsExactly("2", "3");
        assertThat(TsharkCheck.problems(file)).extracting(p -> Integer.toString(p.frame())).containsOnly("2", "3");
        assertThat(TsharkCheck.check(file).toString()).contains("frame 2: BAD_TCP_CHECKSUM", "frame 3: ",
                " -V", "-Y '" + TsharkCheck.PROBLEM_FILTER + "'");
    }

    @Test
    void missingTsharkSaysHowToInstallIt() {
        assertThatThrownBy(() -> TsharkCheck.tshark(dir.toString()))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("tshark not found: run ./scripts/setup");
        assertThatThrownBy(() -> TsharkCheck.tshark(null)).hasMessageStartingWith("tshark not found: run ./scripts/setup");
        assertThat(TsharkCheck.tshark("/nonexistent" + java.io.File.pathSeparator + "/usr/bin")).isEqualTo(Path.of("/usr/bin/tshark"));
    }

    @Test
    void unreadableFileAndTimeoutAreErrors() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.pcap"), "not a capture");
        assertThatThrownBy(() -> TsharkCheck.check(garbage))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tshark exited with 2").hasMessageContaining("garbage.pcap");
        Path file = pcap("one.pcap", List.of(seg(true, 1, 2, TcpFrame.ACK, 0).encode()));
        assertThatThrownBy(() -> TsharkCheck.check(file, Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not finish within");
    }
}
