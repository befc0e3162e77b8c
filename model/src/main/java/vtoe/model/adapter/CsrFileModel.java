package vtoe.model.adapter;

import java.util.Arrays;
import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;

/**
 * TLM of {@code vtoe.rtl.CsrFile}: decodes register accesses exactly as the RTL does (same refusals
 * in the same order) and answers each on m_csr_resp. Keeps the history of the RCV register, which the
 * host may write while frames are being built, so the framer model can ask for the value in force at
 * any cycle.
 */
public final class CsrFileModel {
    /** What the CSR file asks of the rest of the adapter. */
    public interface Hooks {
        /** Connection still has work in flight (cannot be re-enabled). */
        boolean busy(int conn);

        /** STATUS, SND_UNA, SND_NXT, SND_MAX. */
        long connState(int conn, int which);

        /** Global counter registers 16..31. */
        long counter(int index);

        /** Enable (open) or disable (stop) handed to ConnStateUnit at {@code cycle}. */
        void ctl(int conn, boolean open, long cycle);

        Hooks NONE = new Hooks() {
            @Override
            public boolean busy(int conn) {
                return false;
            }

            @Override
            public long connState(int conn, int which) {
                return 0;
            }

            @Override
            public long counter(int index) {
                return 0;
            }

            @Override
            public void ctl(int conn, boolean open, long cycle) {}
        };
    }

    private final AdapterParams p;
    private final ConnCfg[] cfg;
    private final DescriptorFetch fetch;
    private final OutputSink out;
    private Hooks hooks = Hooks.NONE;
    private final ValueHistory[] rcvHistory; // every frame looks up its latch cycle's

    public CsrFileModel(AdapterParams p, DescriptorFetch fetch, OutputSink out) {
        this.p = p;
        this.cfg = new ConnCfg[p.numConns()];
        Arrays.fill(cfg, ConnCfg.RESET); // the RTL's reset sweep
        this.fetch = fetch;
        this.out = out;
        this.rcvHistory = new ValueHistory[p.numConns()];
        for (int i = 0; i < p.numConns(); i++) {
            rcvHistory[i] = new ValueHistory(0, Integer.MAX_VALUE, 0);
        }
    }

    public void hooks(Hooks h) {
        this.hooks = h;
    }

    public ConnCfg cfg(int conn) {
        return cfg[conn];
    }

    /** RCV (window << 32 | ack number) as a frame latched at {@code cycle} saw it. */
    public long rcvAt(int conn, long cycle) {
        return rcvHistory[conn].before(cycle + 1); // the last write taking effect at or before the cycle
    }

    public void request(CsrRequest r, long cycle) {
        CsrResponse resp = decode(r, cycle);
        out.emit("m_csr_resp", new CsrResponse(r.write() ? 0 : resp.data(), resp.resp()), cycle + 1);
    }

