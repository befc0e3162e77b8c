package vtoe.tb.regress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coverage waiver file's parser and its application to merged Verilator coverage: what a malformed
 * entry says, which points an entry matches (by source text, not line number; a toggle by signal and
 * bit range), and how waived, waived-but-hit and stale entries are counted.
 *
 * <p>Run just this: {@code mvn -B -o verify -pl testbenches -am -Dtest=CoverageWaiversTest -Dit.test=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class CoverageWaiversTest {
    static final String FILE = "/rtl/M.sv";
    /** A small module: an assertion block, a reset block, ordinary logic. */
    static final List<String> SRC = List.of(
            "module M(", // 1
            "  always @(posedge clock) begin", // 2
            "    if (~reset & bad) begin", // 3
            "      if (`ASSERT_VERBOSE_COND_)", // 4
            "        $error(\"Assertion failed: M: two grants\\n\");", // 5
            "      if (`STOP_COND_)", // 6
            "        $fatal;", // 7
            "    end", // 8
            "  end", // 9
            "  always @(posedge clock) begin", // 10
            "    if (reset) begin", // 11
            "      q <= 1'h0;", // 12
            "    end", // 13
            "    else if (go)", // 14
            "      q <= d;", // 15
            "  end", // 16
            "endmodule"); // 17

    static String key(String type, String module, int line, String span, String comment, String hier) {
        return "\u0001f\u0002" + FILE + "\u0001l\u0002" + line + "\u0001n\u00023\u0001page\u0002v_" + type + "/" + module + "\u0001o\u0002"
                + comment + (span == null ? "" : "\u0001S\u0002" + span) + "\u0001h\u0002" + hier;
    }

    static String toggle(String module, String signal, String hier) {
        return "\u0001f\u0002" + FILE + "\u0001l\u00021\u0001n\u00021\u0001page\u0002v_toggle/" + module + "\u0001o\u0002" + signal + "\u0001h\u0002"
                + hier;
    }

    static SourceContext src() {
        return new SourceContext(f -> f.equals(FILE) ? SRC : List.of());
    }

    @Test
    void aMalformedLineIsRefusedNamingItsLine() {
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("# fine", "", "branch M \"x\" no bar here")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("w.txt:3: cannot read").hasMessageContaining("KIND");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("line M \"x\" |   "))).hasMessageStartingWith("w.txt:1: ")
                .hasMessageContaining("needs a reason");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("", "lines M \"x\" | r"))).hasMessageStartingWith("w.txt:2: ")
                .hasMessageContaining("kind 'lines'");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("toggle M \"x\" | r"))).hasMessageStartingWith("w.txt:1: ")
                .hasMessageContaining("signal glob");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("branch M sig | r"))).hasMessageContaining("quoted source text");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("toggle M x[9:3] | r"))).hasMessageStartingWith("w.txt:1: ")
                .hasMessageContaining("backwards");
        assertThatThrownBy(() -> CoverageWaivers.parse("w.txt", List.of("line M \"\" | r"))).hasMessageContaining("empty");
    }

    @Test
    void entriesParseWithTheirParts() {
        CoverageWaivers w = CoverageWaivers.parse("w.txt", List.of("branch/if Queue*@TOP.FetchTop.* \"if (reset) begin\" | reset block",
                "toggle AckParser counters_*[23:63] | a | with bars"));
        CoverageWaiver b = w.entries().get(0);
        assertThat(b).extracting(CoverageWaiver::kind, CoverageWaiver::comment, CoverageWaiver::module, CoverageWaiver::instance,
                CoverageWaiver::text, CoverageWaiver::reason).containsExactly("branch", "if", "Queue*", "TOP.FetchTop.*", "if (reset) begin",
                        "reset block");
        CoverageWaiver t = w.entries().get(1);
        assertThat(t).extracting(CoverageWaiver::signal, CoverageWaiver::lo, CoverageWaiver::hi, CoverageWaiver::reason)
                .containsExactly("counters_*", 23, 63, "a | with bars");
        assertThat(t.source()).isEqualTo("w.txt:2");
    }

    @Test
    void anAssertionEntryWaivesItsFailureSideOnly() {
        CoverageWaivers w = CoverageWaivers.parse("w.txt", List.of("block M \"Assertion failed: M: two grants\" | never fires"));
        SourceContext c = src();
        CoverageWaiver e = w.entries().get(0);
        assertThat(e.matches(CoveragePoint.of(key("branch", "M", 3, "3", "if", "TOP.m")), c)).as("the taken side").isTrue();
        assertThat(e.matches(CoveragePoint.of(key("branch", "M", 3, null, "else", "TOP.m")), c)).as("the passing side").isFalse();
        assertThat(e.matches(CoveragePoint.of(key("line", "M", 5, null, "else", "TOP.m")), c)).as("$error").isTrue();
        assertThat(e.matches(CoveragePoint.of(key("line", "M", 7, null, "else", "TOP.m")), c)).as("$fatal, by its block's message").isTrue();
        assertThat(e.matches(CoveragePoint.of(key("line", "M", 15, null, "elsif", "TOP.m")), c)).as("other logic").isFalse();
        assertThat(e.matches(CoveragePoint.of(key("branch", "N", 3, "3", "if", "TOP.n")), c)).as("another module").isFalse();
    }

    @Test
    void aCaretAnchorsTheTextAtTheStartOfThePointsSourceSoAnOuterIfIsNotWaived() {
        SourceContext c = src();
        CoverageWaiver inner = CoverageWaivers.parse("w.txt", List.of("branch/if M \"^else if (go)\" | r")).entries().get(0);
        CoverageWaiver loose = CoverageWaivers.parse("w.txt", List.of("branch/else M \"else if (go)\" | r")).entries().get(0);
        CoverageWaiver anchored = CoverageWaivers.parse("w.txt", List.of("branch/else M \"^else if (go)\" | r")).entries().get(0);
        assertThat(inner.matches(CoveragePoint.of(key("branch", "M", 14, "14-15", "if", "TOP.m")), c)).as("the inner if").isTrue();
        assertThat(loose.matches(CoveragePoint.of(key("branch", "M", 2, "3-15", "else", "TOP.m")), c)).as("unanchored, a wide else").isTrue();
        assertThat(anchored.matches(CoveragePoint.of(key("branch", "M", 2, "3-15", "else", "TOP.m")), c)).as("anchored, a wide else").isFalse();
    }

    @Test
    void aToggleEntryMatchesItsSignalsAndBitsOnly() {
        CoverageWaiver e = CoverageWaivers.parse("w.txt", List.of("toggle AckParser@TOP.V.* counters_*[23:63] | r")).entries().get(0);
        SourceContext c = src();
        assertThat(e.matches(CoveragePoint.of(toggle("AckParser", "counters_7[23]", "TOP.V.parser")), c)).isTrue();
        assertThat(e.matches(CoveragePoint.of(toggle("AckParser", "counters_7[63]", "TOP.V.parser")), c)).isTrue();
        assertThat(e.matches(CoveragePoint.of(toggle("AckParser", "counters_7[22]", "TOP.V.parser")), c)).isFalse();
        assertThat(e.matches(CoveragePoint.of(toggle("AckParser", "io_counters_7[30]", "TOP.V.parser")), c)).isFalse();
        assertThat(e.matches(CoveragePoint.of(toggle("AckParser", "counters_7[30]", "TOP.F.parser")), c)).as("other instance").isFalse();
        assertThat(e.matches(CoveragePoint.of(toggle("CsrFile", "counters_7[30]", "TOP.V.csr")), c)).as("other module").isFalse();
    }

    @Test
    void waivedPointsLeaveTheCountsAndMistakesAreFlagged() {
        Map<String, Long> points = new HashMap<>();
        points.put(key("branch", "M", 3, "3", "if", "TOP.m"), 0L); // waived
        points.put(key("branch", "M", 3, null, "else", "TOP.m"), 90L); // hit, not waived
        points.put(key("line", "M", 5, null, "else", "TOP.m"), 0L); // waived
        points.put(key("branch", "M", 11, "11-12", "if", "TOP.m"), 4L); // waived, but hit: flagged, stays hit
        points.put(key("branch", "M", 14, "14-15", "if", "TOP.m"), 0L); // missed
        points.put(toggle("M", "q", "TOP.m"), 0L); // missed
        points.put(toggle("M", "d[40]", "TOP.m"), 0L); // waived
        CoverageWaivers w = CoverageWaivers.parse("w.txt", List.of("block M \"Assertion failed: M: two grants\" | never fires",
                "branch/if M \"if (reset) begin\" | reset", "toggle M d[32:63] | wide", "line M \"no such text\" | stale"));
        CoverageWaivers.Result r = w.apply(points, src());
        assertThat(r.counts().get("branch")).isEqualTo(new CoverageWaivers.Count(2, 3, 1));
        assertThat(r.counts().get("line")).isEqualTo(new CoverageWaivers.Count(0, 0, 1));
        assertThat(r.counts().get("toggle")).isEqualTo(new CoverageWaivers.Count(0, 1, 1));
        assertThat(r.waivedButHit()).singleElement().asString().contains("M.sv:11").contains("w.txt:2");
        assertThat(r.stale()).extracting(CoverageWaiver::source).containsExactly("w.txt:4");
        assertThat(r.missed()).extracting(CoveragePoint::line).containsExactlyInAnyOrder(14, 1);
        assertThat(r.noSource()).isEmpty();
        String summary = CoverageMerge.summary(r, java.nio.file.Path.of("w.txt"), 4);
        assertThat(summary).contains("WAIVER MATCHES NOTHING: w.txt:4").contains("WAIVED BUT HIT:").containsPattern("branch +2 +3 +1 +66.7%");
    }

    @Test
    void noFileMeansNoWaivers() throws Exception {
        assertThat(CoverageWaivers.read(java.nio.file.Path.of("target", "no-such-waivers.txt")).entries()).isEmpty();
    }
}
