package vtoe.model.adapter;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import vtoe.model.AdapterParams;
import vtoe.model.check.Lockstep;
import vtoe.model.check.LockstepModel;
import vtoe.model.check.OutputSink;
import vtoe.model.txn.AdapterEvent;
import vtoe.model.txn.AxisBeat;
import vtoe.model.txn.Bytes;
import vtoe.model.txn.Completion;
import vtoe.model.txn.CsrRequest;
import vtoe.model.txn.DmaReadBeat;
import vtoe.model.txn.DmaReadRequest;
import vtoe.model.txn.Doorbell;
import vtoe.model.txn.EventCode;
import vtoe.model.txn.FetchedDescriptor;
import vtoe.model.txn.Frame;
import vtoe.model.txn.HostResponse;
import vtoe.model.txn.Release;
import vtoe.model.txn.TraceRecord;
import vtoe.model.txn.Txn;

/**
 * TLM of {@code vtoe.rtl.VtoeAdapter}, block for block, as the lockstep reference of the RTL. It
 * consumes the observed inputs and the RTL's trace, predicts every output port into the {@link
 * Lockstep} scoreboard, and builds the expected frame when one appears ({@link #expectFrame}).
 *
 * <p>Ports and flows compared in order: m_csr_resp, m_hostreq and m_completion globally; m_dma_ar per
 * id; m_axis_tx per connection; m_release per connection (tags) or per block (PREPINNED); m_event per
 * source (see {@link #EVENT_SOURCE}).
 */
public final class AdapterModel implements LockstepModel {
    private final AdapterParams p;
    private final Lockstep lockstep;
    private final long traceOffset;
    private final CsrFileModel csr;
    private final SerialDescriptorFetch fetch;
    private final DmaReadMuxModel mux;
    private final ConnStateUnitModel csu;
    private final HostHandshakeModel hh;
    private final DmaEngineModel dma;
    private final TxFramerModel framer;
    private final AckParserModel parser;
    private final ByteArrayOutputStream rxFrame = new ByteArrayOutputStream();

    /** m_event flows: the fetch, the read mux, the host side's strays, and ConnStateUnit. */
    public static final Function<Txn, Object> EVENT_SOURCE = t -> {
        int code = ((AdapterEvent) t).code();
        if (code == EventCode.DMA_STRAY_RESPONSE.code()) {
            return "mux";
        }
        if (code == EventCode.HOST_STRAY_RESPONSE.code()) {
            return "hh";
        }
        if (code == EventCode.HOST_FAULT.code() || code == EventCode.HOST_BAD_RESPONSE.code()
                || code == EventCode.DMA_READ_ERROR.code() || code == EventCode.RETRY_LIMIT.code()) {
            return "csu";
        }
        return "fetch";
    };

    /** m_release flows: per connection for tag releases, per block for PREPINNED ones. */
    public static final Function<Txn, Object> RELEASE_FLOW = t -> {
        Release r = (Release) t;
        return r.prepinned() ? "block " + r.conn() + ":" + Long.toHexString(r.va()) : "tags " + r.conn();
    };

    /**
     * @param traceOffset testbench cycle of the RTL's trace time 0 (the cycles reset was held)
     * @param context     seed and REPRODUCE lines for failures
     */
    public AdapterModel(AdapterParams p, Lockstep lockstep, long traceOffset, Supplier<String> context) {
        this(p, lockstep, lockstep::expect, traceOffset, context, StagingBuffer.bytes(p.tags(), p.slotBytes()));
    }

    /**
     * The same blocks with their outputs going to {@code out} instead of a scoreboard: the standalone
     * TLM, which decides what the RTL's trace would otherwise tell ({@link ConnStateUnitModel#decide}).
     */
    public AdapterModel(AdapterParams p, OutputSink out, Supplier<String> context) {
        this(p, null, out, 0, context, StagingBuffer.bytes(p.tags(), p.slotBytes()));
    }

    /** The standalone TLM with its own staging buffer (a payload-free run's {@link RangeStaging}). */
    public AdapterModel(AdapterParams p, OutputSink out, Supplier<String> context, StagingBuffer staging) {
        this(p, null, out, 0, context, staging);
    }

