package vtoe.tb.whatif;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vtoe.model.world.Driver;

/**
 * One point of a what-if study: every parameter a sweep can vary, with defaults that describe a
 * quiet 40 us-RTT link, a quick host and plenty of RAM. Times are adapter clock cycles (250 MHz, so
 * 250 cycles = 1 us). {@link #with} sets one parameter by name, which is how axes and {@code --set}
 * reach it; a bad name or value fails with the list of what is allowed.
 *
 * @param mode           PUSH, TRANSLATE, PREPINNED, or COPY_RETAIN (the baseline that keeps a copy on the adapter; TLM only)
 * @param hostLatency    mean host CPU time to serve one adapter request (cycles)
 * @param hostCv         its coefficient of variation (Gamma distributed)
 * @param loss           frame loss probability, each direction
 * @param rtt            round-trip time of the link (cycles)
 * @param connections    connections, each sending {@code bytes}
 * @param window         the peer's receive window and buffer (bytes, up to 16 MiB; above 65535 with the smallest RFC 7323 window
 *                       shift that reaches it, which the host negotiated and hands over)
 * @param mss            maximum segment size
 * @param dataBytes      datapath width in bytes (the default RTL build has 8; {@code --rtl} builds others on demand)
 * @param tags           the adapter's segments in flight across all connections (AdapterParams.tags)
 * @param retained       the adapter's retained entries per connection (AdapterParams.retained)
 * @param ramKiB         RAM the pager has for send buffers (less than the data means swapping)
 * @param hogKiB         another process thrashing through this much memory of its own (0: none)
 * @param storageLatency mean page-in/page-out time of the storage (cycles)
 * @param bytes          bytes sent per connection
 * @param rto            retransmission timeout (cycles; 0: four RTTs, at least 20000)
 * @param blockBytes     the driver's descriptor block size
 * @param prepinKiB      the driver's PREPINNED pin budget per connection
 * @param cardLatency    COPY_RETAIN: cycles for the adapter to find a retransmission in its copy
 */
