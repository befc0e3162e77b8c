package vtoe.rtl

import chisel3._
import chisel3.util._

/** The single owner of every connection's transmit state and retained ring. At most one operation per
  * cycle changes a connection (see [[Op]]): drain > fault > tag done > retire > open/stop > ACK >
  * descriptor > timer wheel > segment (or skip), each taken only when its outputs have room (a CSR read
  * of connection state, which changes nothing, goes before all). Connections with work wait in queues
  * (send, retire, drain) and running timers in a hashed timer wheel ([[TimerWheel]]), so choosing one
  * costs the same whatever numConns. A descriptor is always taken: into the ring, dropped (connection
  * not active) or parked (ring full; `descParked` tells the fetch, which keeps the chain and serves
  * other connections); a connection with a parked chain is woken (`wake`) once, by the first op after
  * which its ring has room or it is no longer active. A stopped PREPINNED connection drains (releases)
  * its blocks only after its last tag in flight is done, so the DMA engine never reads a block the host
  * has already unpinned. Every change goes out on the trace, so the lockstep model follows the RTL's timing
  * decisions exactly and checks them.
  *
  * Pipeline (the read-modify-write of Corundum's tx_scheduler_rr, with its read-data override):
  *  - stage 0 chooses the op and its connection, takes the op's input or pops its queue, and presents
  *    the addresses: the state, the ring entries the op reads (their indices from a small copy of the
  *    ring pointers), the configuration of a connection being opened.
  *  - stage 1 gets the state and the entries one cycle later, computes the next state and writes it,
  *    enqueues the outputs and the trace record, and re-queues the connection where it still has work.
  *  Read-during-write of a synchronous memory is undefined, so stage 1 takes the state (and ring entry)
  *  written in the previous cycle from a register when it is the same connection (entry): back-to-back
  *  ops on one connection see each other, one op per cycle. What stage 0 itself decides from a
  *  connection (whether a descriptor is parked, which ring entry to read, who is next in the wheel's
  *  list) is taken from stage 1's result when stage 1 is on that connection. Outputs stage 1 will produce are
  *  reserved in stage 0 (room in the output queue, a free tag), so stage 1 never stalls. The trace
  *  keeps the order of stage 1, which is the order of the ops.
  *
  * Memories, and what they would be on an FPGA:
  *  - `st` (state, about 400 bits x numConns) and `ring` (retained entries, 257 bits x numConns x
  *    retained): synchronous read, one write port; block RAM (`ring` from a few thousand connections
  *    on, UltraRAM). `ring` has two read ports (RETIRE reads the head entry and the next one): two
  *    simple-dual-port copies.
  *  - flags read combinationally by other blocks in the cycle they ask, one bit per connection:
  *    `activeM` (fetch, framer), `busyM` (CsrFile), `ringFullM` (stage 0); `unaM` and `epochM`, copies of
  *    snd.una and the retransmission epoch for the framer's last checks, and `ptrM`, a copy of the ring pointers stage 0 needs:
  *    distributed RAM (LUTRAM). They cost a few tens of bits per connection, where their readers would
  *    otherwise each need a cycle more.
  *  - the send, retire and drain queues (numConns entries of a connection number): LUTRAM or block RAM
  *    FIFOs; the wheel's slot table (timerSlots entries of a connection number): LUTRAM.
  *  CsrFile's configuration memory stays combinational (LUTRAM on an FPGA): it has five readers (fetch,
  *  this unit, framer, parser, its own read-modify-write), each of which would need a cycle more.
  *
  * Timers: a hashed wheel of W = timerSlots slots of G = timerSlotCycles cycles (what the ETH
  * fpga-network-stack's retransmit_timer does with a scan of its BRAM timer table, decrementing one
  * session per cycle, is what this replaces: there an expiry waits for the scan, numConns cycles). A
  * connection whose timer starts goes into the list of slot floor(min(deadline, now + rto) / G) + 1;
  * when that slot comes up the wheel looks at it: due, a TIMER; not yet, back into the slot of
  * floor(min(max(deadline, t), t + rto) / G) + 1 with t the slot's first cycle; timer stopped, dropped
  * (both a traced WHEEL op, so the lockstep model mirrors the wheel exactly).
  * A later deadline never moves it (it is looked at early and put back), and a deadline is never
  * earlier than now + rto, so the slot it is in never comes up later than G cycles after its deadline.
  * Bound: a timer that falls due at cycle D (deadline passed, nothing left to retire) is served by the
  * wheel in the slot that starts at or before D + G, one op cycle after each connection ahead of it in
  * that slot's list and in earlier slots still being walked, in cycles no op of higher priority takes,
  * plus the two pipeline stages. The one exception: a connection re-opened with a smaller RTO while its
  * old entry is still in the wheel is served within W*G cycles of its deadline the first time.
  */