    private AdapterModel(AdapterParams p, Lockstep lockstep, OutputSink toBoard, long traceOffset, Supplier<String> context,
            StagingBuffer staging) {
        this.p = p;
        this.lockstep = lockstep;
        this.traceOffset = traceOffset;
        CsrFileModel[] csrRef = new CsrFileModel[1];
        ConnStateUnitModel[] csuRef = new ConnStateUnitModel[1];
        SerialDescriptorFetch[] fetchRef = new SerialDescriptorFetch[1];
        OutputSink fetchOut = (port, txn, est, actual) -> {
            if (port.equals("desc")) {
                csuRef[0].expectDesc((FetchedDescriptor) txn, actual, c -> fetchRef[0].parked(c));
            } else {
                toBoard.emit(port, txn, est, actual);
            }
        };
        this.fetch = new SerialDescriptorFetch(p, 0, c -> {
            ConnCfg cfg = csrRef[0].cfg(c);
            return cfg.enabled() && csuRef[0].active(c) ? cfg : cfg.with("enabled", 0);
        }, fetchOut, "desc", "m_event");
        fetchRef[0] = fetch;
        this.csr = new CsrFileModel(p, fetch, toBoard);
        csrRef[0] = csr;
        HostHandshakeModel[] hhRef = new HostHandshakeModel[1];
        this.dma = new DmaEngineModel(p, toBoard, staging,
                (tag, code, detail) -> csuRef[0].expectFault(tag, hhRef[0].entry(tag).job.conn(), code, detail));
        this.hh = new HostHandshakeModel(p, toBoard, dma, staging, (tag, conn, code, detail) -> csuRef[0].expectFault(tag, conn, code, detail));
        hhRef[0] = hh;
        TxFramerModel[] framerRef = new TxFramerModel[1];
        this.csu = new ConnStateUnitModel(p, csr, new ConnStateUnitModel.Downstream() {
            @Override
            public void job(Job j, long cycle) {
                framerRef[0].job(j);
                hh.job(j, cycle);
            }

            @Override
            public void completion(Completion c, long cycle) {
                toBoard.emit("m_completion", c, cycle + 1);
            }

            @Override
            public void release(Release r, long cycle) {
                toBoard.emit("m_release", r, cycle + 1);
            }

            @Override
            public void event(AdapterEvent e, long cycle) {
                toBoard.emit("m_event", e, cycle + 2);
            }

            @Override
            public void tagDone(int tag, int conn, boolean sent, long cycle) {
                framerRef[0].tagDone(tag, conn, sent, cycle);
            }
        }, context, traceOffset);
        csuRef[0] = csu;
        csu.onWake(fetch::wake);
        this.framer = new TxFramerModel(p, csr, csu, hh, staging, toBoard, context);
        framerRef[0] = framer;
        this.parser = new AckParserModel(p, csr::cfg);
        DmaReadMuxModel.Client[] owners = new DmaReadMuxModel.Client[1 << p.dmaIdBits()];
        owners[0] = fetch::readBeat;
        for (int id = 1; id <= p.tags(); id++) {
            owners[id] = (b, c) -> {
                hh.touched(b.id() - 1, c);
                dma.beat(b, c, 0);
            };
        }
        this.mux = new DmaReadMuxModel(p, owners, toBoard, "m_event");
        csr.hooks(new CsrFileModel.Hooks() {
            @Override
            public boolean busy(int conn) {
                return csu.busy(conn);
            }

            @Override
            public long connState(int conn, int which) {
                return csu.stateRegister(conn, which);
            }

            @Override
            public long counter(int i) {
                if (i < RxClass.values().length) {
                    return parser.count(RxClass.values()[i]);
                }
                return i == CsrMap.G_ACK_ABOVE - CsrMap.G_RX_COUNTER_BASE ? csu.ackAbove()
                        : i == CsrMap.G_ACK_OLD - CsrMap.G_RX_COUNTER_BASE ? csu.ackOld() : 0;
            }

            @Override
            public void ctl(int conn, boolean open, long cycle) {
                csu.expectCtl(conn, open);
            }
        });
    }

    @Override
    public void input(String port, Txn txn, long cycle) {
        switch (port) {
            case "s_csr" -> csr.request((CsrRequest) txn, cycle);
            case "s_doorbell" -> fetch.doorbell((Doorbell) txn, cycle);
            case "s_dma_r" -> mux.beat((DmaReadBeat) txn, cycle);
            case "s_hostresp" -> hh.response((HostResponse) txn, cycle);
            case "s_axis_rx" -> rxBeat((AxisBeat) txn);
            default -> throw new IllegalArgumentException("VtoeAdapter has no input port " + port);
        }
    }

