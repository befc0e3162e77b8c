package vtoe.rtl

import chisel3._
import chisel3.util._

/** Step 2 and 3 of the method for every cut segment: asks the host to identify the bytes
  * (m_hostreq, in segment order) and takes its answers (s_hostresp, any order across tags, beats of
  * different answers may interleave): PUSH data into the tag's staging slot, TRANSLATE extents to
  * the DmaEngine, FAULT to ConnStateUnit. PREPINNED first sends skip the host and go to the DmaEngine
  * with the descriptor's PA. Owns the tag table: which tags are complete, and the per-connection
  * chain that keeps frames of one connection in segment order.
  *
  * An answer that does not fit its request (beat count, extent lengths) stops the connection with
  * HOST_BAD_RESPONSE; an answer for a tag with nothing outstanding is dropped with
  * HOST_STRAY_RESPONSE. Either way every beat is consumed, so the host side never hangs.
  *
  * A cycle touches at most a few tags (one allocated, one answered, one written by the DmaEngine, one
  * finished), so the tag table is built for that: the per-tag records are memories, read and written
  * by index, and every per-tag flag is one bit of a vector, so that "complete" for all tags is one
  * vector expression. The bytes a tag still waits for count down from its length on both paths (PUSH
  * beats here, DMA beats from the DmaEngine), and its checksum sums both, so neither is added up
  * per tag in every cycle.
  */
class HostHandshake(p: AdapterParams) extends Module {
  override def desiredName = "HostHandshake"
  val T = p.tags
  val D = p.dataBytes
  val io = IO(new Bundle {
    val job = Flipped(Decoupled(new Job(p)))
    val hostreq = Decoupled(new HostReq(p))
    val resp = Flipped(Decoupled(new HostResp(p)))
    val extent = Decoupled(new Extent(p))
    val staging = Valid(new StagingWrite(p))
    val fault = Decoupled(new TagFault(p))
    val event = Decoupled(new AdapterEvent)
    val dmaIdle = Input(UInt(T.W)) // per tag: the DmaEngine has nothing waiting or outstanding
    val dmaErr = Input(UInt(T.W)) // per tag: a DMA read failed
    val dmaProgress = Flipped(Valid(new DmaProgress(p))) // payload the DmaEngine wrote this cycle
    val tagConn = Flipped(new TagConnQuery(p)) // the DmaEngine asks whose tag failed
    val finish = Flipped(Valid(UInt(p.tagBits.W))) // TxFramer is done with this tag
    val tags = Output(Vec(T, new TagView(p)))
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })

  /** What a tag was allocated with: written once per segment, read by index. */
  class Rec extends Bundle {
    val conn = UInt(p.connIdxBits.W)
    val seq = UInt(32.W)
    val len = UInt(32.W)
    val va = UInt(64.W)
    val mode = UInt(2.W)
    val psh = Bool()
    val prepinned = Bool()
    val releaseBlock = Bool()
    val blockVa = UInt(64.W)
    val blockSize = UInt(32.W)
    val retx = Bool() // a retransmission: the framer drops it once its connection's epoch has moved on
    val epoch = UInt(Epoch.Bits.W)
  }
  // One memory per field: the framer looks at every tag's view in every cycle, and a read of one
  // field is a word, where a read of the whole record copies all of it for the one field it wants.
  val recFields = (new Rec).elements.toSeq.map { case (name, d) => name -> Mem(T, d) }.toMap
  def rec(i: UInt): Rec = {
    val r = Wire(new Rec)
    r.elements.foreach { case (name, d) => d := recFields(name)(i) }
    r
  }
  val beatIdx = Mem(T, UInt(16.W)) // PUSH beats taken
  val extentSum = Mem(T, UInt(32.W)) // TRANSLATE extent bytes granted
  val left = Mem(T, UInt(32.W)) // len - pushed bytes - DMA bytes, modulo 2^32
  val cksum = Mem(T, UInt(32.W)) // pushed and DMA payload, summed
  val next = Mem(T, UInt(p.tagBits.W)) // the connection's next tag, while hasNext
  val inUse = RegInit(0.U(T.W)) // allocated, not finished
  val respDone = RegInit(0.U(T.W))
  val failed = RegInit(0.U(T.W))
  val hasGrant = RegInit(0.U(T.W))
  val waitPrev = RegInit(0.U(T.W))
  val hasNext = RegInit(0.U(T.W))
  val filled = RegInit(0.U(T.W)) // left === 0

