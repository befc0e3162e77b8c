package vtoe.model.adapter;

import java.util.Arrays;
import vtoe.model.AdapterParams;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.CsrResponse;

/**
 * TLM of {@code vtoe.rtl.CsrFile}: decodes register accesses exactly as the RTL does (same refusals
 * in the same order) and answers each on m_csr_resp one cycle after the request.
 */
public final class CsrFileModel {
    private final AdapterParams p;
    private final ConnCfg[] cfg;
    private final DescriptorFetch fetch;
    private final OutputSink out;

    public CsrFileModel(AdapterParams p, DescriptorFetch fetch, OutputSink out) {
        this.p = p;
        this.cfg = new ConnCfg[p.numConns()];
        Arrays.fill(cfg, ConnCfg.RESET); // the RTL's reset sweep
        this.fetch = fetch;
        this.out = out;
    }

    public ConnCfg cfg(int conn) {
        return cfg[conn];
    }

    public void request(CsrRequest r, long cycle) {
        CsrResponse resp = decode(r);
        out.emit("m_csr_resp", new CsrResponse(r.write() ? 0 : resp.data(), resp.resp()), cycle + 1);
    }

    private CsrResponse decode(CsrRequest r) {
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
                    default -> null;
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
        ConnCfg c = cfg[connRaw];
        boolean low5Zero = (d & 31) == 0;
        switch (reg) {
            case CsrMap.CTRL -> {
                long rd = (long) c.mode() << 1 | (c.enabled() ? 1 : 0);
                if (!r.write()) {
                    return new CsrResponse(rd, okay);
                }
                int mode = (int) (d >>> 1) & 3;
                boolean en = (d & 1) != 0;
                if ((d >>> 3) != 0 || mode == 3 || (en && c.regionBytes() == 0) || (en && c.enabled() && mode != c.mode())) {
                    return new CsrResponse(rd, refuse);
                }
                cfg[connRaw] = c.withCtrl(en, mode);
                return new CsrResponse(rd, okay);
            }
            case CsrMap.REGION_VA -> {
                if (r.write() && !c.enabled() && low5Zero) {
                    cfg[connRaw] = c.withRegionVa(d);
                }
                return new CsrResponse(c.regionVa(), !r.write() || (!c.enabled() && low5Zero) ? okay : refuse);
            }
            case CsrMap.REGION_PA -> {
                if (r.write() && !c.enabled() && low5Zero) {
                    cfg[connRaw] = c.withRegionPa(d);
                }
                return new CsrResponse(c.regionPa(), !r.write() || (!c.enabled() && low5Zero) ? okay : refuse);
            }
            case CsrMap.REGION_BYTES -> {
                boolean ok = !c.enabled() && low5Zero && d != 0 && Long.compareUnsigned(d, p.maxRegionBytes()) <= 0;
                if (r.write() && ok) {
                    cfg[connRaw] = c.withRegionBytes(d & 0xffffffffL);
                }
                return new CsrResponse(c.regionBytes(), !r.write() || ok ? okay : refuse);
            }
            case CsrMap.DESC_SEQ -> {
                long rd = Integer.toUnsignedLong(fetch.descSeq(connRaw));
                if (!r.write()) {
                    return new CsrResponse(rd, okay);
                }
                if (c.enabled() || (d >>> 32) != 0) {
                    return new CsrResponse(rd, refuse);
                }
                fetch.setDescSeq(connRaw, (int) d);
                return new CsrResponse(rd, okay);
            }
            default -> {
                return new CsrResponse(0, CsrResponse.DECERR);
            }
        }
    }
}