    /**
     * A whole read burst of OK beats from {@code addr}, beat i stamped {@code firstCycle + i} (the
     * standalone TLM): the same as one s_dma_r input per beat, which is what happens unless it is a
     * DMA engine read the engine expects next.
     */
    public void readBurst(int id, long addr, Bytes data, int beats, long firstCycle) {
        int tag = id - 1;
        // takeBurst checks the length; the standalone TLM's read data is not checked against requests, so the address too.
        if (tag >= 0 && tag < p.tags() && dma.nextBurstAt(tag, addr) && takeBurst(id, data, beats, firstCycle + beats - 1)) {
            return;
        }
        int d = p.dataBytes();
        for (int i = 0; i < beats; i++) {
            mux.beat(new DmaReadBeat(id, data.slice(i * d, (i + 1) * d), i == beats - 1, 0),
                    firstCycle + i);
        }
    }

    /**
     * A whole burst of OKAY beats for a DMA engine id, its last beat at {@code lastCycle}: taken at once, with the
     * same effect as its beats one by one, when it is the read the engine expects next (the read data of an id
     * answers its oldest read, so the length says which); false, with nothing done, otherwise. The co-simulation
     * ({@code DmaBurstAssembler}) then hands the beats over one by one, which reports what is wrong with them.
     */
    public boolean takeBurst(int id, Bytes data, int beats, long lastCycle) {
        int tag = id - 1;
        if (tag < 0 || tag >= p.tags() || mux.outstanding(id) == 0 || !dma.takesBurst(tag, beats)) {
            return false;
        }
        hh.touched(tag, lastCycle);
        dma.burst(tag, data);
        mux.burstTaken(id);
        return true;
    }

    /** A whole received frame, as the parser sees it after its last beat (the standalone TLM). */
    public void rxFrame(Bytes frame) {
        AckParserModel.Verdict v = parser.frame(frame);
        if (v.ack() != null) {
            csu.expectAck(v.ack());
        }
    }

    private void rxBeat(AxisBeat b) {
        for (int i = 0; i < b.data().length(); i++) {
            if ((b.keep() >>> i & 1) != 0) {
                rxFrame.write(b.data().get(i));
            }
        }
        if (b.last()) {
            AckParserModel.Verdict v = parser.frame(Bytes.wrap(rxFrame.toByteArray()));
            rxFrame.reset();
            if (v.ack() != null) {
                csu.expectAck(v.ack());
            }
        }
    }

    @Override
    public void outputObserved(String port, Txn txn, long cycle) {
        switch (port) {
            case "m_dma_ar" -> mux.requestAccepted((DmaReadRequest) txn);
            case "m_trace" -> {
                TraceRecord r = (TraceRecord) txn;
                csu.onTrace(r, r.time() + traceOffset);
            }
            default -> {
            }
        }
    }

    /** The frame the RTL must have sent, registered with the scoreboard just before the observed one. */
    public void expectFrame(Frame observed, long startCycle) {
        lockstep.expect("m_axis_tx", framer.expected(observed, startCycle), startCycle, c -> {});
    }

    /** The flow a frame belongs to (its connection). */
    public Function<Txn, Object> frameFlow() {
        return t -> TxFramerModel.connOf(((Frame) t).bytes(), p.numConns());
    }

    public List<String> leftovers() {
        return new ArrayList<>(csu.leftovers());
    }

    /** Tags in flight and their host-handshake entries: where a stuck run usually shows why. */
    public String stateReport() {
        StringBuilder t = new StringBuilder("  TLM: free tags " + csu.freeTags() + ", connections with tags in flight " + csu.tagsInUse());
        for (int c : csu.tagsInUse()) {
            t.append("\n    conn ").append(c).append(": ").append(csu.state(c));
        }
        for (int tag = 0; tag < p.tags(); tag++) {
            HostHandshakeModel.Entry e = hh.entry(tag);
            if (e.inUse) {
                t.append("\n    tag ").append(tag).append(": ").append(e.job).append(" respDone=").append(e.respDone).append(" failed=")
                        .append(hh.failed(tag)).append(" complete=").append(hh.complete(tag));
            }
        }
        return t.toString();
    }

    public DmaReadMuxModel mux() {
        return mux;
    }

    public ConnStateUnitModel csu() {
        return csu;
    }

    public CsrFileModel csr() {
        return csr;
    }

    public HostHandshakeModel hostHandshake() {
        return hh;
    }

    public AckParserModel parser() {
        return parser;
    }

    public TxFramerModel framer() {
        return framer;
    }

    public DescriptorFetch fetch() {
        return fetch;
    }
}
