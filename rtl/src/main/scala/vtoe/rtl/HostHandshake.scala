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
    val dma = Input(Vec(T, new DmaTagStatus))
    val finish = Flipped(Valid(UInt(p.tagBits.W))) // TxFramer is done with this tag
    val tags = Output(Vec(T, new TagView(p)))
  })

  class Entry extends Bundle {
    val inUse = Bool() // allocated, not finished
    val job = new Job(p)
    val respDone = Bool()
    val failed = Bool()
    val beatIdx = UInt(16.W)
    val pushBytes = UInt(32.W)
    val pushCksum = UInt(32.W)
    val extentSum = UInt(32.W)
    val hasGrant = Bool()
    val waitPrev = Bool()
    val next = UInt(p.tagBits.W)
    val hasNext = Bool()
  }
  val tab = RegInit(VecInit(Seq.fill(T)(0.U.asTypeOf(new Entry))))

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
  when(io.job.fire) {
    val e = tab(j.tag)
    e.inUse := true.B
    e.job := j
    e.respDone := j.prepinned
    e.failed := false.B
    e.beatIdx := 0.U
    e.pushBytes := 0.U
    e.pushCksum := 0.U
    e.extentSum := 0.U
    e.hasGrant := false.B
    e.hasNext := false.B
    val prev = tab(j.prevTag)
    val prevRunning = j.hasPrev && prev.inUse && !(finishing && io.finish.bits === j.prevTag)
    e.waitPrev := prevRunning
    when(prevRunning) {
      prev.next := j.tag
      prev.hasNext := true.B
    }
  }

  // ---- host answers ----
  val r = io.resp.bits
  val t = r.tag(p.tagBits - 1, 0)
  val e = tab(t)
  val known = r.tag < T.U && e.inUse && !e.respDone && !e.job.prepinned
  val isPush = e.job.mode === 0.U
  val fault = r.status =/= HostRespStatus.Ok.U
  val lenLeft = e.job.len - e.extentSum
  // PUSH beat
  val beatBase = e.beatIdx * D.U
  val beatsNeeded = (e.job.len + (D - 1).U) / D.U
  val pushOver = (e.beatIdx +& 1.U) > beatsNeeded
  val pushShort = r.last && (e.beatIdx +& 1.U) =/= beatsNeeded
  // TRANSLATE extent beat
  val extBad = r.len === 0.U || r.len > lenLeft || (r.last && r.len =/= lenLeft)
  val badReason = Mux(isPush, BadResponse.BeatCount.U, BadResponse.ExtentLength.U)
  val isBad = known && !fault && !e.failed && Mux(isPush, pushOver || pushShort, extBad)
  val needFault = known && !e.failed && (fault || isBad)
  val needExtent = known && !fault && !e.failed && !isPush && !extBad
  respWantsExtent := io.resp.valid && needExtent
  val stray = !known
  io.resp.ready := Mux(stray, io.event.ready, (!needFault || io.fault.ready) && (!needExtent || io.extent.ready))

  io.extent.valid := (io.resp.valid && needExtent) || (io.job.valid && jobNeedsExtent && !respWantsExtent)
  io.extent.bits.tag := Mux(respWantsExtent, t, j.tag)
  io.extent.bits.conn := Mux(respWantsExtent, e.job.conn, j.conn)
  io.extent.bits.pa := Mux(respWantsExtent, r.pa, j.pa)
  io.extent.bits.len := Mux(respWantsExtent, r.len, j.len)
  io.extent.bits.dstOff := Mux(respWantsExtent, e.extentSum(log2Ceil(p.slotBytes + 1) - 1, 0), 0.U)

  io.fault.valid := io.resp.valid && needFault
  io.fault.bits.tag := t
  io.fault.bits.conn := e.job.conn
  io.fault.bits.code := Mux(fault, EventCode.HostFault.U, EventCode.HostBadResponse.U)
  io.fault.bits.detail := Mux(fault, e.job.va, Cat(badReason, t.pad(8)))

  io.event.valid := io.resp.valid && stray
  io.event.bits.conn := "hffff".U
  io.event.bits.code := EventCode.HostStrayResponse.U
  io.event.bits.detail := r.tag

  // PUSH data goes straight to staging, byte 0 of beat k at offset k * dataBytes.
  val lanes = VecInit((0 until D).map(i => r.data(8 * i + 7, 8 * i)))
  val laneOk = VecInit((0 until D).map(i => beatBase + i.U < e.job.len))
  val writePush = io.resp.fire && known && isPush && !fault && !e.failed && !pushOver
  io.staging.valid := writePush
  io.staging.bits.row := (t * p.rowsPerSlot.U + e.beatIdx)(log2Ceil(p.stagingRows) - 1, 0)
  io.staging.bits.data := lanes
  io.staging.bits.mask := laneOk
  val beatSum = (0 until D).map(i => Mux(laneOk(i), lanes(i).pad(32) << (if (i % 2 == 0) 8 else 0), 0.U(32.W)))
    .reduce(_ +& _)
  val beatBytes = PopCount(laneOk)

  when(io.resp.fire && known) {
    when(fault || isBad) { e.failed := true.B }
    // An extent beat means the host pinned something, even if the answer turns out malformed; a FAULT
    // beat means it pinned nothing.
    when(!isPush && !fault) { e.hasGrant := true.B }
    when(writePush) {
      e.beatIdx := e.beatIdx + 1.U
      e.pushBytes := e.pushBytes + beatBytes
      e.pushCksum := (e.pushCksum + beatSum)(31, 0)
    }
    when(needExtent) { e.extentSum := e.extentSum + r.len }
    when(r.last) { e.respDone := true.B }
  }

  // ---- the framer is done with a tag ----
  when(io.finish.valid) {
    val f = tab(io.finish.bits)
    f.inUse := false.B
    when(f.hasNext) { tab(f.next).waitPrev := false.B }
  }

  for (i <- 0 until T) {
    val x = tab(i)
    val d = io.dma(i)
    val v = io.tags(i)
    val failed = x.failed || d.err
    v.active := x.inUse
    v.complete := x.inUse && x.respDone && d.idle && (failed || x.pushBytes + d.bytes === x.job.len)
    v.waitPrev := x.waitPrev
    v.failed := failed
    v.conn := x.job.conn
    v.seq := x.job.seq
    v.len := x.job.len
    v.va := x.job.va
    v.psh := x.job.psh
    v.retx := x.job.kind === SegKind.Retx.U
    v.epoch := x.job.epoch
    v.hasGrant := x.hasGrant
    v.releaseBlock := x.job.releaseBlock
    v.blockVa := x.job.blockVa
    v.blockSize := x.job.blockSize
    v.cksum := x.pushCksum + d.cksum
  }
}
