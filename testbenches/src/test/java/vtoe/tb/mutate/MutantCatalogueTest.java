package vtoe.tb.mutate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vtoe.tb.rtlcfg.RtlBuilds;

/**
 * The mutant catalogue against the current RTL, and the apply logic on a temporary copy.
 *
 * <p>{@link #everyAnchorIsFoundExactlyOnceInTheCurrentRtl} fails when someone edits RTL text a mutant is anchored on:
 * that is the point (re-anchor the mutant in {@code mutants/mutants.tsv}, or retire it, in the same change).
 *
 * <p>Run just this: {@code ./scripts/test --only MutantCatalogueTest}
 */
class MutantCatalogueTest {
    @TempDir
    Path tmp;

    private static final Path ROOT = RtlBuilds.findRoot();

    private static MutantCatalogue catalogue() {
        return MutantCatalogue.read(ROOT.resolve(MutantCatalogue.FILE));
    }

    @Test
    void everyAnchorIsFoundExactlyOnceInTheCurrentRtl() {
        assertThat(catalogue().problems(ROOT.resolve(MutantCatalogue.SOURCES))).isEmpty();
    }

    @Test
    void theCatalogueMeetsTheIssue() {
        List<Mutant> all = catalogue().all();
        // The issue-6 mutants M01..M11 re-expressed, plus at least 30 of our own, at least half on error and boundary paths.
        assertThat(all).extracting(Mutant::id).contains("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10", "M11");
        assertThat(all.size() - 11).isGreaterThanOrEqualTo(30);
        assertThat(all.stream().filter(m -> !m.id().matches("M(0\\d|1[01])")).filter(Mutant::boundary).count() * 2)
                .isGreaterThanOrEqualTo(all.size() - 11);
        // Every RTL block with logic of its own has a mutant.
        assertThat(all).extracting(Mutant::blockName).contains("SerialDescriptorFetch", "DmaEngine", "DmaReadMux", "HostHandshake",
                "ConnStateUnit", "Segmenter", "RetransmitFsm", "TimerWheel", "TxFramer", "AckParser", "CsrFile", "StableArbiter");
    }