    private CsrResponse decode(CsrRequest r, long cycle) {
        final int okay = CsrResponse.OKAY;
        final int refuse = CsrResponse.SLVERR;
        int addr = r.addr();
        long d = r.data();
        boolean global = (addr >>> 31) != 0;
        int reg = (addr >>> 3) & 31;
        int connRaw = (addr >>> 8) & 0xffff;
        boolean wellFormed = (addr & 7) == 0 && ((addr >>> 24) & 0x7f) == 0;
        if (global) {
            if (wellFormed && ((addr >>> 8) & 0x7fffff) == 0) {
                Long v = switch (reg) {
                    case CsrMap.G_ID -> CsrMap.ID_VALUE;
                    case CsrMap.G_NUM_CONNS -> (long) p.numConns();
                    case CsrMap.G_DATA_BYTES -> (long) p.dataBytes();
                    case CsrMap.G_MAX_BLOCK_BYTES -> (long) p.maxBlockBytes();
                    case CsrMap.G_MAX_REGION_BYTES -> (long) p.maxRegionBytes();
                    case CsrMap.G_TAGS -> (long) p.tags();
                    case CsrMap.G_SLOT_BYTES -> (long) p.slotBytes();
                    case CsrMap.G_RETAINED -> (long) p.retained();
                    case CsrMap.G_MAX_RETRIES -> (long) p.maxRetries();
                    case CsrMap.G_MAX_BACKOFF -> (long) p.maxBackoff();
                    default -> reg >= CsrMap.G_RX_COUNTER_BASE ? hooks.counter(reg - CsrMap.G_RX_COUNTER_BASE) : null;
                };
                if (v != null) {
                    return new CsrResponse(v, r.write() ? refuse : okay);
                }
            }
            return new CsrResponse(0, CsrResponse.DECERR);
        }
        if (!wellFormed || connRaw >= p.numConns()) {
            return new CsrResponse(0, CsrResponse.DECERR);
        }
        int conn = connRaw;
        ConnCfg c = cfg[conn];
        boolean low5Zero = (d & 31) == 0;
        boolean hi32Zero = (d >>> 32) == 0;
        return switch (reg) {
            case CsrMap.CTRL -> {
                long rd = (long) c.mode() << 1 | (c.enabled() ? 1 : 0);
                if (!r.write()) {
                    yield new CsrResponse(rd, okay);
                }
                int mode = (int) (d >>> 1) & 3;
                boolean en = (d & 1) != 0;
                if ((d >>> 3) != 0 || mode == 3) {
                    yield new CsrResponse(rd, refuse);
                }
                if (en && !c.enabled() && (c.regionBytes() == 0 || c.mss() == 0 || c.mss() > p.slotBytes() || c.rto() == 0
                        || hooks.busy(conn))) {
                    yield new CsrResponse(rd, refuse);
                }
                if (en && c.enabled() && mode != c.mode()) {
                    yield new CsrResponse(rd, refuse);
                }
                cfg[conn] = c.with("enabled", en ? 1 : 0).with("mode", c.enabled() ? c.mode() : mode);
                if (en != c.enabled()) {
                    hooks.ctl(conn, en, cycle);
                }
                yield new CsrResponse(rd, okay);
            }
            case CsrMap.REGION_VA -> stat(r, conn, c.regionVa(), low5Zero, "regionVa", d);
            case CsrMap.REGION_PA -> stat(r, conn, c.regionPa(), low5Zero, "regionPa", d);
            case CsrMap.REGION_BYTES -> stat(r, conn, c.regionBytes(),
                    low5Zero && d != 0 && Long.compareUnsigned(d, p.maxRegionBytes()) <= 0, "regionBytes", d & 0xffffffffL);
            case CsrMap.DESC_SEQ -> {
                long rd = Integer.toUnsignedLong(fetch.descSeq(conn));
                if (!r.write()) {
                    yield new CsrResponse(rd, okay);
                }
                if (c.enabled() || !hi32Zero) {
                    yield new CsrResponse(rd, refuse);
                }
                fetch.setDescSeq(conn, (int) d);
                cfg[conn] = c.with("iss", (int) d);
                yield new CsrResponse(rd, okay);
            }
            case CsrMap.MAC -> stat(r, conn, c.ourMac(), (d >>> 48) == 0, "ourMac", d);
            case CsrMap.PEER_MAC -> stat(r, conn, c.peerMac(), (d >>> 48) == 0, "peerMac", d);
            case CsrMap.IPS -> {
                CsrResponse x = stat(r, conn, (Integer.toUnsignedLong(c.ourIp()) << 32) | Integer.toUnsignedLong(c.peerIp()),
                        true, "ourIp", d >>> 32);
                if (x.ok() && r.write()) {
                    cfg[conn] = cfg[conn].with("peerIp", d & 0xffffffffL);
                }
                yield x;
            }
            case CsrMap.PORTS -> {
                boolean portOk = (d >>> 32) == 0 && ((((d >>> 16) ^ CsrMap.PORT_BASE) & (p.numConns() - 1)) == conn);
                CsrResponse x = stat(r, conn, ((long) c.ourPort() << 16) | c.peerPort(), portOk, "ourPort", (d >>> 16) & 0xffff);
                if (x.ok() && r.write()) {
                    cfg[conn] = cfg[conn].with("peerPort", d & 0xffff);
                }
                yield x;
            }
            case CsrMap.MSS -> stat(r, conn, c.mss(), d != 0 && Long.compareUnsigned(d, p.slotBytes()) <= 0, "mss", d & 0xffff);
            case CsrMap.RTO -> stat(r, conn, c.rto(), d != 0 && hi32Zero, "rto", d & 0xffffffffL);
            case CsrMap.PEER_WND -> {
                boolean shiftOk = (d >>> 36) == 0 && ((d >>> 32) & 0xf) <= CsrMap.MAX_WND_SHIFT;
                CsrResponse x = stat(r, conn, (long) c.sndWndShift() << 32 | c.peerWnd(), shiftOk, "peerWnd", d & 0xffffffffL);
                if (x.ok() && r.write()) {
                    cfg[conn] = cfg[conn].with("sndWndShift", (d >>> 32) & 0xf);
                }
                yield x;
            }
            case CsrMap.RCV -> {
                long rd = ((long) (c.rcvWnd() & 0xffff) << 32) | Integer.toUnsignedLong(c.rcvNxt());
                if (!r.write()) {
                    yield new CsrResponse(rd, okay);
                }
                if ((d >>> 48) != 0) {
                    yield new CsrResponse(rd, refuse);
                }
                cfg[conn] = c.with("rcvNxt", d & 0xffffffffL).with("rcvWnd", (d >>> 32) & 0xffff);
                // Written at the end of this cycle: frames latched from the next cycle on see it.
                rcvHistory[conn].remember(cycle + 1, d & 0xffff_ffff_ffffL);
                yield new CsrResponse(rd, okay);
            }
            case CsrMap.STATUS, CsrMap.SND_UNA, CsrMap.SND_NXT, CsrMap.SND_MAX -> new CsrResponse(
                    hooks.connState(conn, reg - CsrMap.STATUS), r.write() ? refuse : okay);
            default -> new CsrResponse(0, CsrResponse.DECERR);
        };
    }

    /** A register written only while the connection is disabled. */
    private CsrResponse stat(CsrRequest r, int conn, long value, boolean ok, String field, long newValue) {
        ConnCfg c = cfg[conn];
        if (!r.write()) {
            return new CsrResponse(value, CsrResponse.OKAY);
        }
        if (c.enabled() || !ok) {
            return new CsrResponse(value, CsrResponse.SLVERR);
        }
        cfg[conn] = c.with(field, newValue);
        return new CsrResponse(value, CsrResponse.OKAY);
    }
}
