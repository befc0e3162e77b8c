package vtoe.rtl

import chisel3._
import chisel3.util._

/** Reads the extents of tags from host memory into their staging slots. Splits each extent into AXI
  * bursts of at most maxBurstBeats that never cross a 4 KiB boundary, uses DMA id 1 + tag (so a tag's
  * bursts come back in order and different tags may come back in any order), realigns every beat to
  * the byte offset it has in the segment, and sums the payload's checksum on the way.
  *
  * Only extents reach it, and an extent comes either from the host's answer for a tag still in
  * flight or from a PREPINNED descriptor: it has no other way to make an address, which is the
  * granted-range rule by construction (the co-simulation checks it on the pins as well).
  *
  * Per-tag state is touched by at most one extent, one burst and one read beat per cycle, so it lives
  * where one access costs one access: the bursts in a memory indexed by tag and slot, the counters
  * packed into one register each, idle and error as one bit per tag. The bytes and checksum a beat
  * adds go to HostHandshake ([[DmaProgress]]), which keeps one count per tag for both of its paths.
  */
class DmaEngine(p: AdapterParams) extends Module {
  override def desiredName = "DmaEngine"
  val T = p.tags
  val D = p.dataBytes
  val B = p.burstsPerTag
  val lgD = log2Ceil(D)
  val io = IO(new Bundle {
    val extent = Flipped(Decoupled(new Extent(p)))
    val alloc = Flipped(Valid(UInt(p.tagBits.W))) // a tag starts a new segment: clear its error
    val ar = Decoupled(new DmaAr(p))
    val r = Flipped(Decoupled(new DmaR(p)))
    val staging = Vec(2, Valid(new StagingWrite(p)))
    val idle = Output(UInt(T.W)) // per tag: no extent waiting and no burst outstanding
    val err = Output(UInt(T.W)) // per tag: a read failed
    val progress = Valid(new DmaProgress(p)) // payload written this cycle
    val fault = Decoupled(new TagFault(p))
    val tagConn = new TagConnQuery(p) // whose read failed
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })

  class Burst extends Bundle {
    val start = UInt(64.W) // first byte of the extent this burst carries
    val nb = UInt(log2Ceil(p.maxBurstBeats * D + 1).W) // its bytes
    val dstOff = UInt(log2Ceil(p.slotBytes + 1).W)
  }
  val lgB = log2Ceil(B).max(1)
  val cntW = log2Ceil(B + 1) // bursts outstanding per tag, 0..B
  val extW = log2Ceil(8 + 1) // extents waiting per tag: at most the queue's 8
  val bursts = Mem(T * B, new Burst)
  val fHead = new IndexedCounter(T, p.tagBits, lgB)
  val fTail = new IndexedCounter(T, p.tagBits, lgB)
  val fCount = new IndexedCounter(T, p.tagBits, cntW)
  val extPending = new IndexedCounter(T, p.tagBits, extW)
  val rBeat = new IndexedCounter(T, p.tagBits, 8)
  val idle = RegInit(((BigInt(1) << T) - 1).U(T.W))
  val err = RegInit(0.U(T.W))
  def slot(tag: UInt, ptr: UInt): UInt = if (B == 1) tag else Cat(tag, ptr(lgB - 1, 0))

  // ---- extents into bursts ----
  val q = Module(new Queue(new Extent(p), 8))
  q.io.enq <> io.extent
  val x = q.io.deq.bits
  val issued = RegInit(0.U(32.W))
  // Work for the clock: an extent waiting or arriving, a burst outstanding, read data, a tag allocated.
  io.busy := q.io.deq.valid || io.extent.valid || idle =/= ((BigInt(1) << T) - 1).U || io.r.valid || io.alloc.valid ||
    io.fault.valid
  val start = x.pa + issued
  val aligned = start & ~((D - 1).U(64.W))
  val toBoundary = 4096.U - aligned(11, 0)
  val maxBytes = Mux(toBoundary < (p.maxBurstBeats * D).U, toBoundary, (p.maxBurstBeats * D).U)
  val cover = aligned + maxBytes - start
  val rem = x.len - issued
  val nb = Mux(rem < cover, rem, cover)
  val beats = (start - aligned + nb + (D - 1).U) >> lgD
  val xt = x.tag
  val xCount = fCount(xt)
  io.ar.valid := q.io.deq.valid && xCount =/= B.U
  io.ar.bits.id := xt +& 1.U
  io.ar.bits.addr := aligned
  io.ar.bits.len := (beats - 1.U)(PortWidths.AxiLen - 1, 0)
  val lastOfExtent = nb === rem
  q.io.deq.ready := io.ar.fire && lastOfExtent
  val xTail = fTail(xt)
  when(io.ar.fire) {
    val b = Wire(new Burst)
    b.start := start
    b.nb := nb(b.nb.getWidth - 1, 0)
    b.dstOff := (x.dstOff + issued)(b.dstOff.getWidth - 1, 0)
    bursts.write(slot(xt, xTail), b)
    issued := Mux(lastOfExtent, 0.U, (issued + nb)(31, 0))
  }