    @Test
    void applyChangesExactlyTheAnchorInACopy() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("vtoe/rtl"));
        Files.writeString(src.resolve("vtoe/rtl/A.scala"), "class A {\n  val x = a + b\n  val y = c\n}\n");
        Mutant m = new Mutant("M99", "vtoe/rtl/A.scala", Mutant.BOUNDARY, "adds one", "val x = a + b", "val x = a - b", "");
        Path f = MutantCatalogue.apply(m, src);
        assertThat(f).isEqualTo(src.resolve("vtoe/rtl/A.scala"));
        assertThat(Files.readString(f)).isEqualTo("class A {\n  val x = a - b\n  val y = c\n}\n");
        // Applied twice, the anchor is gone: the second application says the mutant is stale.
        assertThatThrownBy(() -> MutantCatalogue.apply(m, src)).isInstanceOf(StaleMutantException.class)
                .hasMessageStartingWith("stale mutant M99: text not found in").hasMessageContaining("val x = a + b");
    }

    @Test
    void aMultiLineAnchorFromTheTsvAndAnAmbiguousOne() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("vtoe/rtl"));
        Files.writeString(src.resolve("vtoe/rtl/B.scala"), "when(a) {\n  x := 1.U\n}\nwhen(b) {\n  x := 1.U\n}\n");
        Path tsv = tmp.resolve("m.tsv");
        Files.writeString(tsv, "id\tblock\tcategory\tbreaks\toriginal\treplacement\n"
                + "M01\tvtoe/rtl/B.scala\tfunctional\tb sets 2\twhen(b) {\\n  x := 1.U\twhen(b) {\\n  x := 2.U\n"
                + "M02\tvtoe/rtl/B.scala\terror/boundary\tall set 3\tx := 1.U\tx := 3.U\n");
        MutantCatalogue c = MutantCatalogue.read(tsv);
        assertThat(c.all()).hasSize(2);
        assertThat(MutantCatalogue.mutatedText(c.select(List.of("M01")).get(0), src)).isEqualTo("when(a) {\n  x := 1.U\n}\nwhen(b) {\n  x := 2.U\n}\n");
        assertThat(c.problems(src)).singleElement().asString().startsWith("ambiguous mutant M02: text found 2 times in");
        assertThatThrownBy(() -> c.select(List.of("M07"))).hasMessageContaining("no mutant M07").hasMessageContaining("M01, M02");
    }

    @Test
    void aMissingFileAndBadRowsAreNamed() throws Exception {
        Mutant m = new Mutant("M98", "vtoe/rtl/Gone.scala", Mutant.FUNCTIONAL, "x", "a", "b", "");
        assertThatThrownBy(() -> MutantCatalogue.apply(m, tmp)).isInstanceOf(StaleMutantException.class)
                .hasMessageContaining("stale mutant M98").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new Mutant("X1", "vtoe/rtl/A.scala", Mutant.FUNCTIONAL, "x", "a", "b", "")).hasMessageContaining("mutant id");
        assertThatThrownBy(() -> new Mutant("M01", "vtoe/rtl/A.scala", "other", "x", "a", "b", "")).hasMessageContaining("category");
        assertThatThrownBy(() -> new Mutant("M01", "vtoe/rtl/A.scala", Mutant.FUNCTIONAL, "x", "a", "a", "")).hasMessageContaining("differ");
        Path tsv = tmp.resolve("dup.tsv");
        Files.writeString(tsv, "id\tblock\tcategory\tbreaks\toriginal\treplacement\n"
                + "M01\tvtoe/rtl/B.scala\tfunctional\tx\ta\tb\nM01\tvtoe/rtl/B.scala\tfunctional\tx\tc\td\n");
        assertThatThrownBy(() -> MutantCatalogue.read(tsv)).hasMessageContaining("M01 appears twice");
    }

    @Test
    void theTableScoresKilledOverJudged() {
        Mutant a = new Mutant("M01", "vtoe/rtl/A.scala", Mutant.FUNCTIONAL, "one", "a", "b", "");
        Mutant b = new Mutant("M02", "vtoe/rtl/A.scala", Mutant.BOUNDARY, "two", "c", "d", "");
        Mutant c = new Mutant("M03", "vtoe/rtl/A.scala", Mutant.BOUNDARY, "three", "e", "f", "");
        Mutant d = new Mutant("M04", "vtoe/rtl/A.scala", Mutant.BOUNDARY, "four", "g", "h", "");
        MutationTable t = new MutationTable();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        t.put(json.createObjectNode().put("id", "M01").put("verdict", "killed").put("case", "FETCH").put("firstMismatch", "event mismatch")
                .put("runsToKill", 3).put("budget", 80).put("seed", "0x1"));
        t.put(json.createObjectNode().put("id", "M02").put("verdict", "survived").put("budget", 80));
        t.put(json.createObjectNode().put("id", "M03").put("verdict", "stillborn").put("reason", "scalac refused it"));
        int[] s = t.score(List.of(a, b, c, d));
        assertThat(s).containsExactly(1, 1);
        String md = t.markdown(List.of(a, b, c, d), "# heading");
        assertThat(md).contains("Score: 1 killed of 2 = 50.0%").contains("| M01 | A | functional | one | killed | FETCH: event mismatch | 3/80 |")
                .contains("| M03 | A | error/boundary | three | stillborn | scalac refused it |").contains("| M04 | A | error/boundary | four | not run |");
        assertThat(md).doesNotContain("random regression alone");
        // A kill by a directed IT counts in the score, and the regression's own score is given beside it.
        t.put(json.createObjectNode().put("id", "M02").put("verdict", "killed").put("case", "DIRECTED").put("test", "TieIT")
                .put("firstMismatch", "LOCKSTEP MISMATCH").put("runsToKill", 81).put("budget", 80).put("seed", ""));
        assertThat(t.markdown(List.of(a, b, c, d), "# heading")).contains("Score: 2 killed of 2 = 100.0%")
                .contains("By the random regression alone (without the 1 killed only by a directed IT): 1 of 2 = 50.0%.")
                .contains("| M02 | A | error/boundary | two | killed | TieIT: LOCKSTEP MISMATCH | none in 80, then the IT |  |");
    }

    @Test
    void theRunsAreTheRegressionsTakenSeedBySeed() {
        long master = vtoe.tb.junit.SeedExtension.DEFAULT_MASTER;
        List<KillRun.Run> runs = KillRun.runs(List.of("FETCH", "FAULTS"), 3, master);
        // Seed 0 of each case, then seed 1, ...; the index and seed of each run are the regression's (case, then seed).
        assertThat(runs).extracting(r -> r.c().name()).containsExactly("FETCH", "FAULTS", "FETCH", "FAULTS", "FETCH", "FAULTS");
        assertThat(runs).extracting(KillRun.Run::index).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(runs.get(3).seed()).isEqualTo(vtoe.tb.junit.SeedExtension.derive(master, "FaultRandomIT", "randomFault", 1));
        assertThat(runs.get(3).line()).isEqualTo("4 FAULTS 0x" + Long.toHexString(runs.get(3).seed()));
    }
}