class ConnStateUnit(p: AdapterParams) extends Module {
  override def desiredName = "ConnStateUnit"
  val io = IO(new Bundle {
    val ctl = Flipped(Decoupled(new ConnCtl(p))) // open / stop from CsrFile
    val cfg = Flipped(new CfgReadPort(p)) // configuration of the connection being opened
    val desc = Flipped(Decoupled(new FetchedDesc)) // from DescriptorFetch
    val descParked = Output(Bool()) // with desc's handshake: its ring is full, the descriptor is parked, not taken
    val wake = Output(Valid(UInt(p.connIdxBits.W))) // a connection with a parked chain has ring room again, or stopped
    val ack = Flipped(Decoupled(new AckInfo(p))) // from AckParser
    val fault = Flipped(Decoupled(new TagFault(p))) // from HostHandshake / DmaEngine
    val tagDone = Flipped(Decoupled(new TagDone(p))) // from TxFramer
    val job = Decoupled(new Job(p)) // cut segments
    val completion = Decoupled(new Completion)
    val release = Decoupled(new Release) // PREPINNED blocks of stopped connections
    val event = Decoupled(new AdapterEvent)
    val trace = Decoupled(new TraceRec)
    val activeQ = Vec(2, Flipped(new ConnFlagQuery(p))) // connection state Active (fetch, framer)
    val busyQ = Flipped(new ConnFlagQuery(p)) // tags in flight, retiring or draining (CsrFile)
    val unaQ = Flipped(new ConnUnaQuery(p)) // snd.una (framer: is a segment acknowledged already?)
    val stateRd = Flipped(new ConnStateRead(p)) // CSR read of connection state, through the pipeline
    val counters = Output(Vec(2, UInt(64.W))) // ACKs above sndMax, ACKs below sndUna
    val init = Input(Valid(UInt(p.connIdxBits.W)))
    val now = Input(UInt(PortWidths.Time.W)) // cycles since reset (VtoeAdapter's, which counts while this unit's clock is stopped)
    val busy = Output(Bool()) // this unit may change state in this cycle (VtoeAdapter's clock gate)
    // The timer wheel's own clock (VtoeAdapter's): it runs with the unit's, and on its own in the cycles a
    // slot is due to open (wheelDue), which with no timer due changes nothing but the wheel.
    val wheelClock = Input(Clock())
    val wheelDue = Output(Bool())
  })
  val R = p.retained
  // Every output leaves through a queue, so whether an op can run depends only on queue state.
  val jobQ = Module(new Queue(new Job(p), 2))
  val completionQ = Module(new Queue(new Completion, 4))
  val releaseQ = Module(new Queue(new Release, 2))
  val eventQ = Module(new Queue(new AdapterEvent, 2))
  val traceQ = Module(new Queue(new TraceRec, 8))
  io.job <> jobQ.io.deq
  io.completion <> completionQ.io.deq
  io.release <> releaseQ.io.deq
  io.event <> eventQ.io.deq
  io.trace <> traceQ.io.deq
  val job = jobQ.io.enq
  val completion = completionQ.io.enq
  val release = releaseQ.io.enq
  val event = eventQ.io.enq
  val trace = traceQ.io.enq
  val st = SyncReadMem(p.numConns, new ConnState(p))
  val ring = SyncReadMem(p.numConns * R, new RingEntry)
  def ringAddr(conn: UInt, idx: UInt): UInt = Cat(conn, idx(p.ringBits - 1, 0))

  val now = io.now
  // Flags other blocks and the descriptor admission look up by connection, one bit per connection in
  // its own memory: a lookup or an update costs the same whatever numConns.
  val activeM = Mem(p.numConns, Bool())
  val busyM = Mem(p.numConns, Bool())
  val ringFullM = Mem(p.numConns, Bool())
  val unaM = Mem(p.numConns, UInt(32.W))
  val epochM = Mem(p.numConns, UInt(Epoch.Bits.W)) // the retransmission epoch, for the framer's check (finding F3)
  /** The ring pointers stage 0 needs to address the entries an op reads (a copy of the state's). */
  class RingPtrs extends Bundle {
    val head = UInt((p.ringBits + 1).W)
    val cursor = UInt((p.ringBits + 1).W)
    val drainPtr = UInt((p.ringBits + 1).W)
    val fastRetx = Bool()
  }
  def ptrsOf(s: ConnState): RingPtrs = {
    val r = Wire(new RingPtrs)
    r.head := s.head
    r.cursor := s.cursor
    r.drainPtr := s.drainPtr
    r.fastRetx := s.fastRetx
    r
  }
  val ptrM = Mem(p.numConns, new RingPtrs)
  for (q <- io.activeQ) q.flag := activeM(q.conn)
  io.unaQ.una := unaM(io.unaQ.conn)
  io.unaQ.epoch := epochM(io.unaQ.conn)
  io.busyQ.flag := busyM(io.busyQ.conn)
  val ackAbove = RegInit(0.U(64.W))
  val ackOld = RegInit(0.U(64.W))
  io.counters := VecInit(ackAbove, ackOld)

