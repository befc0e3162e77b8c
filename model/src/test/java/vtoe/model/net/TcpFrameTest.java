package vtoe.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vtoe.model.net.Frames.fixIp;
import static vtoe.model.net.Frames.fixTcp;
import static vtoe.model.net.Frames.putU16;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vtoe.model.txn.Bytes;

/**
 * The frame layout the RTL framer is compared against, and the parser's verdict on every class of
 * damage. Expected bytes come from an independent Python encoder (struct.pack and its own RFC 1071
 * sum), not from this code.
 *
 * <p>Run just this: {@code mvn -pl model test -Dtest=TcpFrameTest}
 */
class TcpFrameTest {
    private static final HexFormat HEX = HexFormat.of();

    /** 3-byte payload (odd, so the checksum's last word is half padding), 3 bytes of Ethernet padding. */
    private static final TcpFrame SHORT = new TcpFrame(0x001122334455L, 0x66778899aabbL, 0xc0a8010a, 0x0a000001,
            0x1234, 64, true, 49152, 80, 0x01020304, 0xa0b0c0d0, TcpFrame.PSH | TcpFrame.ACK, 0xfaf0,
            Bytes.of((byte) 'h', (byte) 'i', (byte) '!'));
    private static final String SHORT_HEX = "001122334455" + "66778899aabb" + "0800"
            + "4500002b" + "12344000" + "40065ce6" + "c0a8010a" + "0a000001"
            + "c0000050" + "01020304" + "a0b0c0d0" + "5018faf0" + "39e40000"
            + "686921" + "000000";

    private static Bytes hex(String h) {
        return Bytes.wrap(HEX.parseHex(h));
    }

