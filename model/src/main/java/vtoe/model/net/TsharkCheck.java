package vtoe.model.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An independent opinion on the frames we write: runs {@code tshark} (Debian 12's, Wireshark 4.0)
 * over a pcap file and returns what it objects to, plus how it decoded each frame's TCP header.
 *
 * <p>Objections are malformed packets, bad IPv4 header checksums, bad TCP checksums and any other
 * expert info of severity Error. Warnings and notes are not objections: tshark marks
 * retransmissions, duplicate ACKs, resets and "previous segment not captured" that way, and the
 * adapter retransmits on purpose.
 *
 * <p>How tshark is run, and why:
 * <ul>
 *   <li>{@code -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE}: tshark trusts checksums
 *       unless told otherwise (they are usually offloaded in captures).
 *   <li>{@code -o tcp.relative_sequence_numbers:FALSE} and {@code tcp.seq_raw}/{@code tcp.ack_raw}:
 *       the numbers we wrote, not numbers relative to the first SYN seen.
 *   <li>{@code -d tcp.port==0-65535,data} and {@code -o tcp.try_heuristic_first:FALSE}: the payload
 *       is arbitrary test data, and left to the port-based dissectors some of it is "malformed"
 *       X11, SABP or TCPCL; we check our layers, not what the payload would mean to an application.
 *   <li>{@code WIRESHARK_CONFIG_DIR} pointing at an empty directory: a user's Wireshark preferences
 *       (disabled protocols, changed defaults) cannot change the verdict.
 *   <li>{@code -n}: no name resolution, so no DNS look-ups.
 * </ul>
 * One pass with {@code -T fields} prints, per frame, the checksum statuses, {@code _ws.malformed},
 * every expert item's severity, group and message, and the TCP fields; the classification is done
 * here. {@link #PROBLEM_FILTER} is the same selection as a display filter, for a human re-running
 * tshark (see {@link Report#toString()}).
 */
public final class TsharkCheck {
    /** Default limit for one tshark run: tshark 4.0 reads roughly 30,000 frames a second, so this covers millions. */
    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** The frames {@link #problems} reports, as a tshark display filter. */
    public static final String PROBLEM_FILTER =
            "_ws.expert.severity == error || _ws.malformed || ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\"";

    /** The preferences and decode-as that every run uses (see the class comment). */
    public static final List<String> OPTIONS = List.of(
            "-o", "ip.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE",
            "-o", "tcp.relative_sequence_numbers:FALSE",
            "-o", "tcp.try_heuristic_first:FALSE",
            "-d", "tcp.port==0-65535,data");

    private static final List<String> FIELDS = List.of(
            "frame.number",
            "ip.checksum.status",
            "tcp.checksum.status",
            "_ws.malformed",
            "_ws.expert.severity",
            "_ws.expert.group",
            "_ws.expert.message",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "tcp.len",
            "tcp.flags");

    // Values from Wireshark's epan/proto.h (PI_ERROR, PI_CHECKSUM, PI_MALFORMED) and the
    // checksum status value string (0 = Bad); the same in every 3.x and 4.x release.
    private static final long SEVERITY_ERROR = 0x00800000L;
    private static final long GROUP_CHECKSUM = 0x01000000L;
    private static final long GROUP_MALFORMED = 0x07000000L;
    private static final String STATUS_BAD = "0";

    /** Separates the values of a field that occurs more than once in a frame; never in tshark's messages. */
    private static final String AGGREGATOR = "\u001f";

    private TsharkCheck() {}

    public enum Kind {
        /** tshark's "Malformed Packet": a dissector ran out of bytes or found an impossible value. */
        MALFORMED,
        BAD_IP_CHECKSUM,
        BAD_TCP_CHECKSUM,
        /** Any other expert info of severity Error, e.g. "IPv4 total length exceeds packet length". */
        ERROR
    }

    /** One objection: the 1-based frame number in the pcap, its kind, and tshark's own words. */
    public record Problem(int frame, Kind kind, String text) {
        @Override
        public String toString() {
            return "frame " + frame + ": " + kind + ": " + text;
        }
    }

    /**
     * How tshark decoded one frame's TCP header, raw (absolute) numbers.
     *
     * @param frame 1-based frame number in the pcap
     * @param seq tcp.seq_raw, unsigned; -1 if tshark found no TCP header
     * @param ack tcp.ack_raw, unsigned; -1 if absent
     * @param len tcp.len, payload bytes; -1 if absent (also when the segment is cut short)
     * @param flags tcp.flags (12 bits: the flags byte plus the reserved bits and NS); -1 if absent
     */
    public record Decoded(int frame, long seq, long ack, int len, int flags) {
        public boolean tcp() {
            return seq >= 0;
        }
    }

    /**
     * @param command the tshark command line that produced this report
     * @param problems in frame order
     * @param frames one per frame in the pcap, in order
     */
    public record Report(Path pcap, List<String> command, List<Problem> problems, List<Decoded> frames) {
        public Report {
            command = List.copyOf(command);
            problems = List.copyOf(problems);
            frames = List.copyOf(frames);
        }

        public boolean clean() {
            return problems.isEmpty();
        }

        /** The problems, and a tshark command that shows the frames concerned in full. */
        @Override
        public String toString() {
            if (clean()) {
                return "tshark: no problems in " + frames.size() + " frames of " + pcap;
            }
            return "tshark objects to " + pcap + ":\n  "
                    + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "))
                    + "\nsee them with: " + shellJoin(humanCommand(Path.of("tshark"), pcap));
        }
    }

    /** The problems tshark finds in {@code pcap}; empty when it has none. */
    public static List<Problem> problems(Path pcap) {
        return check(pcap).problems();
    }

    /** The problems and the decoded TCP headers of {@code pcap}. */
    public static Report check(Path pcap) {
        return check(pcap, TIMEOUT);
    }

    public static Report check(Path pcap, Duration timeout) {
        List<String> command = command(tshark(), pcap);
        List<String> lines = run(command, timeout);
        List<Problem> problems = new ArrayList<>();
        List<Decoded> frames = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length != FIELDS.size()) {
                throw new IllegalStateException("tshark printed " + f.length + " fields, expected " + FIELDS.size()
                        + " (" + String.join(",", FIELDS) + "): " + line.replace(AGGREGATOR, "|"));
            }
            int frame = Integer.parseInt(f[0]);
            problems.addAll(classify(frame, f));
            frames.add(new Decoded(frame, firstLong(f[7]), firstLong(f[8]), (int) firstLong(f[9]), (int) firstLong(f[10])));
        }
        return new Report(pcap, command, problems, frames);
    }

    /** The command {@link #check} runs. */
    public static List<String> command(Path tshark, Path pcap) {
        List<String> c = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcap.toString()));
        c.addAll(OPTIONS);
        c.addAll(List.of("-T", "fields", "-E", "header=n", "-E", "separator=/t", "-E", "quote=n",
                "-E", "occurrence=a", "-E", "aggregator=" + AGGREGATOR));
        for (String field : FIELDS) {
            c.add("-e");
            c.add(field);
        }
        return c;
    }

    /** A command that prints the problem frames in full, with the same options. */
    public static List<String> humanCommand(Path tshark, Path pcap) {
        List<String> c = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcap.toString()));
        c.addAll(OPTIONS);
        c.addAll(List.of("-Y", PROBLEM_FILTER, "-V"));
        return c;
    }

    /**
     * Turns one frame's fields into problems. The expert items are the authority (they carry tshark's
     * text); the checksum statuses say which protocol a Checksum-group item belongs to, IPv4's coming
     * before TCP's because tshark dissects and reports in layer order.
     */
    private static List<Problem> classify(int frame, String[] f) {
        Deque<Kind> badChecksums = new ArrayDeque<>();
        if (List.of(f[1].split(AGGREGATOR)).contains(STATUS_BAD)) {
            badChecksums.add(Kind.BAD_IP_CHECKSUM);
        }
        if (List.of(f[2].split(AGGREGATOR)).contains(STATUS_BAD)) {
            badChecksums.add(Kind.BAD_TCP_CHECKSUM);
        }
        String[] severity = f[4].isEmpty() ? new String[0] : f[4].split(AGGREGATOR, -1);
        String[] group = f[5].isEmpty() ? new String[0] : f[5].split(AGGREGATOR, -1);
        String[] message = f[6].isEmpty() ? new String[0] : f[6].split(AGGREGATOR, -1);
        if (severity.length != group.length || severity.length != message.length) {
            throw new IllegalStateException("frame " + frame + ": tshark printed " + severity.length + " severities, "
                    + group.length + " groups and " + message.length + " expert messages");
        }
        List<Problem> out = new ArrayList<>();
        boolean malformedSeen = false;
        for (int i = 0; i < severity.length; i++) {
            if (Long.parseLong(severity[i]) != SEVERITY_ERROR) {
                continue;
            }
            long g = Long.parseLong(group[i]);
            Kind kind;
            if (g == GROUP_MALFORMED) {
                kind = Kind.MALFORMED;
                malformedSeen = true;
            } else if (g == GROUP_CHECKSUM && !badChecksums.isEmpty()) {
                kind = badChecksums.poll();
            } else {
                kind = Kind.ERROR;
            }
            out.add(new Problem(frame, kind, message[i]));
        }
        // Not seen with tshark 4.0, but a status without its expert item must not go unreported.
        for (Kind k : badChecksums) {
            out.add(new Problem(frame, k, (k == Kind.BAD_IP_CHECKSUM ? "ip" : "tcp") + ".checksum.status: Bad"));
        }
        if (!f[3].isEmpty() && !malformedSeen) {
            out.add(new Problem(frame, Kind.MALFORMED, f[3].replace(AGGREGATOR, " ")));
        }
        return out;
    }

    private static long firstLong(String field) {
        if (field.isEmpty()) {
            return -1;
        }
        String first = field.split(AGGREGATOR, -1)[0];
        return first.startsWith("0x") ? Long.parseLong(first.substring(2), 16) : Long.parseLong(first);
    }

    /** Runs a tshark command and returns its standard output lines; fails on a non-zero exit or the timeout. */
    static List<String> run(List<String> command, Duration timeout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vtoe-tshark");
            Path config = Files.createDirectory(dir.resolve("config"));
            Path stdout = dir.resolve("stdout");
            Path stderr = dir.resolve("stderr");
            // Output goes to files, not pipes, so a large capture cannot block tshark on a full pipe.
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.environment().put("WIRESHARK_CONFIG_DIR", config.toString());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("tshark not found: run ./scripts/setup (" + e.getMessage() + ")", e);
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("tshark did not finish within " + timeout + ": " + shellJoin(command));
            }
            if (p.exitValue() != 0) {
                String err = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.startsWith("Running as user")) // tshark's warning when run as root
                        .collect(Collectors.joining("\n"));
                throw new IllegalStateException("tshark exited with " + p.exitValue() + ": " + err + "\ncommand: " + shellJoin(command));
            }
            return Files.readAllLines(stdout, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for tshark", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The tshark binary on the PATH. */
    static Path tshark() {
        return tshark(System.getenv("PATH"));
    }

    static Path tshark(String searchPath) {
        return vtoe.model.sim.Executables.find("tshark", searchPath, List.of())
                .orElseThrow(() -> new IllegalStateException("tshark not found: run ./scripts/setup (searched PATH=" + searchPath + ")"));
    }

    static String shellJoin(List<String> command) {
        return command.stream()
                .map(a -> a.matches("[A-Za-z0-9_./:=,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .map(a -> a.replace(AGGREGATOR, "'$'\\x1f''"))
                .collect(Collectors.joining(" "));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a check for
        }
    }
}
