package vtoe.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import vtoe.model.txn.Bytes;

/**
 * SentBytes in arrays answers as the {@code TreeMap} form it replaced ({@link TreeSentBytes}): random
 * segments sent in order, again (retransmissions, some with a changed byte), out of order over gaps,
 * and acknowledged from the front, through the arrays' growth and compaction.
 *
 * <p>Run just this: {@code mvn -B -o test -pl model -Dtest=SentBytesTest}
 */
class SentBytesTest {
    private static byte streamByte(long seq) {
        return (byte) (seq * 0x9e3779b97f4a7c15L >>> 56);
    }

    private static Bytes segment(long seq, int n, long corruptAt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = streamByte(seq + i);
        }
        if (corruptAt >= seq && corruptAt < seq + n) {
            b[(int) (corruptAt - seq)] ^= 0x10;
        }
        return Bytes.wrap(b);
    }

    @Test
    void answersAsTheTreeMapFormItReplaced() {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            SentBytes s = new SentBytes();
            TreeSentBytes ref = new TreeSentBytes();
            long next = 1000;
            long acked = 1000;
            for (int step = 0; step < 3000; step++) {
                int kind = r.nextInt(10);
                long seq;
                int n = 1 + r.nextInt(1460);
                if (kind < 5) {
                    seq = next; // new data, in order
                } else if (kind < 7) {
                    seq = acked + r.nextInt((int) Math.max(1, next - acked)); // a retransmission
                } else if (kind < 8) {
                    seq = next + 1 + r.nextInt(3000); // past a gap, filled later
                } else {
                    seq = Math.max(0, acked - 200) + r.nextInt((int) (next - acked + 4000)); // anywhere near
                }
                long corruptAt = r.nextInt(4) == 0 ? seq + r.nextInt(n) : -1;
                Bytes d = segment(seq, n, corruptAt);
                assertThat(s.firstDifference(seq, d)).as("seed %d step %d: first difference", seed, step)
                        .isEqualTo(ref.firstDifference(seq, d));
                s.record(seq, d);
                ref.record(seq, d);
                next = Math.max(next, seq + n);
                if (r.nextInt(3) == 0) {
                    acked = Math.min(next, acked + r.nextInt(4000));
                    s.forgetBelow(acked);
                    ref.forgetBelow(acked);
                }
                long probe = acked - 100 + r.nextInt((int) (next - acked + 200));
                assertThat(s.byteAt(probe)).as("seed %d step %d: byte at %d", seed, step, probe).isEqualTo(ref.byteAt(probe));
                assertThat(s.pieces()).as("seed %d step %d: pieces", seed, step).isEqualTo(ref.pieces());
            }
        }
    }
}