  // ---- new jobs ----
  val reqQ = Module(new Queue(new HostReq(p), 4))
  io.hostreq <> reqQ.io.deq
  val j = io.job.bits
  val respWantsExtent = WireDefault(false.B)
  val jobNeedsExtent = j.prepinned
  io.job.ready := Mux(jobNeedsExtent, io.extent.ready && !respWantsExtent, reqQ.io.enq.ready)
  reqQ.io.enq.valid := io.job.valid && !jobNeedsExtent
  reqQ.io.enq.bits.tag := j.tag
  reqQ.io.enq.bits.conn := j.conn
  reqQ.io.enq.bits.va := j.va
  reqQ.io.enq.bits.len := j.len
  reqQ.io.enq.bits.kind := j.kind
  val finishing = io.finish.valid
  val alloc = io.job.fire
  val prevRunning = j.hasPrev && inUse(j.prevTag) && !(finishing && io.finish.bits === j.prevTag)
  when(alloc) {
    val n = Wire(new Rec)
    n.conn := j.conn
    n.seq := j.seq
    n.len := j.len
    n.va := j.va
    n.mode := j.mode
    n.psh := j.psh
    n.prepinned := j.prepinned
    n.releaseBlock := j.releaseBlock
    n.blockVa := j.blockVa
    n.blockSize := j.blockSize
    n.retx := j.kind === SegKind.Retx.U
    n.epoch := j.epoch
    n.elements.foreach { case (name, d) => recFields(name).write(j.tag, d) }
    beatIdx.write(j.tag, 0.U)
    extentSum.write(j.tag, 0.U)
    left.write(j.tag, j.len)
    cksum.write(j.tag, 0.U)
    when(prevRunning) { next.write(j.prevTag, j.tag) }
  }

  // ---- host answers ----
  val r = io.resp.bits
  val t = r.tag(p.tagBits - 1, 0)
  val e = rec(t)
  val eBeat = beatIdx(t)
  val eExtentSum = extentSum(t)
  val known = r.tag < T.U && inUse(t) && !respDone(t) && !e.prepinned
  val eFailed = failed(t)
  val isPush = e.mode === 0.U
  val fault = r.status =/= HostRespStatus.Ok.U
  val lenLeft = e.len - eExtentSum
  // PUSH beat
  val beatBase = eBeat * D.U
  val beatsNeeded = (e.len + (D - 1).U) / D.U
  val pushOver = (eBeat +& 1.U) > beatsNeeded
  val pushShort = r.last && (eBeat +& 1.U) =/= beatsNeeded
  // TRANSLATE extent beat
  val extBad = r.len === 0.U || r.len > lenLeft || (r.last && r.len =/= lenLeft)
  val badReason = Mux(isPush, BadResponse.BeatCount.U, BadResponse.ExtentLength.U)
  val isBad = known && !fault && !eFailed && Mux(isPush, pushOver || pushShort, extBad)
  val needFault = known && !eFailed && (fault || isBad)
  val needExtent = known && !fault && !eFailed && !isPush && !extBad
  respWantsExtent := io.resp.valid && needExtent
  val stray = !known
  io.resp.ready := Mux(stray, io.event.ready, (!needFault || io.fault.ready) && (!needExtent || io.extent.ready))

  io.extent.valid := (io.resp.valid && needExtent) || (io.job.valid && jobNeedsExtent && !respWantsExtent)
  io.extent.bits.tag := Mux(respWantsExtent, t, j.tag)
  io.extent.bits.conn := Mux(respWantsExtent, e.conn, j.conn)
  io.extent.bits.pa := Mux(respWantsExtent, r.pa, j.pa)
  io.extent.bits.len := Mux(respWantsExtent, r.len, j.len)
  io.extent.bits.dstOff := Mux(respWantsExtent, eExtentSum(log2Ceil(p.slotBytes + 1) - 1, 0), 0.U)

  io.fault.valid := io.resp.valid && needFault
  io.fault.bits.tag := t
  io.fault.bits.conn := e.conn
  io.fault.bits.code := Mux(fault, EventCode.HostFault.U, EventCode.HostBadResponse.U)
  io.fault.bits.detail := Mux(fault, e.va, Cat(badReason, t.pad(8)))

  io.event.valid := io.resp.valid && stray
  io.event.bits.conn := "hffff".U
  io.event.bits.code := EventCode.HostStrayResponse.U
  io.event.bits.detail := r.tag

