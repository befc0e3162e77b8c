package vtoe.model.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.txn.Bytes;

/**
 * The host stack's own frames and the Linux peer's plain-Java parts: no namespace needed.
 *
 * <p>Run just this: {@code ./scripts/test --only LinuxPeerFramesTest}
 */
class LinuxPeerFramesTest {
    @Test
    void theSynCarriesItsMssAndWindowScaleOptionsAndValidChecksums() {
        Bytes syn = LinuxPeer.synFrame(0x0200_0000_0101L, 0x0200_0000_0001L, 0x0a00_0001, 0x0a00_0101, 0x4001, 5001, 0x12345678, 0xffff,
                1460, 7);
        ParseResult r = TcpFrame.parse(syn);
        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(r.frame().flags()).isEqualTo(TcpFrame.SYN);
        assertThat(r.frame().seq()).isEqualTo(0x12345678);
        assertThat(r.frame().payload().length()).isZero();
        assertThat(LinuxPeer.mssOption(syn)).isEqualTo(1460);
        assertThat(LinuxPeer.wndShiftOption(syn)).isEqualTo(7);
    }

    @Test
    void aWindowScaleAbove14IsTakenAs14() {
        Bytes syn = LinuxPeer.synFrame(1, 2, 3, 4, 5, 6, 7, 100, 1000, 15);
        assertThat(LinuxPeer.wndShiftOption(syn)).isEqualTo(14);
        assertThat(LinuxPeer.mssOption(syn)).isEqualTo(1000);
    }

    @Test
    void aSegmentWithoutTheOptionHasTheDefaultMss() {
        Bytes ack = new TcpFrame(1, 2, 3, 4, 0, 64, true, 5, 6, 7, 8, TcpFrame.SYN | TcpFrame.ACK, 100, Bytes.of()).encode();
        assertThat(LinuxPeer.mssOption(ack)).isEqualTo(536);
        assertThat(LinuxPeer.wndShiftOption(ack)).as("no window scale option: no scaling").isZero();
    }

    @Test
    void aMachineThatCannotRunItIsToldWhatIsMissingInOneSentence() {
        String s = TapBridge.missing(1000, Path.of("/nonexistent/tun"), tool -> tool.equals("ip") ? null : Path.of("/bin/true")).orElseThrow();
        assertThat(s).startsWith("the Linux peer cannot run here: it needs root (this JVM runs as uid 1000")
                .contains("/nonexistent/tun (load the tun module")
                .contains("ip on the PATH (package iproute2)")
                .endsWith(".")
                .doesNotContain("\n");
        assertThat(TapBridge.missing(0, Path.of("/proc/self/status"), tool -> Path.of("/bin/true"))).isEmpty();
    }

    @Test
    void icmpErrorsAreDescribedForAPerson() {
        // Ethernet + IPv4 (proto 1, from 10.0.1.1) + ICMP type 3 code 0 + the quoted IPv4/TCP header.
        byte[] f = new byte[14 + 20 + 8 + 20 + 8];
        f[12] = 0x08;
        f[14] = 0x45;
        f[14 + 9] = 1;
        f[26] = 10;
        f[28] = 1;
        f[29] = 1;
        f[34] = 3;
        f[42] = 0x45;
        f[62] = 0x40;
        f[63] = 0x01;
        Bytes b = Bytes.wrap(f);
        assertThat(LinuxNet.isIcmp(b)).isTrue();
        assertThat(LinuxNet.describeIcmp(b)).isEqualTo("ICMP destination unreachable (network unreachable) from 10.0.1.1");
    }
}