public record Point(String mode, double hostLatency, double hostCv, double loss, long rtt, int connections, int window, int mss,
        int dataBytes, int tags, int retained, int ramKiB, int hogKiB, double storageLatency, long bytes, long rto, int blockBytes,
        int prepinKiB, long cardLatency) {
    /** The most connections: the adapter's 16-bit connection numbers (one local port each). */
    public static final int MAX_CONNECTIONS = 65536;
    /** The largest window a study asks for (RFC 7323 allows 2^30; 16 MiB needs shift 9). */
    public static final int MAX_WINDOW = 16 << 20;
    public static final List<String> MODES = List.of("PUSH", "TRANSLATE", "PREPINNED", "COPY_RETAIN");
    public static final List<String> KEYS = List.of("mode", "hostLatency", "hostCv", "loss", "rtt", "connections", "window", "mss",
            "dataBytes", "tags", "retained", "ramKiB", "hogKiB", "storageLatency", "bytes", "rto", "blockBytes", "prepinKiB",
            "cardLatency");

    public Point {
        check(MODES.contains(mode), "mode must be one of " + MODES + ", not " + mode);
        check(hostLatency >= 0 && hostCv >= 0, "hostLatency and hostCv must not be negative");
        check(loss >= 0 && loss < 1, "loss must be in [0, 1), not " + loss);
        check(rtt >= 2, "rtt must be at least 2 cycles, not " + rtt);
        check(connections >= 1 && connections <= MAX_CONNECTIONS, "connections must be in 1.." + MAX_CONNECTIONS + ", not " + connections);
        check(window >= 1 && window <= MAX_WINDOW, "window must be in 1.." + MAX_WINDOW + " (16 MiB, with window scaling above 65535), not "
                + window);
        check(mss >= 64 && mss <= 2048, "mss must be in 64..2048 (the adapter's staging slot), not " + mss);
        check(dataBytes == 8 || dataBytes == 16 || dataBytes == 32 || dataBytes == 64, "dataBytes must be 8, 16, 32 or 64, not " + dataBytes);
        check(tags >= 2 && tags <= 31, "tags must be in 2..31 (DMA id = 1 + tag, 5 id bits), not " + tags);
        check(retained >= 2 && Integer.bitCount(retained) == 1, "retained must be a power of two >= 2, not " + retained);
        check(ramKiB >= 64 && hogKiB >= 0, "ramKiB must be at least 64 and hogKiB not negative");
        check(storageLatency >= 1, "storageLatency must be at least 1 cycle");
        check(bytes >= 1 && bytes <= Integer.MAX_VALUE, "bytes (per connection) must be in 1..2^31-1, not " + bytes);
        check(rto >= 0, "rto must not be negative (0: automatic)");
        check(blockBytes >= 1 && blockBytes <= 65536, "blockBytes must be in 1..65536, not " + blockBytes);
        check(prepinKiB >= 4, "prepinKiB must be at least 4 (one page)");
        check(cardLatency >= 0, "cardLatency must not be negative");
        long prepin = Math.max(prepinKiB * 1024L, blockBytes + 2L * Driver.PAGE);
        long pinnable = (long) tags * (2048 / Driver.PAGE + 2) + connections * (prepin / Driver.PAGE + 2);
        check(ramKiB / 4 >= pinnable + 16, "ramKiB=" + ramKiB + " is too small for " + connections + " connection(s): the adapter and the "
                + "driver may pin " + pinnable + " pages at once, so the pager needs at least " + (pinnable + 16) * 4
                + " KiB (a host with every frame pinned can only wait)");
        long bufferBytes = (long) connections * bytes;
        check(bufferBytes <= 1L << 30, "connections x bytes = " + bufferBytes + " bytes of send buffers; keep it at most 1 GiB");
    }

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    public static Point defaults() {
        return new Point("TRANSLATE", 200, 0.5, 0, 10_000, 1, 65535, 1460, 8, 16, 16, 16 << 10, 0, 2000, 1 << 20, 0, 8192, 32, 50);
    }

    /** The RTO the run uses: as set, or four RTTs and at least 20000 cycles. */
    public long effectiveRto() {
        return rto != 0 ? rto : Math.max(20_000, 4 * rtt);
    }

    /** This point with parameter {@code key} set to {@code value}. */
    public Point with(String key, String value) {
        return with(Map.of(key, value));
    }

    /**
     * This point with all of {@code values} set at once and checked together, so that the order in which a
     * study gives them does not matter (65,536 connections are valid only with the RAM they need).
     */
    public Point with(Map<String, String> values) {
        Map<String, String> m = values();
        String key = null;
        for (Map.Entry<String, String> e : values.entrySet()) {
            key = e.getKey();
            if (!m.containsKey(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "'; the parameters are " + KEYS);
            }
            m.put(key, key.equals("mode") ? e.getValue().toUpperCase(Locale.ROOT) : e.getValue());
        }
        try {
            return new Point(m.get("mode"), d(m, "hostLatency"), d(m, "hostCv"), d(m, "loss"), l(m, "rtt"), i(m, "connections"),
                    i(m, "window"), i(m, "mss"), i(m, "dataBytes"), i(m, "tags"), i(m, "retained"), i(m, "ramKiB"), i(m, "hogKiB"),
                    d(m, "storageLatency"), l(m, "bytes"), l(m, "rto"), i(m, "blockBytes"), i(m, "prepinKiB"), l(m, "cardLatency"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + (values.size() == 1 ? key + ": '" + values.get(key) + "'" : "in " + values)
                    + " is not a number");
        }
    }

    /**
     * {@code value} as {@link #values()} writes it (1M -> 1048576, push -> PUSH), checked as a value of
     * {@code key} alone: whether it fits the other parameters is for {@link #with(Map)} to say.
     */
    public static String normalise(String key, String value) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown parameter '" + key + "'; the parameters are " + KEYS);
        }
        if (key.equals("mode")) {
            String m = value.strip().toUpperCase(Locale.ROOT);
            check(MODES.contains(m), "mode must be one of " + MODES + ", not " + value);
            return m;
        }
        try {
            double v = parse(value);
            return DOUBLE_KEYS.contains(key) ? num(v) : Long.toString(Math.round(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + key + ": '" + value + "' is not a number");
        }
    }

    private static final List<String> DOUBLE_KEYS = List.of("hostLatency", "hostCv", "loss", "storageLatency");

    /** Every parameter by name, as text (CSV columns, axis labels). */
    public Map<String, String> values() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("hostLatency", num(hostLatency));
        m.put("hostCv", num(hostCv));
        m.put("loss", num(loss));
        m.put("rtt", Long.toString(rtt));
        m.put("connections", Integer.toString(connections));
        m.put("window", Integer.toString(window));
        m.put("mss", Integer.toString(mss));
        m.put("dataBytes", Integer.toString(dataBytes));
        m.put("tags", Integer.toString(tags));
        m.put("retained", Integer.toString(retained));
        m.put("ramKiB", Integer.toString(ramKiB));
        m.put("hogKiB", Integer.toString(hogKiB));
        m.put("storageLatency", num(storageLatency));
        m.put("bytes", Long.toString(bytes));
        m.put("rto", Long.toString(rto));
        m.put("blockBytes", Integer.toString(blockBytes));
        m.put("prepinKiB", Integer.toString(prepinKiB));
        m.put("cardLatency", Long.toString(cardLatency));
        return m;
    }

    public String get(String key) {
        String v = values().get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown parameter '" + key + "'; the parameters are " + KEYS);
        }
        return v;
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A number, with an optional binary size suffix so that nobody has to type 1048576: 64K, 1M, 1G. */
    static double parse(String v) {
        String s = v.strip();
        double scale = 1;
        if (!s.isEmpty()) {
            switch (Character.toUpperCase(s.charAt(s.length() - 1))) {
                case 'K' -> scale = 1 << 10;
                case 'M' -> scale = 1 << 20;
                case 'G' -> scale = 1 << 30;
                default -> scale = 1;
            }
        }
        return Double.parseDouble(scale == 1 ? s : s.substring(0, s.length() - 1)) * scale;
    }

    private static double d(Map<String, String> m, String k) {
        return parse(m.get(k));
    }

    private static long l(Map<String, String> m, String k) {
        return Math.round(parse(m.get(k)));
    }

    private static int i(Map<String, String> m, String k) {
        return Math.toIntExact(l(m, k));
    }
}