    private static TcpFrame bigFrame() {
        byte[] p = new byte[1460];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7 + 3);
        }
        return new TcpFrame(0xfeedfacecafeL, 0x020000000001L, 0x0a0000fe, 0xc0a80a14, 0xffff, 255, false, 443, 65535,
                0xfffffff0, 1, TcpFrame.ACK, 0x0200, Bytes.wrap(p));
    }

    @Test
    void shortFrameIsPaddedToSixtyBytes() {
        assertThat(SHORT.encode()).isEqualTo(hex(SHORT_HEX));
        assertThat(SHORT.encode().length()).isEqualTo(60);
    }

    @Test
    void fullSizeFrameMatchesReferenceHeaders() {
        Bytes b = bigFrame().encode();
        assertThat(b.length()).isEqualTo(1514);
        // Both checksums in these 54 bytes cover the payload, so they pin the payload bytes too.
        assertThat(b.slice(0, 54)).isEqualTo(hex("feedfacecafe" + "020000000001" + "0800"
                + "450005dc" + "ffff0000" + "ff06e061" + "0a0000fe" + "c0a80a14"
                + "01bbffff" + "fffffff0" + "00000001" + "50100200" + "51420000"));
        assertThat(b.slice(54, 1514)).isEqualTo(bigFrame().payload());
    }

    @Test
    void referenceFramesParseBack() {
        ParseResult s = TcpFrame.parse(hex(SHORT_HEX));
        assertThat(s.ok()).isTrue();
        assertThat(s.frame()).isEqualTo(SHORT);
        assertThat(s.paddingBytes()).isEqualTo(3);
        assertThat(s.tcpOptionsBytes()).isZero();
        assertThat(s.ipOptionsBytes()).isZero();
        assertThat(TcpFrame.parse(copy(bigFrame().encode()))).isEqualTo(ParseResult.of(bigFrame(), 0, 0, 0));
    }

    @Test
    void ipAndTcpOptionsAreSkipped() {
        // From the Python encoder: IP options NOP NOP NOP EOL; TCP options MSS 1460, NOP, NOP, SACK-permitted.
        Bytes bytes = hex("00112233445566778899aabb0800460000340001400040066c0fc0a8010a0a00000101010100"
                + "c000005000000064000000007002fffff6b70000020405b401010402");
        ParseResult r = TcpFrame.parse(bytes);
        assertThat(r).isEqualTo(ParseResult.of(new TcpFrame(0x001122334455L, 0x66778899aabbL, 0xc0a8010a, 0x0a000001,
                1, 64, true, 49152, 80, 100, 0, TcpFrame.SYN, 0xffff, Bytes.of()), 4, 8, 0));
    }

    @Test
    void tcpOptionsWithPadding() {
        // From the Python encoder: SYN+ACK with MSS, 58 bytes + 2 padding, no DF, seq 2^31.
        Bytes bytes = hex("0a0b0c0d0e0f10203040506008004500002c000200008006e2a6ac100001ac100002"
                + "13881770800000007fffffff6012100004fb0000020405b40000");
        assertThat(TcpFrame.parse(bytes)).isEqualTo(ParseResult.of(new TcpFrame(0x0a0b0c0d0e0fL, 0x102030405060L,
                0xac100001, 0xac100002, 2, 128, false, 5000, 6000, 0x80000000, 0x7fffffff, TcpFrame.SYN | TcpFrame.ACK,
                0x1000, Bytes.of()), 0, 4, 2));
    }

    /** The same bytes without what the encoder attached: parse must decode them. */
    private static Bytes copy(Bytes b) {
        Bytes c = b.slice(0, b.length());
        assertThat(c.decoded()).isNull();
        return c;
    }

    @Property
    void parseInvertsEncode(@ForAll("frames") TcpFrame f) {
        Bytes b = f.encode();
        assertThat(b.length()).isEqualTo(Math.max(60, 54 + f.payload().length()));
        ParseResult expected = ParseResult.of(f, 0, 0, Math.max(0, 6 - f.payload().length()));
        assertThat(TcpFrame.parse(copy(b))).isEqualTo(expected);
        // What encode attached, which parse hands back without decoding, is what decoding gives.
        assertThat(TcpFrame.parse(b)).isEqualTo(expected);
    }

    @Property
    void whatEncodeAttachesIsWhatParseDecodes(@ForAll("frames") TcpFrame f, @ForAll("options") byte[] options,
            @ForAll @IntRange(min = 0, max = 3) int spare, @ForAll boolean payloadFree) {
        // Options of any length, which the encoder pads to a word, and payload-free frames (content, not bytes).
        Bytes payload = payloadFree && f.payload().length() > 0 ? Bytes.of(vtoe.model.payload.Content.of(2, 1000, f.payload().length()))
                : f.payload();
        TcpFrame g = new TcpFrame(f.dstMac(), f.srcMac(), f.srcIp(), f.dstIp(), f.ipId(), f.ttl(), f.df(), f.srcPort(),
                f.dstPort(), f.seq(), f.ack(), f.flags(), f.window(), payload);
        Bytes b = g.encode(Bytes.wrap(Arrays.copyOf(options, Math.max(0, options.length - spare))));
        assertThat(b.decoded()).isNotNull();
        assertThat(TcpFrame.parse(b)).isEqualTo(TcpFrame.parse(copy(b)));
        assertThat(TcpFrame.parse(b).frame()).isEqualTo(g);
    }

    @Property
    void optionsAnywhereParseToTheSameFrame(@ForAll("frames") TcpFrame f, @ForAll("options") byte[] ipOptions,
            @ForAll("options") byte[] tcpOptions) {
        Bytes b = Frames.withOptions(f, ipOptions, tcpOptions);
        int padding = b.length() - 54 - ipOptions.length - tcpOptions.length - f.payload().length();
        assertThat(TcpFrame.parse(b)).isEqualTo(ParseResult.of(f, ipOptions.length, tcpOptions.length, padding));
    }

    @Provide
    Arbitrary<TcpFrame> frames() {
        return Frames.any();
    }

    @Provide
    Arbitrary<byte[]> options() {
        return Arbitraries.integers().between(0, 10).flatMap(words -> Arbitraries.bytes().array(byte[].class).ofSize(4 * words));
    }

    // --- one class of damage at a time; the checksums are repaired wherever that is possible, so
    // --- the damage named is the only thing wrong with the frame.

    private static final byte[] PLAIN = Frames.frame(100).encode().toArray(); // 154 bytes, no padding
    private static final byte[] PADDED = Frames.frame(3).encode().toArray(); // 57 bytes + 3 padding

    private static Arguments damage(String name, byte[] base, UnaryOperator<byte[]> change, FrameError expected) {
        return Arguments.of(name, (UnaryOperator<byte[]>) f -> change.apply(base.clone()), expected);
    }

    static Stream<Arguments> damaged() {
        return Stream.of(
                damage("empty", PLAIN, f -> new byte[0], FrameError.TOO_SHORT),
                damage("53 bytes", PLAIN, f -> Arrays.copyOf(f, 53), FrameError.TOO_SHORT),
                damage("padded frame cut to 53", PADDED, f -> Arrays.copyOf(f, 53), FrameError.TOO_SHORT),
                damage("ethertype IPv6", PLAIN, f -> { putU16(f, 12, 0x86dd); return f; }, FrameError.NOT_IPV4),
                damage("ethertype ARP", PLAIN, f -> { putU16(f, 12, 0x0806); return f; }, FrameError.NOT_IPV4),
                damage("version 6", PLAIN, f -> { f[14] = 0x65; return fixIp(f); }, FrameError.BAD_IP_HEADER),
                damage("IHL 4", PLAIN, f -> { f[14] = 0x44; return f; }, FrameError.BAD_IP_HEADER),
                damage("IHL 0", PLAIN, f -> { f[14] = 0x40; return f; }, FrameError.BAD_IP_HEADER),
                damage("total length 39", PLAIN, f -> { putU16(f, 16, 39); return fixIp(f); }, FrameError.BAD_IP_LENGTH),
                damage("total length 0", PADDED, f -> { putU16(f, 16, 0); return fixIp(f); }, FrameError.BAD_IP_LENGTH),
                damage("total length past the end", PLAIN, f -> { putU16(f, 16, 141); return fixIp(f); }, FrameError.BAD_IP_LENGTH),
                damage("IHL 15 in a short frame", PADDED, f -> { f[14] = 0x4f; return f; }, FrameError.BAD_IP_LENGTH),
                damage("last byte cut off", PLAIN, f -> Arrays.copyOf(f, f.length - 1), FrameError.BAD_IP_LENGTH),
                damage("MF set", PLAIN, f -> { f[20] |= 0x20; return fixIp(f); }, FrameError.FRAGMENTED),
                damage("fragment offset 1", PLAIN, f -> { f[21] = 1; return fixIp(f); }, FrameError.FRAGMENTED),
                damage("fragment offset max", PLAIN, f -> { f[20] = 0x5f; f[21] = -1; return fixIp(f); }, FrameError.FRAGMENTED),
                damage("MF without DF", PLAIN, f -> { f[20] = 0x20; return f; }, FrameError.FRAGMENTED),
                damage("DF cleared", PLAIN, f -> { f[20] = 0; return f; }, FrameError.BAD_IP_CHECKSUM),
                damage("reserved flag set", PLAIN, f -> { f[20] |= (byte) 0x80; return f; }, FrameError.BAD_IP_CHECKSUM),
                damage("TTL changed", PADDED, f -> { f[22]--; return f; }, FrameError.BAD_IP_CHECKSUM),
                damage("protocol 17", PLAIN, f -> { f[23] = 17; return fixIp(f); }, FrameError.NOT_TCP),
                damage("protocol 1", PADDED, f -> { f[23] = 1; return fixIp(f); }, FrameError.NOT_TCP),
                damage("protocol 17, IP checksum stale", PLAIN, f -> { f[23] = 17; return f; }, FrameError.BAD_IP_CHECKSUM),
                damage("data offset 4", PLAIN, f -> { f[46] = 0x40; return fixTcp(f); }, FrameError.BAD_TCP_HEADER),
                damage("data offset 0", PLAIN, f -> { f[46] = 0x00; return fixTcp(f); }, FrameError.BAD_TCP_HEADER),
                damage("data offset 6 over a 23-byte segment", PADDED, f -> { f[46] = 0x60; return fixTcp(f); }, FrameError.BAD_TCP_HEADER),
                damage("data offset 15 over a 120-byte segment", PLAIN, f -> { f[46] = (byte) 0xf0; return fixTcp(f); }, null),
                damage("payload bit", PLAIN, f -> { f[100] ^= 0x10; return f; }, FrameError.BAD_TCP_CHECKSUM),
                damage("last payload byte", PADDED, f -> { f[56] ^= 1; return f; }, FrameError.BAD_TCP_CHECKSUM),
                damage("padding", PADDED, f -> { f[58] = 0x55; return f; }, null),
                damage("total length 46 takes the padding as payload", PADDED, f -> { putU16(f, 16, 46); return fixTcp(fixIp(f)); }, null));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("damaged")
    void eachDamageGivesItsError(String name, UnaryOperator<byte[]> damage, FrameError expected) {
        ParseResult r = TcpFrame.parse(Bytes.wrap(damage.apply(null)));
        if (expected == null) {
            assertThat(r.ok()).as(r.toString()).isTrue();
        } else {
            assertThat(r).isEqualTo(ParseResult.of(expected));
        }
    }

    @Test
    void everyCutBetweenTheHeadersAndTheEndIsALengthError() {
        // "Shorter than it declares" beyond the first 54 bytes is BAD_IP_LENGTH (see FrameError).
        assertThat(IntStream.range(0, PLAIN.length).mapToObj(n -> TcpFrame.parse(Bytes.wrap(Arrays.copyOf(PLAIN, n))).error()))
                .containsExactlyElementsOf(IntStream.range(0, PLAIN.length)
                        .mapToObj(n -> n < 54 ? FrameError.TOO_SHORT : FrameError.BAD_IP_LENGTH).toList());
    }

    /** Bytes of the IP header whose bits only the checksum guards: TOS, id, TTL, protocol, checksum, addresses. */
    static IntStream checksumOnlyIpBits() {
        return IntStream.of(1, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19).flatMap(b -> IntStream.range(8 * b, 8 * b + 8));
    }

    @ParameterizedTest(name = "IP header bit {0}")
    @MethodSource("checksumOnlyIpBits")
    void anyIpHeaderBitFlipIsABadIpChecksum(int bit) {
        byte[] f = PLAIN.clone();
        f[14 + bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        assertThat(TcpFrame.parse(Bytes.wrap(f))).isEqualTo(ParseResult.of(FrameError.BAD_IP_CHECKSUM));
    }

    @Property
    void anyTcpBitFlipIsABadTcpChecksum(@ForAll("frames") TcpFrame frame, @ForAll @IntRange(max = Integer.MAX_VALUE) int pick) {
        byte[] f = frame.encode().toArray();
        int segmentBits = 8 * (20 + frame.payload().length());
        int bit = pick % segmentBits;
        if (bit / 8 == 12 && bit % 8 < 4) {
            bit += 4; // the data offset nibble is a header length, checked before the checksum
        }
        f[34 + bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        assertThat(TcpFrame.parse(Bytes.wrap(f))).isEqualTo(ParseResult.of(FrameError.BAD_TCP_CHECKSUM));
    }

    @Test
    void resultHoldsExactlyOneOfFrameAndError() {
        ParseResult bad = ParseResult.of(FrameError.NOT_TCP);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.frame()).isNull();
        assertThatThrownBy(bad::orElseThrow).isInstanceOf(IllegalStateException.class).hasMessageContaining("NOT_TCP");
        assertThat(TcpFrame.parse(copy(SHORT.encode())).orElseThrow()).isEqualTo(SHORT);
        assertThatThrownBy(() -> new ParseResult(SHORT, FrameError.NOT_TCP, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParseResult(null, null, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fieldsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> new TcpFrame(1L << 48, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, Bytes.of()))
                .hasMessageContaining("dstMac");
        assertThatThrownBy(() -> new TcpFrame(0, 0, 0, 0, 0, 256, false, 0, 0, 0, 0, 0, 0, Bytes.of()))
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> new TcpFrame(0, 0, 0, 0, 0, 0, false, 0, 65536, 0, 0, 0, 0, Bytes.of()))
                .hasMessageContaining("dstPort");
        assertThatThrownBy(() -> new TcpFrame(0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0x100, 0, Bytes.of()))
                .hasMessageContaining("flags");
        assertThatThrownBy(() -> new TcpFrame(0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, Bytes.wrap(new byte[TcpFrame.MAX_PAYLOAD + 1])))
                .hasMessageContaining("payload");
    }

    @Test
    void toStringShowsUnsignedNumbersAndFlagLetters() {
        assertThat(SHORT.toString()).isEqualTo("TcpFrame[66:77:88:99:aa:bb > 00:11:22:33:44:55, "
                + "192.168.1.10:49152 > 10.0.0.1:80, seq=16909060, ack=2695938256, flags=PA, win=64240, "
                + "id=0x1234, ttl=64, DF, payload=3 bytes 686921]");
        assertThat(TcpFrame.flagLetters(TcpFrame.SYN | TcpFrame.ACK)).isEqualTo("SA");
        assertThat(TcpFrame.flagLetters(TcpFrame.FIN | TcpFrame.RST)).isEqualTo("FR");
        assertThat(TcpFrame.flagLetters(0)).isEqualTo(".");
        assertThat(TcpFrame.flagLetters(0xff)).isEqualTo("FSRPAUEC");
    }
}
