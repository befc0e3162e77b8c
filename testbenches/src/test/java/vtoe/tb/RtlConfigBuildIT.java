package vtoe.tb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vtoe.model.AdapterParams;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;
import vtoe.tb.whatif.Point;
import vtoe.tb.whatif.PointRunner;
import vtoe.tb.whatif.Whatif;

/**
 * Issue 12, part 4: {@code ./scripts/whatif --rtl} confirms a point whose configuration is not the default
 * build's on a build of that configuration. The point has a 16-byte datapath, so the configuration cache
 * elaborates, Verilates and compiles {@code c64-d16-t16-r16} into {@code target/rtl-builds/} (about two
 * minutes on 2 cores the first time, milliseconds afterwards while the RTL is unchanged), the RTL run goes to
 * a child JVM that loads that build, the TLM in lockstep there is built from the build's params.json, and
 * every lockstep and end-of-run check passes. Its figures agree with the standalone TLM's as closely as
 * {@link WhatifRtlIT}'s on the default build. The only configuration build in the suite.
 *
 * <p>Run just this: {@code ./scripts/test --only RtlConfigBuildIT}
 */
class RtlConfigBuildIT {
    @TempDir
    Path tmp;

    private static List<Map<String, String>> csv(Path f) throws Exception {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(f.toFile())) {
            return it.readAll();
        }
    }

    @Test
    void aPointWithA16ByteDatapathIsConfirmedOnABuildOfItsOwnConfiguration() throws Exception {
        Point p = Point.defaults().with("connections", "4").with("rtt", "40000").with("window", "16K").with("bytes", "48K")
                .with("dataBytes", "16");
        RtlConfig c = PointRunner.config(p);
        assertThat(c.key()).isEqualTo("c64-d16-t16-r16");
        assertThat(PointRunner.onLoadedBuild(c)).as("the Maven build has an 8-byte datapath").isFalse();
        assertThat(PointRunner.onLoadedBuild(PointRunner.config(p.with("dataBytes", "8")))).isTrue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new Whatif()).execute("--name", "d16", "--out", tmp.toString(), "--set",
                    "connections=4,rtt=40000,window=16K,bytes=48K,dataBytes=16", "--seeds", "1", "--rtl", "all", "--no-progress");
        } finally {
            System.setOut(was);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("RTL configuration c64-d16-t16-r16 for 1 point(s): its own build")
                .containsPattern("rtl build c64-d16-t16-r16: (ready in|up to date in)");

        List<Map<String, String>> runs = csv(tmp.resolve("d16/runs.csv"));
        assertThat(runs).extracting(r -> r.get("engine")).containsExactly("tlm", "rtl");
        Map<String, String> tlm = runs.get(0);
        Map<String, String> rtl = runs.get(1);
        assertThat(rtl.get("ok")).as("the RTL run with the TLM in lockstep: %s", rtl.get("error")).isEqualTo("true");
        assertThat(rtl.get("dataBytes")).isEqualTo("16");
        for (String exact : List.of("host_requests", "pins", "translations", "host_bus_bytes", "unacked_peak_bytes", "retransmit_requests")) {
            assertThat(rtl.get(exact)).as(exact).isEqualTo(tlm.get(exact));
        }
        assertThat(Double.parseDouble(rtl.get("cycles"))).isCloseTo(Double.parseDouble(tlm.get("cycles")), Percentage.withPercentage(5));

        // The build the run used: its params.json says what it is, and a second request is served from the cache.
        RtlBuild b = RtlBuilds.forCheckout().get(c);
        assertThat(b.reused()).isTrue();
        AdapterParams built = b.params();
        assertThat(built.dataBytes()).isEqualTo(16);
        assertThat(built).isEqualTo(AdapterParams.adapterDefaults().withDataBytes(16));
        assertThat(b.library()).isRegularFile();
        assertThat(b.dir()).isEqualTo(RtlBuilds.findRoot().resolve("target/rtl-builds/c64-d16-t16-r16"));
        assertThat(b.seconds()).containsKeys("elaborate", "verilate", "compile");
    }
}
