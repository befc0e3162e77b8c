package vtoe.rtl

import chisel3._
import chisel3.util._

/** The single owner of every connection's transmit state and retained ring. At most one operation per
  * cycle changes a connection (see [[Op]]): drain > fault > tag done > retire > open/stop > ACK >
  * descriptor > timer > segment (or skip), each taken only when its outputs have room. Connections
  * with work wait in queues (send, retire, drain), so choosing one costs the same whatever numConns. A stopped PREPINNED
  * connection drains (releases) its blocks only after its last tag in flight is done, so the DMA
  * engine never reads a block the host has already unpinned. Every change goes out
  * on the trace, so the lockstep model follows the RTL's timing decisions exactly and checks them.
  *
  * Trade-off: one state read and write per cycle keeps the per-connection state in single-ported
  * memories (cheap at 1024 connections) and makes the order of changes explicit; control operations
  * are a few per 1500-byte frame, far below one per cycle.
  */
class ConnStateUnit(p: AdapterParams) extends Module {
  override def desiredName = "ConnStateUnit"
  val io = IO(new Bundle {
    val ctl = Flipped(Decoupled(new ConnCtl(p))) // open / stop from CsrFile
    val cfg = Flipped(new CfgReadPort(p)) // configuration of the connection being opened
    val desc = Flipped(Decoupled(new FetchedDesc)) // from DescriptorFetch
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
    val stateConn = Input(UInt(p.connIdxBits.W)) // CSR read of connection state
    val stateData = Output(Vec(4, UInt(64.W)))
    val counters = Output(Vec(2, UInt(64.W))) // ACKs above sndMax, ACKs below sndUna
    val init = Input(Valid(UInt(p.connIdxBits.W)))
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
  val st = Mem(p.numConns, new ConnState(p))
  val ring = Mem(p.numConns * R, new RingEntry)
  def ringAddr(conn: UInt, idx: UInt): UInt = Cat(conn, idx(p.ringBits - 1, 0))

  val now = RegInit(0.U(PortWidths.Time.W))
  now := now + 1.U
  // Flags other blocks and the descriptor admission look up by connection, one bit per connection in
  // its own memory: a lookup or an update costs the same whatever numConns.
  val activeM = Mem(p.numConns, Bool())
  val busyM = Mem(p.numConns, Bool())
  val ringFullM = Mem(p.numConns, Bool())
  for (q <- io.activeQ) q.flag := activeM(q.conn)
  io.unaQ.una := st(io.unaQ.conn).sndUna
  io.unaQ.epoch := st(io.unaQ.conn).epoch
  io.busyQ.flag := busyM(io.busyQ.conn)
  val ackAbove = RegInit(0.U(64.W))
  val ackOld = RegInit(0.U(64.W))
  io.counters := VecInit(ackAbove, ackOld)

  // Connections with work, in queues instead of bit vectors scanned by priority encoders (Corundum's
  // tx_scheduler_rr keeps its active queues the same way). Send queue: a connection is queued when it
  // becomes eligible and re-queued after each segment while it stays eligible, which is round robin;
  // one that is no longer eligible when it reaches the head is dropped (SKIP, traced). Retire and
  // drain queues: a connection is queued when it starts to need that op and leaves when it no longer
  // does; an entry found stale at the head is dropped in one untraced cycle. A connection is in each
  // queue at most once (ConnState's *Queued flags), so numConns entries always suffice.
  val sendQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))
  val retireQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))
  val drainQ = Module(new Queue(UInt(p.connIdxBits.W), p.numConns))

  // Free tags, in the order they were freed (the model keeps the same queue).
  val ftQ = RegInit(VecInit((0 until p.tags).map(_.U(p.tagBits.W))))
  val ftHead = RegInit(0.U(p.tagBits.W))
  val ftTail = RegInit(0.U(p.tagBits.W))
  val ftCount = RegInit(p.tags.U(log2Ceil(p.tags + 1).W))
  def wrapInc(x: UInt): UInt = Mux(x === (p.tags - 1).U, 0.U, x + 1.U)

  // Timer scan: one connection looked at per cycle; a due one waits until served.
  val scan = RegInit(0.U(p.connIdxBits.W))
  val scanState = st(scan)
  val scanDue = RetransmitFsm.due(scanState, now)

  // ---- choose this cycle's operation ----
  // Nothing runs during the reset sweep: the state memory holds garbage until it is cleared.
  val tr = trace.ready && !io.init.valid
  val doDrain = drainQ.io.deq.valid && release.ready && tr
  val doFault = !doDrain && io.fault.valid && event.ready && tr
  val doTagDone = !doDrain && !doFault && io.tagDone.valid && tr
  val doRetire = !doDrain && !doFault && !doTagDone && retireQ.io.deq.valid && completion.ready && tr
  val higher1 = doDrain || doFault || doTagDone || doRetire
  val doCtl = !higher1 && io.ctl.valid && tr
  val doAck = !higher1 && !doCtl && io.ack.valid && tr
  val descConn = io.desc.bits.conn(p.connIdxBits - 1, 0)
  val descFits = !ringFullM(descConn) || !activeM(descConn)
  val doDesc = !higher1 && !doCtl && !doAck && io.desc.valid && descFits && release.ready && tr
  val higher2 = higher1 || doCtl || doAck || doDesc
  val doTimer = !higher2 && scanDue && event.ready && tr
  // The send queue's head gets the cycle when nothing else runs: a segment if it is still eligible
  // (and a tag and room for the job are there), or else it leaves the queue.
  val segSlot = !higher2 && !doTimer && sendQ.io.deq.valid && tr

  val opConn = PriorityMux(Seq(
    doDrain -> drainQ.io.deq.bits,
    doFault -> io.fault.bits.conn,
    doTagDone -> io.tagDone.bits.conn,
    doRetire -> retireQ.io.deq.bits,
    doCtl -> io.ctl.bits.conn,
    doAck -> io.ack.bits.conn,
    doDesc -> descConn,
    doTimer -> scan,
    true.B -> sendQ.io.deq.bits
  ))
  val cur = st(opConn)
  val headEligible = Segmenter.eligible(cur)
  val doSeg = segSlot && headEligible && ftCount =/= 0.U && job.ready
  val doSkip = segSlot && !headEligible
  val anyOp = higher2 || doTimer || doSeg || doSkip
  io.cfg.conn := io.ctl.bits.conn
  val ringIdxA = Mux(doDrain, cur.drainPtr, Mux(segSlot && !cur.fastRetx, cur.cursor, cur.head))
  val entryA = ring(ringAddr(opConn, ringIdxA))
  val entryB = ring(ringAddr(opConn, cur.head + 1.U))

  val seg = Module(new Segmenter(p))
  seg.io.cur := cur
  seg.io.entry := entryA
  val rfsm = Module(new RetransmitFsm(p))
  rfsm.io.cur := cur
  rfsm.io.headEntry := entryA
  rfsm.io.ack := io.ack.bits
  rfsm.io.now := now

  /** Arms, re-arms or stops the timer: it runs while data that has left is unacknowledged (RFC 6298
    * 5.1, 5.2: armed by the frame, not by the decision to send it) or a closed window holds data back. */
  def timerRule(n: ConnState, restart: Bool): ConnState = {
    val out = WireDefault(n)
    val onWire = (n.sndUna - n.sentEnd)(31) // sndUna < sentEnd, modulo 2^32
    val want = n.state === ConnStateCode.Active.U &&
      (onWire || (n.peerWnd === 0.U && n.fetchedEnd =/= n.sndNxt))
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
    val f = io.fault.bits
    next := stopped(cur)
    event.valid := true.B
    event.bits.conn := opConn
    event.bits.code := f.code
    event.bits.detail := f.detail
    tr0.op := Op.Fault.U
    tr0.tag := f.tag
    tr0.aux := f.code
  }.elsewhen(doTagDone) {
    val t = io.tagDone.bits
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
    when(io.ctl.bits.open) {
      val c = io.cfg.cfg
      val o = WireDefault(0.U.asTypeOf(new ConnState(p)))
      o.state := ConnStateCode.Active.U
      o.mode := io.ctl.bits.mode // the CTRL write that opens stores the mode in this very cycle
      o.sndUna := c.iss
      o.sndNxt := c.iss
      o.sndMax := c.iss
      o.fetchedEnd := c.iss
      o.recover := c.iss
      o.sentEnd := c.iss
      o.peerWnd := c.peerWnd
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
    val a = io.ack.bits
    next := timerRule(rfsm.io.ackNext, rfsm.io.ackRestart)
    when(rfsm.io.ackResult === AckResult.Above.U) { ackAbove := ackAbove + 1.U }
    when(rfsm.io.ackResult === AckResult.Old.U) { ackOld := ackOld + 1.U }
    tr0.op := Op.Ack.U
    tr0.seq := a.ack
    tr0.len := a.wnd
    tr0.aux := Cat(rfsm.io.ackNext.dupAcks, rfsm.io.ackResult)
  }.elsewhen(doDesc) {
    val d = io.desc.bits
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
      release.bits.conn := descConn
      release.bits.va := d.va
      release.bits.len := d.size
      release.bits.prepinned := true.B
    }
    tr0.op := Op.Desc.U
    tr0.tag := !take
    tr0.seq := d.seq
    tr0.len := d.size
    tr0.aux := d.descVa
  }.elsewhen(doTimer) {
    // The scan saw an older state; check again on the current one.
    val due = RetransmitFsm.due(cur, now)
    traced := due
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
    }
    tr0.op := Op.Timer.U
    tr0.aux := Cat(rfsm.io.timerNext.retries, rfsm.io.timerNext.backoff, rfsm.io.timerKind)
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
  io.ctl.ready := doCtl
  io.ack.ready := doAck
  io.desc.ready := doDesc
  io.fault.ready := doFault
  io.tagDone.ready := doTagDone

  // ---- queue membership: the op's connection leaves a queue it was served from, and joins one it now needs ----
  sendQ.io.deq.ready := doSeg || doSkip
  retireQ.io.deq.ready := doRetire && !next.retirePending
  drainQ.io.deq.ready := doDrain && !next.draining
  // From cur, not next: OPEN starts from a fresh state, but an old entry of the connection may still be queued.
  val inSend = cur.sendQueued && !sendQ.io.deq.ready
  val inRetire = cur.retireQueued && !retireQ.io.deq.ready
  val inDrain = cur.drainQueued && !drainQ.io.deq.ready
  sendQ.io.enq.valid := anyOp && Segmenter.eligible(next) && !inSend
  retireQ.io.enq.valid := anyOp && next.retirePending && !inRetire
  drainQ.io.enq.valid := anyOp && next.draining && !inDrain
  sendQ.io.enq.bits := opConn
  retireQ.io.enq.bits := opConn
  drainQ.io.enq.bits := opConn
  val fin = WireDefault(next)
  fin.sendQueued := inSend || sendQ.io.enq.valid
  fin.retireQueued := inRetire || retireQ.io.enq.valid
  fin.drainQueued := inDrain || drainQ.io.enq.valid

  when(io.init.valid) {
    st.write(io.init.bits, 0.U.asTypeOf(new ConnState(p)))
    activeM.write(io.init.bits, false.B)
    busyM.write(io.init.bits, false.B)
    ringFullM.write(io.init.bits, false.B)
  }.elsewhen(anyOp) {
    st.write(opConn, fin)
    activeM.write(opConn, fin.state === ConnStateCode.Active.U)
    busyM.write(opConn, fin.tagsInFlight =/= 0.U || fin.draining || fin.retirePending)
    ringFullM.write(opConn, (fin.tail - fin.head) === R.U)
  }
  when(ringWrite) { ring.write(ringAddr(opConn, ringWriteIdx), ringWriteData) }
  when(doSeg) {
    ftHead := wrapInc(ftHead)
  }
  when(doTagDone) {
    ftQ(ftTail) := io.tagDone.bits.tag
    ftTail := wrapInc(ftTail)
  }
  ftCount := ftCount + doTagDone.asUInt - doSeg.asUInt
  when(!(scanDue && !doTimer)) { scan := scan + 1.U }

  val sq = st(io.stateConn)
  io.stateData(0) := Cat(sq.tagsInFlight =/= 0.U || sq.draining || sq.retirePending, sq.tagsInFlight.pad(8), 0.U(6.W), sq.state)
  io.stateData(1) := sq.sndUna
  io.stateData(2) := sq.sndNxt
  io.stateData(3) := sq.sndMax

  when(doSeg) { assert(Segmenter.eligible(cur), "ConnStateUnit cut a segment for a connection with nothing to send") }
  when(doSeg) { assert(seg.io.len =/= 0.U && seg.io.len <= cur.mss, "Segmenter cut an empty or oversized segment") }
  assert(ftCount <= p.tags.U, "more free tags than tags")
  assert(!sendQ.io.enq.valid || sendQ.io.enq.ready, "send queue full: a connection was queued twice")
  assert(!retireQ.io.enq.valid || retireQ.io.enq.ready, "retire queue full: a connection was queued twice")
  assert(!drainQ.io.enq.valid || drainQ.io.enq.ready, "drain queue full: a connection was queued twice")
}
