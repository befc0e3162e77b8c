package vtoe.tb.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import vtoe.model.AdapterParams;
import vtoe.model.payload.PayloadMode;

/**
 * Where a standalone TLM run's time goes, by part of the model: the JDK's own sampling profiler (JFR
 * execution samples of the thread running the scenario, every few milliseconds), each sample given to
 * the first part whose code is on its stack. The parts are the ones a speed-up would aim at: the event
 * kernel's queue, the DMA engine's reads, ConnStateUnit and the framer, the sender rules, the receiver,
 * the host. JFR ships with the JDK, and no profiler library fits better: we want shares per part of our
 * model, not a flame graph.
 */
final class TlmProfile {
    /** A part of the model and whether a stack (leaf first) is in its code. */
    private record Part(String name, Predicate<List<RecordedFrame>> has) {}

    /** Any frame of the stack matches. */
    private static Predicate<List<RecordedFrame>> any(Predicate<RecordedFrame> f) {
        return frames -> frames.stream().anyMatch(f);
    }

    private static Predicate<RecordedFrame> type(String... simpleNames) {
        return f -> {
            String t = f.getMethod().getType().getName();
            String simple = t.substring(t.lastIndexOf('.') + 1);
            for (String n : simpleNames) {
                if (simple.equals(n) || simple.startsWith(n + "$")) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Predicate<RecordedFrame> method(String typeName, String... methods) {
        return f -> {
            if (!f.getMethod().getType().getName().endsWith("." + typeName)) {
                return false;
            }
            String m = f.getMethod().getName();
            for (String x : methods) {
                if (m.equals(x) || m.startsWith(x + "$") || m.startsWith("lambda$" + x + "$")) {
                    return true;
                }
            }
            return false;
        };
    }

    // In order: a sample goes to the first part found anywhere on its stack (the sender rules run inside
    // adapter events, the kernel's queue inside every scheduling call).
    private static final List<Part> PARTS = List.of(
            new Part("TCP sender rules (judging every frame and ACK)", any(type("TcpSenderRules", "SenderState", "WireSegment", "SentBytes"))),
            // Scheduling calls anywhere, and the kernel's own loop (taking the next event) at the leaf.
            new Part("event kernel (its queue)", any(method("EventKernel", "at", "atEndOf", "push", "pop", "wheelAdd", "firstSlot", "takeHead",
                    "heapPush", "heapPop").or(method("EventKernel$Lane", "at", "grow")))
                    .or(frames -> !frames.isEmpty() && type("EventKernel").test(frames.get(0)))),
            // A burst inside memory arrives through the kernel's lane (burstArrived), not in a closure of issueEngineReads.
            new Part("DMA engine reads (memory, staging)", any(method("StandaloneAdapter", "issueEngineReads", "burstArrived", "read", "burstDone"))),
            new Part("ConnStateUnit ops and the framer", any(method("StandaloneAdapter", "step", "schedule"))),
            new Part("receiver", any(type("TcpReceiver"))),
            new Part("host: driver, pins, pager, storage", any(type("Driver", "AddressSpace", "Pager", "StorageController", "VirtualMemory"))),
            new Part("host responses into the adapter", any(method("StandaloneAdapter", "hostResponse", "hostResponses"))),
            new Part("links", any(type("Link"))));

    /** Shares of the samples per part (and "other"), in {@link #PARTS} order, and how many samples there were. */
    record Shares(Map<String, Double> byPart, long samples, double seconds) {}

    private TlmProfile() {}

    /** Runs the scenario (payload-free, seeds from 5000) for {@code seconds} under JFR and splits the samples by part. */
    static Shares of(WorldPair.Scenario s, AdapterParams p, double seconds) {
        Path file;
        try {
            file = Files.createTempFile("vtoe-tlm-profile", ".jfr");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String thread = Thread.currentThread().getName();
        long t0 = System.nanoTime();
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5));
            r.start();
            long end = t0 + (long) (seconds * 1e9);
            for (long seed = 5000; System.nanoTime() < end; seed++) {
                WorldPair.tlm(s, seed, p, PayloadMode.NONE);
            }
            r.stop();
            r.dump(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> counts = new LinkedHashMap<>();
        PARTS.forEach(x -> counts.put(x.name(), 0L));
        counts.put("other", 0L);
        long n = 0;
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getThread("sampledThread") == null
                        || !thread.equals(e.getThread("sampledThread").getJavaName()) || e.getStackTrace() == null) {
                    continue;
                }
                n++;
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                String part = "other";
                for (Part x : PARTS) {
                    if (x.has().test(frames)) {
                        part = x.name();
                        break;
                    }
                }
                counts.merge(part, 1L, Long::sum);
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        long total = Math.max(1, n);
        counts.forEach((k, v) -> shares.put(k, (double) v / total));
        return new Shares(shares, n, took);
    }
}
