package vtoe.model.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import vtoe.model.AdapterParams;
import vtoe.model.net.Link;
import vtoe.model.net.ParseResult;
import vtoe.model.net.TcpFrame;
import vtoe.model.payload.Content;
import vtoe.model.payload.PayloadMode;
import vtoe.model.payload.Span;
import vtoe.model.sim.Streams;
import vtoe.model.txn.Bytes;
import vtoe.model.world.AdapterOutputs;
import vtoe.model.world.AdapterPorts;
import vtoe.model.world.ConnSetup;
import vtoe.model.world.Driver;
import vtoe.model.world.ForwardingOutputs;
import vtoe.model.world.Latency;
import vtoe.model.world.PortShim;
import vtoe.model.world.World;

/**
 * The payload-free standalone TLM ({@link PayloadMode#NONE}): the same run as with payload (every
 * cycle, retransmission and page-in) with no payload byte on the wire, and a stream broken in ways
 * TCP does not repair (a segment carrying the wrong offset, a byte twice, a byte missing, pieces
 * swapped) caught with a message naming the stream byte and what arrived in its place.
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=PayloadFreeWorldTest}
 */
class PayloadFreeWorldTest {
    static final String[] MODES = {"PUSH", "TRANSLATE", "PREPINNED"};

    /** Every frame the adapter sends, as it leaves. */
    private static final class Wire implements PortShim {
        final List<Bytes> frames = new ArrayList<>();
        UnaryOperator<Bytes> change = f -> f;

        @Override
        public AdapterPorts inputs(AdapterPorts next) {
            return next;
        }

        @Override
        public AdapterOutputs outputs(AdapterOutputs next) {
            return new ForwardingOutputs(next) {
                @Override
                public void txFrame(Bytes frame) {
                    frames.add(frame);
                    next.txFrame(change.apply(frame));
                }
            };
        }
    }

    private record Run(List<String> failures, long cycles, World.Figures figures, Wire wire) {}

    private static Run run(int mode, PayloadMode payload, Wire wire) {
        World.Config cfg = World.Config.defaults().withFrames(48).withMemoryHog(64, 20)
                .withStorage(new Latency(400, 0.5), new Latency(400, 0.5)).withDriver(new Driver.Config(8192, 16384, 32 << 10, 20_000));
        Link.Config link = Link.Config.ideal(3000).withImpairments(0.01, 0.002, 0.01, 1500, 0.002);
        StandaloneWorld w = new StandaloneWorld(AdapterParams.adapterDefaults(), cfg, StandaloneAdapter.Timing.defaults(),
                new Streams(0x5a + 100 + mode), () -> "mode " + MODES[mode] + " payload " + payload, List.of(wire), payload);
        w.open(ConnSetup.of(1, mode).withLinks(link, link).withRto(20_000));
        w.open(ConnSetup.of(2, mode).withLinks(link, link).withRto(20_000));
        w.send(1, 1 << 20, n -> bytes(n, mode));
        w.send(2, 300_001, n -> bytes(n, mode + 10));
        List<String> f = w.finish(50_000_000);
        return new Run(f, w.cycle(), w.world.figures(), wire);
    }