  // ---- read data into staging ----
  val r = io.r.bits
  val rt = (r.id - 1.U)(p.tagBits - 1, 0)
  val rHead = fHead(rt)
  val bd = bursts(slot(rt, rHead))
  val k = rBeat(rt)
  val beatAddr = (bd.start & ~((D - 1).U(64.W))) + (k << lgD)
  val bEnd = bd.start + bd.nb
  val srcValid = VecInit((0 until D).map(j => beatAddr + j.U >= bd.start && beatAddr + j.U < bEnd))
  val shift = (bd.dstOff - bd.start(lgD - 1, 0))(lgD - 1, 0)
  val lanes = VecInit((0 until D).map(j => r.data(8 * j + 7, 8 * j)))
  // Slot row of the first valid byte of this beat; the rest of the beat lands there or in the next row.
  val skip = Mux(beatAddr > bd.start, beatAddr - bd.start, 0.U)
  val rowLo = (bd.dstOff +& skip(log2Ceil(p.slotBytes), 0))(log2Ceil(p.slotBytes) + 1, lgD)
  val rot = Wire(Vec(D, UInt(8.W)))
  val maskLo = Wire(Vec(D, Bool()))
  val maskHi = Wire(Vec(D, Bool()))
  for (l <- 0 until D) {
    val j = (l.U(lgD.W) - shift)(lgD - 1, 0)
    rot(l) := lanes(j)
    // Offset of this byte in the segment; only meaningful where the source lane is valid.
    val dst = bd.dstOff +& (beatAddr + j - bd.start)(log2Ceil(p.slotBytes), 0)
    val row = dst(log2Ceil(p.slotBytes) + 1, lgD)
    maskLo(l) := srcValid(j) && row === rowLo
    maskHi(l) := srcValid(j) && row === rowLo + 1.U
  }
  val slotBase = rt * p.rowsPerSlot.U
  val expectedBeats = (bd.start(lgD - 1, 0) + bd.nb + (D - 1).U) >> lgD
  val beatErr = r.resp =/= 0.U || (r.last =/= (k === expectedBeats - 1.U))
  val needFault = beatErr && !err(rt)
  io.r.ready := !needFault || io.fault.ready
  io.fault.valid := io.r.valid && needFault
  io.fault.bits.tag := rt
  io.tagConn.tag := rt
  io.fault.bits.conn := io.tagConn.conn
  io.fault.bits.code := EventCode.DmaReadError.U
  io.fault.bits.detail := beatAddr
  val write = io.r.fire && !beatErr
  io.staging(0).valid := write && maskLo.asUInt.orR
  io.staging(0).bits.row := (slotBase + rowLo)(log2Ceil(p.stagingRows) - 1, 0)
  io.staging(0).bits.data := rot
  io.staging(0).bits.mask := maskLo
  io.staging(1).valid := write && maskHi.asUInt.orR
  io.staging(1).bits.row := (slotBase + rowLo + 1.U)(log2Ceil(p.stagingRows) - 1, 0)
  io.staging(1).bits.data := rot
  io.staging(1).bits.mask := maskHi
  val beatSum = (0 until D).map(l => Mux(maskLo(l) || maskHi(l), rot(l).pad(32) << (if (l % 2 == 0) 8 else 0), 0.U(32.W)))
    .reduce(_ +& _)

  io.progress.valid := write
  io.progress.bits.tag := rt
  io.progress.bits.bytes := PopCount(srcValid)
  io.progress.bits.cksum := beatSum(31, 0)

  // ---- per-tag counters: each changes for at most the tags an extent, a burst and a beat name ----
  val arHere = io.ar.fire
  val rHere = io.r.fire
  val popHere = rHere && r.last
  val enq = io.extent.fire
  val et = io.extent.bits.tag
  val deq = q.io.deq.fire
  fTail.write1(arHere, xt, xTail + 1.U)
  fHead.write1(popHere, rt, rHead + 1.U)
  val countX = xCount + arHere.asUInt
  fCount.write1(arHere, xt, countX)
  fCount.write2(popHere, rt, Mux(arHere && xt === rt, countX, fCount(rt)) - popHere.asUInt)
  val extE = extPending(et) + enq.asUInt
  extPending.write1(enq, et, extE)
  extPending.write2(deq, xt, Mux(enq && et === xt, extE, extPending(xt)) - deq.asUInt)
  rBeat.write1(rHere, rt, Mux(r.last, 0.U, k + 1.U))
  rBeat.write2(io.alloc.valid, io.alloc.bits, 0.U)
  Seq(fHead, fTail, fCount, extPending, rBeat).foreach(_.commit())
  // Idle is kept, not recomputed for every tag: only the tags named this cycle can change.
  def idleOf(t: UInt): Bool = fCount.next(t) === 0.U && extPending.next(t) === 0.U
  idle := TagBits.set(TagBits.set(TagBits.set(idle, et, idleOf(et)), xt, idleOf(xt)), rt, idleOf(rt))
  val err1 = Mux(rHere && beatErr, TagBits.set(err, rt, true.B), err)
  err := Mux(io.alloc.valid, TagBits.set(err1, io.alloc.bits, false.B), err1)
  io.idle := idle
  io.err := err

  when(io.ar.valid) {
    assert(aligned(11, 0) +& (beats << lgD) <= 4096.U, "DmaEngine: burst crosses a 4 KiB boundary")
    assert(beats =/= 0.U && beats <= p.maxBurstBeats.U, "DmaEngine: burst longer than maxBurstBeats")
    assert(start +& nb <= x.pa +& x.len, "DmaEngine: read past the extent it was granted")
  }
  when(io.alloc.valid) {
    assert(idle(io.alloc.bits), "DmaEngine: tag reallocated with reads still in flight")
  }
}