  // PUSH data goes straight to staging, byte 0 of beat k at offset k * dataBytes.
  val lanes = VecInit((0 until D).map(i => r.data(8 * i + 7, 8 * i)))
  val laneOk = VecInit((0 until D).map(i => beatBase + i.U < e.len))
  val writePush = io.resp.fire && known && isPush && !fault && !eFailed && !pushOver
  io.staging.valid := writePush
  io.staging.bits.row := (t * p.rowsPerSlot.U + eBeat)(log2Ceil(p.stagingRows) - 1, 0)
  io.staging.bits.data := lanes
  io.staging.bits.mask := laneOk
  val beatSum = (0 until D).map(i => Mux(laneOk(i), lanes(i).pad(32) << (if (i % 2 == 0) 8 else 0), 0.U(32.W)))
    .reduce(_ +& _)
  val beatBytes = PopCount(laneOk)

  val answered = io.resp.fire && known
  // Both paths write a tag's count and checksum; never the same tag in one cycle (a PUSH tag has no DMA).
  val pushLeft = left(t) - beatBytes
  when(writePush) {
    beatIdx.write(t, eBeat + 1.U)
    left.write(t, pushLeft)
    cksum.write(t, (cksum(t) + beatSum)(31, 0))
  }
  when(answered && needExtent) { extentSum.write(t, eExtentSum + r.len) }
  val dp = io.dmaProgress
  val dmaLeft = left(dp.bits.tag) - dp.bits.bytes
  when(dp.valid) {
    left.write(dp.bits.tag, dmaLeft)
    cksum.write(dp.bits.tag, (cksum(dp.bits.tag) + dp.bits.cksum)(31, 0))
  }
  io.tagConn.conn := rec(io.tagConn.tag).conn

  // ---- the flags: allocation, then the answer, then the framer's finish (the last word wins) ----
  val finishHasNext = finishing && hasNext(io.finish.bits)
  val finishNext = next(io.finish.bits)
  val inUse1 = Mux(alloc, TagBits.set(inUse, j.tag, true.B), inUse)
  inUse := Mux(finishing, TagBits.set(inUse1, io.finish.bits, false.B), inUse1)
  val respDone1 = Mux(alloc, TagBits.set(respDone, j.tag, j.prepinned), respDone)
  respDone := Mux(answered && r.last, TagBits.set(respDone1, t, true.B), respDone1)
  val failed1 = Mux(alloc, TagBits.set(failed, j.tag, false.B), failed)
  failed := Mux(answered && (fault || isBad), TagBits.set(failed1, t, true.B), failed1)
  val hasGrant1 = Mux(alloc, TagBits.set(hasGrant, j.tag, false.B), hasGrant)
  hasGrant := Mux(answered && !isPush && !fault, TagBits.set(hasGrant1, t, true.B), hasGrant1)
  val hasNext1 = Mux(alloc, TagBits.set(hasNext, j.tag, false.B), hasNext)
  hasNext := Mux(alloc && prevRunning, TagBits.set(hasNext1, j.prevTag, true.B), hasNext1)
  val waitPrev1 = Mux(alloc, TagBits.set(waitPrev, j.tag, prevRunning), waitPrev)
  waitPrev := Mux(finishHasNext, TagBits.set(waitPrev1, finishNext, false.B), waitPrev1)
  val filled1 = Mux(alloc, TagBits.set(filled, j.tag, j.len === 0.U), filled)
  val filled2 = Mux(writePush, TagBits.set(filled1, t, pushLeft === 0.U), filled1)
  filled := Mux(dp.valid, TagBits.set(filled2, dp.bits.tag, dmaLeft === 0.U), filled2)

  // Work for the clock: a tag allocated (its flags and the framer move), a job, an answer, DMA payload,
  // a finish, a host request not yet taken. With no tag in use nothing here is written.
  io.busy := inUse.orR || io.job.valid || io.resp.valid || io.dmaProgress.valid || io.finish.valid || reqQ.io.deq.valid
  val failedAny = failed | io.dmaErr
  val complete = inUse & respDone & io.dmaIdle & (failedAny | filled)
  for (i <- 0 until T) {
    val x = rec(i.U)
    val v = io.tags(i)
    v.active := inUse(i)
    v.complete := complete(i)
    v.waitPrev := waitPrev(i)
    v.failed := failedAny(i)
    v.conn := x.conn
    v.seq := x.seq
    v.len := x.len
    v.va := x.va
    v.psh := x.psh
    v.retx := x.retx
    v.epoch := x.epoch
    v.hasGrant := hasGrant(i)
    v.releaseBlock := x.releaseBlock
    v.blockVa := x.blockVa
    v.blockSize := x.blockSize
    v.cksum := cksum(i.U)
  }

  when(writePush && dp.valid) { assert(t =/= dp.bits.tag, "HostHandshake: PUSH data and DMA data for one tag") }
  when(alloc && (answered || dp.valid)) {
    assert(!(answered && t === j.tag) && !(dp.valid && dp.bits.tag === j.tag),
      "HostHandshake: a tag written while it is allocated")
  }
}
