package vtoe.model.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import vtoe.model.txn.Bytes;

/**
 * A TAP device in a network namespace of its own, with a receiving application listening there: the
 * Linux kernel's TCP as a peer. A small Python program ({@code linuxpeer.py}, shipped as a resource)
 * does the namespace side, because creating a TAP needs an {@code ioctl} that Java cannot make
 * without native code of our own; it is started as {@code unshare -n python3 linuxpeer.py} and
 * speaks to this class over its stdin and stdout (type byte, 4-byte length, body).
 *
 * <p>Nothing outlives the helper process: the namespace, its TAP, its sockets and addresses go with
 * it, and it ends when its stdin closes, so even a JVM killed outright leaves nothing behind.
 * {@link #close} ends it and waits for that.
 *
 * <p>Threads: one reader thread takes the helper's messages; frames the kernel sent wait in
 * {@link #frames()} for the simulation thread, which calls everything else.
 */
public final class TapBridge implements AutoCloseable {
    /**
     * @param tapMac      the TAP's MAC (the peer's, in our frames)
     * @param tapAddress  the peer's IPv4 address with its prefix, e.g. {@code 10.0.1.1/16}
     * @param neighIp     the adapter's IPv4 address (a static ARP entry, so the kernel never asks)
     * @param neighMac    the adapter's MAC
     * @param port        where the application listens
     * @param forward     route in the namespace (then a frame to an address with no route earns an ICMP error)
     * @param readGate    the application reads nothing until {@link #releaseReaders()} (a reader that has stalled)
     * @param log         the helper's stderr goes here
     */
    public record Config(long tapMac, String tapAddress, String neighIp, long neighMac, int port, boolean forward, boolean readGate,
            Path log) {}

    /** What the helper said when its namespace was ready. */
    public record Hello(long pid, String netns, String device, String kernelRelease) {}

    /** What one socket of the application delivered, reported when it read EOF (or failed). */
    public record SocketResult(String peerIp, int peerPort, long bytes, String sha256, String error) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "/vtoe/linux/linuxpeer.py";

    private final Process process;
    private final OutputStream toHelper;
    private final Path script;
    private final Path log;
    private final BlockingQueue<Bytes> frames = new LinkedBlockingQueue<>();
    private final BlockingQueue<SocketResult> results = new LinkedBlockingQueue<>();
    private final SynchronousQueue<JsonNode> counters = new SynchronousQueue<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Hello> hello = new CompletableFuture<>();
    private final CompletableFuture<Void> quit = new CompletableFuture<>();
    private final Thread reader;
    private final Hello info;
    private volatile boolean closing;

    /**
     * What this machine lacks to run a Linux peer, as one sentence a person can act on; empty when it
     * has everything (root, /dev/net/tun, unshare, ip, python3).
     */
    public static java.util.Optional<String> missing() {
        return missing(uid(), Path.of("/dev/net/tun"), TapBridge::which);
    }

