package vtoe.rtl

import chisel3._
import chisel3.util._

/** The sending agent: sends TCP data straight out of host virtual memory (design brief section 1).
  *
  * DescriptorFetch -> ConnStateUnit (Segmenter, RetransmitFsm) -> HostHandshake -> DmaEngine ->
  * StagingBuffer -> TxFramer, and AckParser back into ConnStateUnit. The adapter keeps metadata of
  * unacknowledged data (retained entries), never the data: a retransmission asks the host again.
  */
class VtoeAdapter(p: AdapterParams) extends Module {
  override def desiredName = "VtoeAdapter"

  val s_csr = IO(Flipped(Decoupled(new CsrReq))) // register accesses
  val m_csr_resp = IO(Decoupled(new CsrResp)) // one answer per access
  val s_doorbell = IO(Flipped(Decoupled(new Doorbell))) // new descriptor chains
  val m_dma_ar = IO(Decoupled(new DmaAr(p))) // host memory reads: descriptors (id 0), payload (id 1 + tag)
  val s_dma_r = IO(Flipped(Decoupled(new DmaR(p)))) // their data
  val m_hostreq = IO(Decoupled(new HostReq(p))) // identify these bytes (send or retransmit)
  val s_hostresp = IO(Flipped(Decoupled(new HostResp(p)))) // pushed bytes, extents, or FAULT
  val m_release = IO(Decoupled(new Release)) // the host may unpin
  val m_axis_tx = IO(Decoupled(new AxisBeat(p))) // Ethernet/IPv4/TCP frames
  val s_axis_rx = IO(Flipped(Decoupled(new AxisBeat(p)))) // received frames (ACKs)
  val m_completion = IO(Decoupled(new Completion)) // descriptors fully acknowledged
  val m_event = IO(Decoupled(new AdapterEvent)) // errors and notable events
  val m_trace = IO(Decoupled(new TraceRec)) // every connection state change (verification)

  // ---- where the clock always runs: time, and the clock gate ----
  // Cycles since reset, for the timers and the doorbells' arrival stamps: counted here, so that it goes on
  // while the blocks' clock is stopped.
  val now = RegInit(0.U(PortWidths.Time.W))
  now := now + 1.U
  // Any block may change state in this cycle (each block's `busy`, every input and output handshake).
  val active = Wire(Bool())
  // Edges since the last active one, up to gateHoldCycles: the clock runs on that many edges after the last
  // activity, so that registers that copy a value every cycle (a synchronous read's data, the address it
  // was read at) hold the value they would hold if it had never stopped. From then on an edge with no
  // activity writes each register with the value it already holds, so leaving it out changes nothing;
  // the checked replays of ungated traces (GatedClockIT) show it cycle for cycle at the ports.
  val quietEdges = RegInit(0.U(8.W))
  quietEdges := Mux(active, 0.U, Mux(quietEdges === p.gateHoldCycles.U, quietEdges, quietEdges + 1.U))
  val blockEn = active || quietEdges =/= p.gateHoldCycles.U
  // The timer wheel ticks every timerSlotCycles cycles, idle or not: it has a clock of its own, which runs
  // with the blocks' and in the cycles a slot is due to open. An open that finds its slot empty changes the
  // wheel alone; one that finds connections starts a walk, which makes ConnStateUnit busy.
  val wheelDue = Wire(Bool())
  // The Verilated model's names of these two instances are in vtoe.cosim.build.TopTableGenerator#gatedClocks.
  val (blockClock, wheelClock) = if (p.clockGate == 1) {
    val blockGate = Module(new ClockGate).suggestName("blockGate")
    val wheelGate = Module(new ClockGate).suggestName("wheelGate")
    blockGate.io.en := blockEn
    wheelGate.io.en := blockEn || wheelDue
    (blockGate.io.gated, wheelGate.io.gated)
  } else (clock, clock)