  // Connections with work, in queues instead of bit vectors scanned by priority encoders (Corundum's
  // tx_scheduler_rr keeps its active queues the same way). Stage 0 pops the head it serves; stage 1
  // puts the connection back at the tail while it still needs that op. Send queue: a connection is
  // queued when it becomes eligible and re-queued after each segment while it stays eligible, which is
  // round robin; one that is no longer eligible when it reaches the head is dropped (SKIP, traced).
  // Retire and drain queues: a connection is queued when it starts to need that op and re-queued after
  // each one while it still does; an entry found stale is dropped in one untraced cycle. A connection
  // is in each queue at most once (ConnState's *Queued flags), so numConns entries always suffice.
  val sendQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))
  val retireQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))
  val drainQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))

  // Free tags, in the order they were freed (the model keeps the same queue).
  val ftQ = RegInit(VecInit((0 until p.tags).map(_.U(p.tagBits.W))))
  val ftHead = RegInit(0.U(p.tagBits.W))
  val ftTail = RegInit(0.U(p.tagBits.W))
  val ftCount = RegInit(p.tags.U(log2Ceil(p.tags + 1).W))
  def wrapInc(x: UInt): UInt = Mux(x === (p.tags - 1).U, 0.U, x + 1.U)

  val wheel = withClock(io.wheelClock) { Module(new TimerWheel(p)) }
  io.wheelDue := wheel.io.due
  wheel.io.now := now

  /** Which op stage 0 hands to stage 1 (at most one). */
  class StageOp extends Bundle {
    val csr = Bool() // CSR read of the state: no change, no trace
    val drain = Bool()
    val fault = Bool()
    val tagDone = Bool()
    val retire = Bool()
    val ctl = Bool()
    val ack = Bool()
    val desc = Bool()
    val walk = Bool() // the timer wheel's next connection
    val send = Bool() // the send queue's head: a segment, or a skip
  }
  /** And with it: the op's connection, its input and the addresses it read (no reset: only read with an op). */
  class Stage extends Bundle {
    val conn = UInt(p.connIdxBits.W)
    val faultIn = new TagFault(p)
    val tagDoneIn = new TagDone(p)
    val ctlIn = new ConnCtl(p)
    val ackIn = new AckInfo(p)
    val descIn = new FetchedDesc
    val descPark = Bool() // stage 0 told the fetch the descriptor is parked
    val addrA = UInt((p.connIdxBits + p.ringBits).W)
    val addrB = UInt((p.connIdxBits + p.ringBits).W)
    val ptrs = new RingPtrs
  }
  val s1k = RegInit(0.U.asTypeOf(new StageOp))
  val s1 = Reg(new Stage)
  val s1Op = s1k.drain || s1k.fault || s1k.tagDone || s1k.retire || s1k.ctl || s1k.ack || s1k.desc || s1k.walk || s1k.send
  val fin = Wire(new ConnState(p)) // the state stage 1 writes in this cycle, when s1Op
  /** From stage 1's result when stage 1 changes that connection in this cycle, else from the memory. */
  def fwd[T <: Data](conn: UInt, fromStage1: T, fromMem: T): T = Mux(s1Op && s1.conn === conn, fromStage1, fromMem)
  /** Room in an output queue for one more entry besides the one stage 1 may be adding now. */
  def room(q: Queue[_ <: Data], stage1Adds: Bool): Bool = q.io.count +& stage1Adds.asUInt < q.entries.U

  // ---- stage 0: choose this cycle's operation, take its input, present its addresses ----
  // Nothing runs during the reset sweeps: the memories hold garbage until they are cleared.
  val run = !io.init.valid && wheel.io.ready
  val tr = run && room(traceQ, s1Op)
  val pickCsr = run && io.stateRd.req.valid
  val releaseRoom = room(releaseQ, s1k.drain || s1k.desc)
  val eventRoom = room(eventQ, s1k.fault || s1k.walk)
  val pickDrain = !pickCsr && drainQ.io.deq.valid && releaseRoom && tr
  val pickFault = !pickCsr && !pickDrain && io.fault.valid && eventRoom && tr
  val pickTagDone = !pickCsr && !pickDrain && !pickFault && io.tagDone.valid && tr
  val pickRetire = !pickCsr && !pickDrain && !pickFault && !pickTagDone && retireQ.io.deq.valid &&
    room(completionQ, s1k.retire) && tr
  val higher1 = pickCsr || pickDrain || pickFault || pickTagDone || pickRetire
  val pickCtl = !higher1 && io.ctl.valid && tr
  val pickAck = !higher1 && !pickCtl && io.ack.valid && tr
  val descConn = io.desc.bits.conn(p.connIdxBits - 1, 0)
  val descFull = fwd(descConn, fin.tail - fin.head === R.U, ringFullM(descConn))
  val descActive = fwd(descConn, fin.state === ConnStateCode.Active.U, activeM(descConn))
  // A descriptor is always taken: into the ring, dropped (not active), or parked (ring full). Parked,
  // the fetch keeps the chain's place and goes on with other connections (no head-of-line blocking);
  // this unit wakes the connection once its ring has room.
  val pickDesc = !higher1 && !pickCtl && !pickAck && io.desc.valid && releaseRoom && tr
  io.descParked := descFull && descActive
  val higher2 = higher1 || pickCtl || pickAck || pickDesc
  // The wheel's next connection goes before the send queue even while it waits for room for an event,
  // so that no segment is ever cut while a timer waits to be looked at (the lockstep model checks it).
  val walk = wheel.io.walk
  val pickWalk = !higher2 && walk.valid && eventRoom && tr
  // The send queue's head gets the cycle when nothing else runs and a tag and room for a job are there;
  // stage 1 cuts a segment if it is still eligible, or else drops it from the queue.
  val pickSend = !higher2 && !walk.valid && sendQ.io.deq.valid && ftCount > s1k.send.asUInt && room(jobQ, s1k.send) && tr
  val pickConn = PriorityMux(Seq(
    pickCsr -> io.stateRd.req.bits,
    pickDrain -> drainQ.io.deq.bits,
    pickFault -> io.fault.bits.conn,
    pickTagDone -> io.tagDone.bits.conn,
    pickRetire -> retireQ.io.deq.bits,
    pickCtl -> io.ctl.bits.conn,
    pickAck -> io.ack.bits.conn,
    pickDesc -> descConn,
    pickWalk -> walk.bits,
    true.B -> sendQ.io.deq.bits
  ))
  val ptrs = fwd(pickConn, ptrsOf(fin), ptrM(pickConn))
  val ringIdxA = Mux(pickDrain, ptrs.drainPtr, Mux(pickSend && !ptrs.fastRetx, ptrs.cursor, ptrs.head))
  val addrA = ringAddr(pickConn, ringIdxA)
  val addrB = ringAddr(pickConn, ptrs.head + 1.U)
  val stRead = st.read(pickConn)
  val entryARead = ring.read(addrA)
  val entryBRead = ring.read(addrB)
  io.cfg.conn := io.ctl.bits.conn
  io.stateRd.req.ready := pickCsr
  io.ctl.ready := pickCtl
  io.ack.ready := pickAck
  io.desc.ready := pickDesc
  io.fault.ready := pickFault
  io.tagDone.ready := pickTagDone
  sendQ.io.deq.ready := pickSend
  retireQ.io.deq.ready := pickRetire
  drainQ.io.deq.ready := pickDrain
  s1k.csr := pickCsr
  s1k.drain := pickDrain
  s1k.fault := pickFault
  s1k.tagDone := pickTagDone
  s1k.retire := pickRetire
  s1k.ctl := pickCtl
  s1k.ack := pickAck
  s1k.desc := pickDesc
  s1k.walk := pickWalk
  s1k.send := pickSend
  s1.conn := pickConn
  s1.faultIn := io.fault.bits
  s1.tagDoneIn := io.tagDone.bits
  s1.ctlIn := io.ctl.bits
  s1.ackIn := io.ack.bits
  s1.descIn := io.desc.bits
  s1.descPark := io.descParked
  s1.addrA := addrA
  s1.addrB := addrB
  s1.ptrs := ptrs

  // ---- stage 1: the op on the state read in stage 0 ----
  // A synchronous read in the cycle of a write to the same place is undefined: what was written in the
  // previous cycle comes from these registers instead (Corundum's read-data override).
  val lastWr = RegInit(0.U.asTypeOf(Valid(UInt(p.connIdxBits.W))))
  val lastWrData = Reg(new ConnState(p))
  val lastRingWr = RegInit(0.U.asTypeOf(Valid(UInt((p.connIdxBits + p.ringBits).W))))
  val lastRingData = Reg(new RingEntry)
  val cur = Mux(lastWr.valid && lastWr.bits === s1.conn, lastWrData, stRead)
  val entryA = Mux(lastRingWr.valid && lastRingWr.bits === s1.addrA, lastRingData, entryARead)
  val entryB = Mux(lastRingWr.valid && lastRingWr.bits === s1.addrB, lastRingData, entryBRead)
  val opConn = s1.conn
  val doDrain = s1k.drain
  val doFault = s1k.fault
  val doTagDone = s1k.tagDone
  val doRetire = s1k.retire
  val doCtl = s1k.ctl
  val doAck = s1k.ack
  val doDesc = s1k.desc
  val doWalk = s1k.walk
  // What stage 0 told the fetch, from the same state (forwarded there as here).
  val descPark = cur.state === ConnStateCode.Active.U && cur.tail - cur.head === R.U
  val headEligible = Segmenter.eligible(cur)
  val doSeg = s1k.send && headEligible
  val doSkip = s1k.send && !headEligible
  val anyOp = s1Op

  val seg = Module(new Segmenter(p))
  seg.io.cur := cur
  seg.io.entry := entryA
  val rfsm = Module(new RetransmitFsm(p))
  rfsm.io.cur := cur
  rfsm.io.headEntry := entryA
  rfsm.io.ack := s1.ackIn
  rfsm.io.now := now

  /** Arms, re-arms or stops the timer: it runs while data that has left is unacknowledged (RFC 6298
    * 5.1, 5.2: armed by the frame, not by the decision to send it) or a closed window holds data back
    * and no frame of the connection is still being made (a probe waits for the one before it to leave,
    * and the timer then starts from that frame). */
  def timerRule(n: ConnState, restart: Bool): ConnState = {
    val out = WireDefault(n)
    val onWire = (n.sndUna - n.sentEnd)(31) // sndUna < sentEnd, modulo 2^32
    val want = n.state === ConnStateCode.Active.U &&
      (onWire || (n.peerWnd === 0.U && n.fetchedEnd =/= n.sndNxt && n.tagsInFlight === 0.U))
    when(!want) {
      out.timerOn := false.B
    }.elsewhen(!n.timerOn || restart) {
      out.timerOn := true.B
      out.deadline := (now + (n.rto.pad(PortWidths.Time) << n.backoff))(PortWidths.Time - 1, 0)
    }
    out
  }
  def stopped(n: ConnState): ConnState = {
    val out = WireDefault(n)
    when(n.state === ConnStateCode.Active.U) {
      out.state := ConnStateCode.Stopped.U
      out.timerOn := false.B
      out.fastRetx := false.B
      out.probe := false.B
      out.retirePending := false.B
      // A PREPINNED block is given back only once no tag of the connection is in flight: a segment
      // already cut may still read any block it spans, so the drain waits for the last TAG_DONE.
      out.draining := n.mode === 2.U && n.head =/= n.tail && n.tagsInFlight === 0.U
      out.drainPtr := n.head
    }
    out
  }

  val next = WireDefault(cur)
  val wheelInsert = Wire(Bool()) // the op's connection goes into the timer wheel (see below)
  val wheelKey = Wire(UInt(PortWidths.Time.W)) // the number of the slot it goes into
  val tr0 = Wire(new TraceRec)
  tr0 := 0.U.asTypeOf(new TraceRec)
  tr0.conn := opConn
  tr0.time := now
  val traced = WireDefault(anyOp)
  job.valid := false.B
  job.bits := DontCare
  completion.valid := false.B
  completion.bits := DontCare
  release.valid := false.B
  release.bits := DontCare
  event.valid := false.B
  event.bits := DontCare
  val ringWrite = WireDefault(false.B)
  val ringWriteIdx = WireDefault(cur.tail)
  val ringWriteData = WireDefault(entryA)

  when(doDrain && !cur.draining) {
    traced := false.B // a stale entry of the drain queue: it only leaves the queue
  }.elsewhen(doDrain) {
    val e = entryA
    val more = cur.drainPtr + 1.U =/= cur.tail
    next.drainPtr := cur.drainPtr + 1.U
    next.draining := more
    release.valid := !e.releaseIssued
    release.bits.tag := 0.U
    release.bits.conn := opConn
    release.bits.va := e.va
    release.bits.len := e.size
    release.bits.prepinned := true.B
    tr0.op := Op.Drain.U
    tr0.tag := !e.releaseIssued // 1: released now; 0: its last segment was cut and releases it
    tr0.seq := e.seq
    tr0.len := e.size
    tr0.aux := e.va
  }.elsewhen(doFault) {
    val f = s1.faultIn
    next := stopped(cur)
    event.valid := true.B
    event.bits.conn := opConn
    event.bits.code := f.code
    event.bits.detail := f.detail
    tr0.op := Op.Fault.U
    tr0.tag := f.tag
    tr0.aux := f.code
  }.elsewhen(doTagDone) {
    val t = s1.tagDoneIn
    val n = WireDefault(cur)
    n.tagsInFlight := cur.tagsInFlight - 1.U
    when(cur.lastTagValid && cur.lastTag === t.tag) { n.lastTagValid := false.B }
    // The last tag of a stopped PREPINNED connection is done: now its blocks may be drained.
    when(cur.state === ConnStateCode.Stopped.U && cur.mode === 2.U && cur.tagsInFlight === 1.U) {
      n.draining := cur.drainPtr =/= cur.tail
    }
    // The frame has left: the timer starts now if it is not running (RFC 6298 5.1). A go-back's
    // frames end below sentEnd and leave it alone.
    when(t.sent && (cur.sentEnd - t.seqEnd)(31)) { n.sentEnd := t.seqEnd }
    // A retransmission of this epoch has reached the wire: its decision stands, even across ACKs.
    when(t.sent && t.retx && t.epoch === cur.epoch) {
      n.passPending := false.B
      n.fastPending := false.B
    }
    next := timerRule(n, false.B)
    tr0.op := Op.TagDone.U
    tr0.tag := t.tag
    tr0.seq := t.seqEnd
    tr0.aux := t.sent
  }.elsewhen(doRetire && !cur.retirePending) {
    traced := false.B // a stale entry of the retire queue (the connection stopped): it only leaves the queue
  }.elsewhen(doRetire) {
    val e = entryA
    val end = e.seq + e.size
    val newHead = cur.head + 1.U
    next.head := newHead
    when(cur.cursor === cur.head) { next.cursor := newHead }
    when(cur.maxCursor === cur.head) { next.maxCursor := newHead }
    next.retirePending := newHead =/= cur.tail && (cur.sndUna - (entryB.seq + entryB.size))(31) === 0.U
    completion.valid := true.B
    completion.bits.conn := opConn
    completion.bits.ackedSeq := end
    completion.bits.descVa := e.descVa
    tr0.op := Op.Retire.U
    tr0.seq := end
    tr0.aux := e.descVa
  }.elsewhen(doCtl) {
    when(s1.ctlIn.open) {
      // The configuration memory answers the stage-0 read now; the CTRL write that opens, made in
      // stage 0's cycle, changed only enabled and mode, which come from the op itself.
      val c = io.cfg.cfg
      val o = WireDefault(0.U.asTypeOf(new ConnState(p)))
      o.state := ConnStateCode.Active.U
      o.mode := s1.ctlIn.mode // the CTRL write that opens stores the mode in this very cycle
      o.sndUna := c.iss
      o.sndNxt := c.iss
      o.sndMax := c.iss
      o.fetchedEnd := c.iss
      o.recover := c.iss
      o.sentEnd := c.iss
      o.peerWnd := c.peerWnd
      o.wndShift := c.sndWndShift
      o.mss := c.mss
      o.rto := c.rto
      next := timerRule(o, false.B)
      tr0.op := Op.Open.U
      tr0.seq := c.iss
      tr0.len := c.peerWnd
      tr0.aux := Cat(c.rto, c.mss)
    }.otherwise {
      next := stopped(cur)
      tr0.op := Op.Stop.U
      tr0.aux := 0.U
    }
  }.elsewhen(doAck) {
    val a = s1.ackIn
    next := timerRule(rfsm.io.ackNext, rfsm.io.ackRestart)
    when(rfsm.io.ackResult === AckResult.Above.U) { ackAbove := ackAbove + 1.U }
    when(rfsm.io.ackResult === AckResult.Old.U) { ackOld := ackOld + 1.U }
    tr0.op := Op.Ack.U
    tr0.seq := a.ack
    tr0.len := a.wnd
    tr0.aux := Cat(rfsm.io.ackNext.dupAcks, rfsm.io.ackResult)
  }.elsewhen(doDesc && descPark) {
    // Ring full: the fetch keeps the chain and offers this descriptor again after the wake (below).
    tr0.op := Op.Desc.U
    tr0.tag := 2.U
    tr0.seq := s1.descIn.seq
    tr0.len := s1.descIn.size
    tr0.aux := s1.descIn.descVa
  }.elsewhen(doDesc) {
    val d = s1.descIn
    val take = cur.state === ConnStateCode.Active.U
    when(take) {
      val e = Wire(new RingEntry)
      e.descVa := d.descVa
      e.va := d.va
      e.pa := d.pa
      e.size := d.size
      e.seq := d.seq
      e.releaseIssued := false.B
      ringWrite := true.B
      ringWriteIdx := cur.tail
      ringWriteData := e
      val n = WireDefault(cur)
      n.tail := cur.tail + 1.U
      n.fetchedEnd := d.seq + d.size
      next := timerRule(n, false.B)
    }.otherwise {
      // Stopped meanwhile: a PREPINNED block was pinned for us and must be given back.
      release.valid := cur.mode === 2.U
      release.bits.tag := 0.U
      release.bits.conn := opConn
      release.bits.va := d.va
      release.bits.len := d.size
      release.bits.prepinned := true.B
    }
    tr0.op := Op.Desc.U
    tr0.tag := !take
    tr0.seq := d.seq
    tr0.len := d.size
    tr0.aux := d.descVa
  }.elsewhen(doWalk) {
    // The wheel's next connection: due now, or not yet (it goes back, see below), or its timer stopped.
    val due = RetransmitFsm.due(cur, now)
    when(due) {
      when(rfsm.io.timerStop) {
        next := stopped(cur)
        event.valid := true.B
        event.bits.conn := opConn
        event.bits.code := EventCode.RetryLimit.U
        event.bits.detail := cur.sndUna
      }.otherwise {
        next := timerRule(rfsm.io.timerNext, true.B)
      }
      tr0.op := Op.Timer.U
      tr0.aux := Cat(rfsm.io.timerNext.retries, rfsm.io.timerNext.backoff, rfsm.io.timerKind)
    }.otherwise {
      tr0.op := Op.Wheel.U
      tr0.tag := wheelInsert
      tr0.aux := Mux(wheelInsert, wheelKey, 0.U)
    }
  }.elsewhen(doSeg) {
    val tag = ftQ(ftHead)
    val n = WireDefault(seg.io.next)
    n.tagsInFlight := cur.tagsInFlight + 1.U
    n.lastTag := tag
    n.lastTagValid := true.B
    next := timerRule(n, false.B)
    when(seg.io.releaseBlock) {
      ringWrite := true.B
      ringWriteIdx := cur.cursor
      val e = WireDefault(entryA)
      e.releaseIssued := true.B
      ringWriteData := e
    }
    val j = job.bits
    job.valid := true.B
    j.tag := tag
    j.conn := opConn
    j.seq := seg.io.seq
    j.len := seg.io.len
    j.va := seg.io.va
    j.pa := seg.io.pa
    j.kind := seg.io.kind
    j.mode := cur.mode
    j.psh := seg.io.psh
    j.prepinned := seg.io.prepinned
    j.releaseBlock := seg.io.releaseBlock
    j.blockVa := entryA.va
    j.blockSize := entryA.size
    j.hasPrev := cur.lastTagValid
    j.prevTag := cur.lastTag
    j.epoch := cur.epoch
    tr0.op := Op.Seg.U
    tr0.tag := tag
    tr0.seq := seg.io.seq
    tr0.len := seg.io.len
    tr0.aux := Cat(seg.io.releaseBlock, seg.io.prepinned, seg.io.psh, seg.io.kind)
  }.elsewhen(doSkip) {
    tr0.op := Op.Skip.U
  }

  trace.valid := anyOp && traced
  trace.bits := tr0

  // ---- the timer wheel: a connection whose timer runs is in it, once ----
  // A new entry goes into the slot after the one holding min(deadline, base + rto): never later than G
  // cycles past any deadline the timer can get before that slot comes up (each is at least now + rto),
  // and never earlier than the slot after base, so it is not looked at again in the slot being walked.
  // The base is now, for a connection the walk puts back too: keyed from the walked slot's first cycle
  // instead, a walk that had fallen behind put connections back into slots it would reach at once, looked
  // at them again and fell further behind (TimerWheelModelTest: expiries a revolution late with ~190
  // connections). The slot after now's is never the one being walked, which is at or before now's.
  val inWheel = cur.inWheel && !doWalk // a walk step has taken it out of its list
  wheelInsert := anyOp && next.timerOn && !inWheel
  val base = now
  val notBefore = Mux(next.deadline > base, next.deadline, base)
  val latest = base + next.rto.pad(PortWidths.Time)
  val wheelAt = Mux(notBefore < latest, notBefore, latest)
  wheelKey := (wheelAt >> log2Ceil(p.timerSlotCycles)) + 1.U
  wheel.io.insert.valid := wheelInsert
  wheel.io.insert.bits.slot := wheelKey(p.timerSlotBits - 1, 0)
  wheel.io.insert.bits.conn := opConn
  wheel.io.stepped.valid := doWalk
  wheel.io.stepped.bits.valid := cur.wheelNextValid
  wheel.io.stepped.bits.bits := cur.wheelNext

  // ---- queue membership: the op's connection goes back to a queue it was served from, or joins one it now needs ----
  // From cur, not next: OPEN starts from a fresh state, but an old entry of the connection may still be queued.
  val inSend = cur.sendQueued && !s1k.send
  val inRetire = cur.retireQueued && !doRetire
  val inDrain = cur.drainQueued && !doDrain
  sendQ.io.enq.valid := anyOp && Segmenter.eligible(next) && !inSend
  retireQ.io.enq.valid := anyOp && next.retirePending && !inRetire
  drainQ.io.enq.valid := anyOp && next.draining && !inDrain
  sendQ.io.enq.bits := opConn
  retireQ.io.enq.bits := opConn
  drainQ.io.enq.bits := opConn
  // A connection whose chain is parked is woken once, by the first op after which its ring has room
  // (a RETIRE) or it is no longer active (STOP, FAULT, the retry limit): the fetch then resumes the chain.
  val nextRingFull = next.tail - next.head === R.U
  val wakeNow = anyOp && cur.parked && (next.state =/= ConnStateCode.Active.U || !nextRingFull)
  io.wake.valid := wakeNow
  io.wake.bits := opConn
  fin := next
  fin.parked := Mux(doDesc && descPark, true.B, cur.parked && !wakeNow)
  fin.sendQueued := inSend || sendQ.io.enq.valid
  fin.retireQueued := inRetire || retireQ.io.enq.valid
  fin.drainQueued := inDrain || drainQ.io.enq.valid
  fin.inWheel := inWheel || wheelInsert
  fin.wheelNextValid := Mux(wheelInsert, wheel.io.insertNext.valid, cur.wheelNextValid)
  fin.wheelNext := Mux(wheelInsert, wheel.io.insertNext.bits, cur.wheelNext)

  when(io.init.valid) {
    st.write(io.init.bits, 0.U.asTypeOf(new ConnState(p)))
    activeM.write(io.init.bits, false.B)
    busyM.write(io.init.bits, false.B)
    ringFullM.write(io.init.bits, false.B)
    unaM.write(io.init.bits, 0.U)
    epochM.write(io.init.bits, 0.U)
    ptrM.write(io.init.bits, 0.U.asTypeOf(new RingPtrs))
  }.elsewhen(anyOp) {
    st.write(opConn, fin)
    activeM.write(opConn, fin.state === ConnStateCode.Active.U)
    busyM.write(opConn, fin.tagsInFlight =/= 0.U || fin.draining || fin.retirePending)
    ringFullM.write(opConn, (fin.tail - fin.head) === R.U)
    unaM.write(opConn, fin.sndUna)
    epochM.write(opConn, fin.epoch)
    ptrM.write(opConn, ptrsOf(fin))
  }
  lastWr.valid := anyOp
  lastWr.bits := opConn
  lastWrData := fin
  val ringWriteAddr = ringAddr(opConn, ringWriteIdx)
  when(ringWrite) { ring.write(ringWriteAddr, ringWriteData) }
  lastRingWr.valid := ringWrite
  lastRingWr.bits := ringWriteAddr
  lastRingData := ringWriteData
  when(doSeg) {
    ftHead := wrapInc(ftHead)
  }
  when(doTagDone) {
    ftQ(ftTail) := s1.tagDoneIn.tag
    ftTail := wrapInc(ftTail)
  }
  ftCount := ftCount + doTagDone.asUInt - doSeg.asUInt

  // Work for the clock: an op in stage 1 (a CSR read too), one stage 0 may pick (every input and queue
  // it picks from), the wheel, the reset sweep, or an output waiting to be taken. With none of these,
  // no register or memory of this unit is written (stage 1's registers take stage 0's idle values).
  io.busy := s1k.asUInt.orR || wheel.io.busy || io.init.valid || io.stateRd.req.valid || io.ctl.valid ||
    io.desc.valid || io.ack.valid || io.fault.valid || io.tagDone.valid || sendQ.io.deq.valid ||
    retireQ.io.deq.valid || drainQ.io.deq.valid || jobQ.io.deq.valid || completionQ.io.deq.valid ||
    releaseQ.io.deq.valid || eventQ.io.deq.valid || traceQ.io.deq.valid
  io.stateRd.resp.valid := s1k.csr
  io.stateRd.resp.bits(0) := Cat(cur.tagsInFlight =/= 0.U || cur.draining || cur.retirePending, cur.tagsInFlight.pad(8), 0.U(6.W),
    cur.state)
  io.stateRd.resp.bits(1) := cur.sndUna
  io.stateRd.resp.bits(2) := cur.sndNxt
  io.stateRd.resp.bits(3) := cur.sndMax

  when(doSeg) { assert(Segmenter.eligible(cur), "ConnStateUnit cut a segment for a connection with nothing to send") }
  when(doSeg) { assert(seg.io.len =/= 0.U && seg.io.len <= cur.mss, "Segmenter cut an empty or oversized segment") }
  assert(ftCount <= p.tags.U, "more free tags than tags")
  assert(!sendQ.io.enq.valid || sendQ.io.enq.ready, "send queue full: a connection was queued twice")
  assert(!retireQ.io.enq.valid || retireQ.io.enq.ready, "retire queue full: a connection was queued twice")
  assert(!drainQ.io.enq.valid || drainQ.io.enq.ready, "drain queue full: a connection was queued twice")
  assert((!job.valid || job.ready) && (!completion.valid || completion.ready) && (!release.valid || release.ready) &&
    (!event.valid || event.ready) && (!trace.valid || trace.ready), "stage 1 found no room for an output stage 0 reserved")
  when(anyOp) {
    assert(s1.ptrs.asUInt === ptrsOf(cur).asUInt, "stage 0 addressed the ring with pointers other than the state's")
    assert(!fin.timerOn || fin.inWheel, "a running timer outside the timer wheel")
  }
  when(doWalk) { assert(cur.inWheel, "the timer wheel walked a connection that is not in it") }
  when(doDesc) { assert(descPark === s1.descPark, "stage 0 and stage 1 disagree on whether a descriptor is parked") }
  when(doDesc && descPark) { assert(!cur.parked, "a second chain parked on one connection") }
  when(s1k.send) { assert(cur.sendQueued, "the send queue served a connection not marked as queued") }
  when(doRetire) { assert(cur.retireQueued, "the retire queue served a connection not marked as queued") }
  when(doDrain) { assert(cur.drainQueued, "the drain queue served a connection not marked as queued") }
}