    private static byte[] bytes(long n, int seed) {
        byte[] b = new byte[(int) n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    void theSameRunAsWithPayloadAndNoPayloadByteOnTheWire(int mode) {
        Run full = run(mode, PayloadMode.FULL, new Wire());
        Run none = run(mode, PayloadMode.NONE, new Wire());
        assertThat(full.failures()).isEmpty();
        assertThat(none.failures()).isEmpty();
        assertThat(none.cycles()).isEqualTo(full.cycles());
        assertThat(none.figures()).isEqualTo(full.figures());
        assertThat(none.figures().retransmitsFromSwap()).isPositive();
        assertThat(none.figures().framesCorrupted()).isPositive();
        List<Bytes> data = none.wire().frames.stream().filter(f -> f.length() > 60).toList();
        assertThat(data).isNotEmpty().allSatisfy(f -> assertThat(f.materialised()).as("payload-free frame " + f).isFalse());
        assertThat(none.wire().frames).hasSameSizeAs(full.wire().frames);
    }

    /** Ways a segment's payload can be wrong that TCP cannot repair (its checksum is right). */
    enum Plant {
        /** The segment carries the stream one byte further on. */
        WRONG_OFFSET(c -> Content.of(c.stream(), c.offset() + 1, c.length()), "arrived as stream 1 byte "),
        /** Its first half twice. */
        DUPLICATE(c -> half(c, 0).concat(Content.of(c.stream(), c.offset(), c.length() - c.length() / 2)),
                "arrived as stream 1 byte "),
        /** One byte missing in the middle, the rest shifted up. */
        DROP(c -> Content.of(c.stream(), c.offset(), c.length() / 2).concat(Content.of(c.stream(), c.offset() + c.length() / 2 + 1,
                c.length() - c.length() / 2)), "arrived as stream 1 byte "),
        /** Its two halves swapped. */
        REORDER(c -> Content.of(c.stream(), c.offset() + c.length() / 2, c.length() - c.length() / 2).concat(half(c, 0)),
                "arrived as stream 1 byte ");

        final java.util.function.Function<Span, Content> make;
        final String says;

        Plant(java.util.function.Function<Span, Content> make, String says) {
            this.make = make;
            this.says = says;
        }

        private static Content half(Span c, int from) {
            return Content.of(c.stream(), c.offset() + from, c.length() / 2);
        }
    }

    private record Planted(long seq, Span was, Content now) {}

    @ParameterizedTest(name = "{0}")
    @EnumSource(Plant.class)
    void aPlantedBreakOfTheStreamIsCaughtAndNamed(Plant plant) {
        Wire wire = new Wire();
        List<Planted> planted = new ArrayList<>();
        wire.change = f -> {
            ParseResult r = TcpFrame.parse(f);
            // The tenth first-sent data segment of connection 1 (port ...1), once.
            if (!planted.isEmpty() || !r.ok() || r.frame().payload().length() < 100 || (r.frame().srcPort() & 63) != 1
                    || wire.frames.stream().filter(x -> x.length() > 60).count() < 10) {
                return f;
            }
            TcpFrame t = r.frame();
            Span was = t.payload().content().spans().get(0);
            Content now = plant.make.apply(was);
            planted.add(new Planted(Integer.toUnsignedLong(t.seq()), was, now));
            return new TcpFrame(t.dstMac(), t.srcMac(), t.srcIp(), t.dstIp(), t.ipId(), t.ttl(), t.df(), t.srcPort(), t.dstPort(), t.seq(),
                    t.ack(), t.flags(), t.window(), Bytes.of(now)).encode();
        };
        Run r = run(1, PayloadMode.NONE, wire);
        assertThat(planted).hasSize(1);
        Span was = planted.get(0).was();
        System.out.println(plant + ": planted " + planted.get(0).now() + " for " + was + "\n  " + String.join("\n  ", r.failures()));
        assertThat(r.failures()).anySatisfy(m -> assertThat(m).startsWith("connection 1: received stream 1 bytes [" + was.offset() + ", ")
                .contains(plant.says));
        assertThat(r.failures()).anySatisfy(m -> assertThat(m).contains("received stream differs from the sent one (range fingerprint"));
    }

    @Test
    void aPayloadFreeRunRefusesBytesAndAFullRunRanges() {
        Run ok = run(1, PayloadMode.NONE, new Wire());
        assertThat(ok.failures()).isEmpty();
        Bytes f = ok.wire().frames.stream().filter(x -> x.length() > 60).findFirst().orElseThrow();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.get(60)).hasMessageContaining("payload that this payload-free run does not materialise")
                .hasMessageContaining("stream 1 byte");
    }
}