    /** {@link #missing()} for a given user, TUN device and tool lookup (so a test can play a machine without them). */
    static java.util.Optional<String> missing(long uid, Path tun, java.util.function.Function<String, Path> which) {
        List<String> lack = new ArrayList<>();
        if (uid != 0) {
            lack.add("root (this JVM runs as uid " + uid + "; creating a network namespace and a TAP needs CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        }
        if (!Files.exists(tun)) {
            lack.add(tun + " (load the tun module, or give the container the device)");
        } else if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
            lack.add("read and write access to " + tun);
        }
        for (String tool : List.of("unshare", "ip", "python3")) {
            if (which.apply(tool) == null) {
                lack.add(tool + " on the PATH (" + switch (tool) {
                    case "unshare" -> "package util-linux";
                    case "ip" -> "package iproute2";
                    default -> "package python3";
                } + ")");
            }
        }
        return lack.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of("the Linux peer cannot run here: it needs " + String.join(", ", lack) + ".");
    }

    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // falls through: unknown counts as not root
        }
        return -1;
    }

    private static Path which(String tool) {
        // ip lives in /usr/sbin or /sbin, which a user's PATH may not have.
        return vtoe.model.sim.Executables.find(tool, System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                List.of("/usr/sbin", "/sbin")).orElse(null);
    }

    /** Starts the helper and waits (up to 20 s) until its namespace, TAP and listening socket are ready. */
    public TapBridge(Config c) {
        java.util.Optional<String> lack = missing();
        if (lack.isPresent()) {
            throw new IllegalStateException(lack.get());
        }
        try {
            this.script = Files.createTempFile("vtoe-linuxpeer", ".py");
            try (InputStream in = TapBridge.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + SCRIPT + " is missing from the classpath");
                }
                Files.write(script, in.readAllBytes());
            }
            this.log = c.log();
            Files.createDirectories(log.toAbsolutePath().getParent());
            List<String> cmd = new ArrayList<>(List.of(which("unshare").toString(), "-n", which("python3").toString(), "-u",
                    script.toString(), "--mac", mac(c.tapMac()), "--addr", c.tapAddress(), "--neigh-ip", c.neighIp(), "--neigh-mac",
                    mac(c.neighMac()), "--port", Integer.toString(c.port())));
            if (c.forward()) {
                cmd.add("--forward");
            }
            if (c.readGate()) {
                cmd.add("--read-gate");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().put("PATH", pb.environment().getOrDefault("PATH", "") + ":/usr/sbin:/sbin");
            this.process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Linux peer's helper: " + e.getMessage(), e);
        }
        this.toHelper = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        this.reader = new Thread(this::readLoop, "tap-bridge-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            this.info = hello.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            String why = !errors.isEmpty() ? errors.get(0)
                    : e instanceof TimeoutException ? "it did not report ready within 20 s" : String.valueOf(e.getCause());
            destroy();
            throw new IllegalStateException("the Linux peer's namespace could not be set up: " + why + stderrTail(), e);
        }
    }

    static String mac(long m) {
        StringBuilder s = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            s.append(String.format("%02x", (m >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
        }
        return s.toString();
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 1 << 16))) {
            while (true) {
                int kind = in.read();
                if (kind < 0) {
                    break;
                }
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                switch (kind) {
                    case 'F' -> frames.add(Bytes.wrap(body));
                    case 'H' -> {
                        JsonNode j = JSON.readTree(body);
                        hello.complete(new Hello(j.get("pid").asLong(), j.get("netns").asText(), j.get("dev").asText(),
                                j.get("kernel").asText()));
                    }
                    case 'R' -> {
                        JsonNode j = JSON.readTree(body);
                        results.add(new SocketResult(j.get("peer").asText(), j.get("port").asInt(), j.get("bytes").asLong(),
                                j.get("sha256").asText(), j.get("error").isNull() ? null : j.get("error").asText()));
                    }
                    case 'S' -> counters.put(JSON.readTree(body));
                    case 'E' -> {
                        errors.add(new String(body, StandardCharsets.UTF_8));
                        hello.completeExceptionally(new IllegalStateException(errors.get(errors.size() - 1)));
                    }
                    case 'X' -> quit.complete(null);
                    default -> errors.add("the helper sent an unknown message type " + kind);
                }
            }
        } catch (EOFException e) {
            // the helper ended mid-message; reported below
        } catch (IOException | InterruptedException e) {
            if (!closing) {
                errors.add("reading from the helper failed: " + e);
            }
        }
        if (!closing && !quit.isDone()) {
            errors.add("the Linux peer's helper ended unexpectedly" + stderrTail());
        }
        hello.completeExceptionally(new IllegalStateException("the helper ended before it was ready"));
        quit.complete(null);
    }

    private String stderrTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return lines.isEmpty() ? "" : " (its stderr, " + log + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5),
                    lines.size())) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private synchronized void message(char kind, Bytes body) {
        try {
            toHelper.write(kind);
            int n = body.length();
            toHelper.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            toHelper.write(body.toArray());
            toHelper.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the Linux peer's helper is gone (" + e.getMessage() + ")"
                    + (errors.isEmpty() ? "" : ": " + errors) + stderrTail(), e);
        }
    }

    /** Writes a frame to the TAP: the kernel receives it as if from the wire. */
    public void write(Bytes frame) {
        message('F', frame);
    }

    /** With {@link Config#readGate}, lets the application read its sockets from now on. */
    public void releaseReaders() {
        message('G', Bytes.of());
    }

    /** Frames the kernel sent out of the TAP, oldest first. */
    public BlockingQueue<Bytes> frames() {
        return frames;
    }

    /** Sockets that reported, oldest first. */
    public BlockingQueue<SocketResult> results() {
        return results;
    }

    /** Errors the helper reported (a frame it could not write, the TAP failing), oldest first. */
    public List<String> errors() {
        return errors;
    }

    /**
     * The namespace's /proc/net/snmp and /proc/net/netstat, as {@code group -> counter -> value} (e.g.
     * {@code Tcp.InCsumErrors}, {@code TcpExt.DelayedACKLost}).
     */
    public JsonNode counters() {
        message('S', Bytes.of());
        try {
            JsonNode j = counters.poll(10, TimeUnit.SECONDS);
            if (j == null) {
                throw new IllegalStateException("the Linux peer's helper did not answer a counters request within 10 s" + stderrTail());
            }
            return j;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Hello hello() {
        return info;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Ends the helper (asking first, then by force) and waits until it is gone, with its namespace. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            if (process.isAlive()) {
                try {
                    message('Q', Bytes.of());
                    quit.get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // asked and did not answer: ended by force below
                }
            }
        } finally {
            destroy();
        }
    }

    private void destroy() {
        closing = true;
        try {
            toHelper.close();
        } catch (IOException e) {
            // the pipe is already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // a temporary file; the OS cleans it
        }
    }

    /** Whether any process still lives in network namespace {@code netns} (as readlink shows it, {@code net:[N]}). */
    public static boolean namespaceInUse(String netns) {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).anyMatch(d -> {
                try {
                    return Files.readSymbolicLink(d.resolve("ns/net")).toString().equals(netns);
                } catch (IOException | RuntimeException e) {
                    return false; // gone meanwhile, or not ours to read
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
    }

    /** The helper process (for tests that check what is left after it). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Closes the helper's stdin without a word, as a JVM that dies does (for the test that proves nothing stays). */
    public void abandon() {
        closing = true;
        try {
            toHelper.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