  withClock(blockClock) {
    val csr = Module(new CsrFile(p, cfgReaders = 4))
    val csu = Module(new ConnStateUnit(p))
    val fetch = Module(new SerialDescriptorFetch(p, dmaId = 0))
    val hh = Module(new HostHandshake(p))
    val dma = Module(new DmaEngine(p))
    val staging = Module(new StagingBuffer(p))
    val framer = Module(new TxFramer(p))
    val parser = Module(new AckParser(p))

    // ---- configuration ----
    csr.io.req <> s_csr
    m_csr_resp <> csr.io.resp
    csr.io.ctl <> csu.io.ctl
    csr.io.busyQ <> csu.io.busyQ
    csr.io.state <> csu.io.stateRd
    // Registers 16..27 receive classes, 28..29 unused, 30..31 the ACK counters (Csr.AckAbove, Csr.AckOld).
    csr.io.counters := VecInit(parser.io.counters ++ Seq.fill(Csr.AckAbove - Csr.RxCounterBase - RxClass.count)(0.U(64.W)) ++
      csu.io.counters)
    csu.io.init := csr.io.init
    fetch.io.init := csr.io.init
    fetch.io.descSeq <> csr.io.descSeq
    // The fetch serves a connection only while it is enabled and ConnStateUnit runs it.
    csr.io.cfg(0).conn := fetch.io.cfg.conn
    fetch.io.cfg.cfg := csr.io.cfg(0).cfg
    fetch.io.cfg.valid := csr.io.cfg(0).valid
    csu.io.activeQ(0).conn := fetch.io.cfg.conn
    fetch.io.cfg.cfg.enabled := csr.io.cfg(0).cfg.enabled && csu.io.activeQ(0).flag
    csr.io.cfg(1) <> csu.io.cfg
    csr.io.cfg(2) <> framer.io.cfg
    csr.io.cfg(3) <> parser.io.cfg

    // ---- descriptors ----
    fetch.io.doorbell <> s_doorbell // the fetch queues doorbells itself, stamped with their arrival
    csu.io.desc <> fetch.io.desc
    fetch.io.descParked := csu.io.descParked
    fetch.io.wake := csu.io.wake

    // ---- DMA read port: id 0 descriptors, ids 1..tags payload ----
    val owners = Seq.tabulate(1 << p.dmaIdBits)(id => if (id == 0) 0 else if (id <= p.tags) 1 else -1)
    val mux = Module(new DmaReadMux(p, owners))
    mux.io.clients(0).ar <> fetch.io.ar
    fetch.io.r <> mux.io.clients(0).r
    mux.io.clients(1).ar <> dma.io.ar
    dma.io.r <> mux.io.clients(1).r
    m_dma_ar <> mux.io.ar
    mux.io.r <> s_dma_r

    // ---- segments ----
    hh.io.job <> csu.io.job
    m_hostreq <> hh.io.hostreq
    hh.io.resp <> s_hostresp
    dma.io.extent <> hh.io.extent
    dma.io.alloc.valid := hh.io.job.fire
    dma.io.alloc.bits := hh.io.job.bits.tag
    hh.io.tagConn <> dma.io.tagConn
    hh.io.dmaIdle := dma.io.idle
    hh.io.dmaErr := dma.io.err
    hh.io.dmaProgress := dma.io.progress
    staging.io.push := hh.io.staging
    staging.io.dma := dma.io.staging
    val faults = Module(new StableArbiter(new TagFault(p), 2))
    faults.io.in(0) <> hh.io.fault
    faults.io.in(1) <> dma.io.fault
    csu.io.fault <> Queue(faults.io.out, 2)

    // ---- frames ----
    framer.io.tags := hh.io.tags
    framer.io.activeQ <> csu.io.activeQ(1)
    framer.io.unaQ <> csu.io.unaQ
    staging.io.readRow := framer.io.stagingRow
    framer.io.stagingData := staging.io.readData
    m_axis_tx <> framer.io.tx
    csu.io.tagDone <> Queue(framer.io.tagDone, 2)
    hh.io.finish := framer.io.finish
    // No queue: the framer hands its tag back only after the host has taken the tag's release, so a
    // reused tag can never overtake its own release.
    val releases = Module(new StableArbiter(new Release, 2))
    releases.io.in(0) <> framer.io.release
    releases.io.in(1) <> csu.io.release
    m_release <> releases.io.out

    // ---- ACKs ----
    parser.io.rx <> s_axis_rx
    csu.io.ack <> Queue(parser.io.ack, 2)
    m_completion <> csu.io.completion

    // ---- events and trace ----
    val events = Module(new StableArbiter(new AdapterEvent, 4))
    events.io.in(0) <> fetch.io.event
    events.io.in(1) <> mux.io.event
    events.io.in(2) <> csu.io.event
    events.io.in(3) <> hh.io.event
    m_event <> Queue(events.io.out, p.eventDepth)
    m_trace <> csu.io.trace

    csu.io.now := now
    csu.io.wheelClock := wheelClock
    wheelDue := csu.io.wheelDue
    fetch.io.now := now(31, 0)
    active := csr.io.busy || csu.io.busy || fetch.io.busy || hh.io.busy || dma.io.busy || staging.io.busy ||
      framer.io.busy || parser.io.busy || mux.io.busy ||
      s_csr.valid || s_doorbell.valid || s_dma_r.valid || s_hostresp.valid || s_axis_rx.valid ||
      m_csr_resp.valid || m_dma_ar.valid || m_hostreq.valid || m_release.valid || m_axis_tx.valid ||
      m_completion.valid || m_event.valid || m_trace.valid
  }
}
