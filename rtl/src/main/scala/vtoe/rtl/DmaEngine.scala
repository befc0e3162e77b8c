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
  */
class DmaEngine(p: AdapterParams) extends Module {
  override def desiredName = "DmaEngine"
  val T = p.tags
  val D = p.dataBytes
  val B = p.burstsPerTag
  val lgD = log2Ceil(D)
  val io = IO(new Bundle {
    val extent = Flipped(Decoupled(new Extent(p)))
    val alloc = Flipped(Valid(UInt(p.tagBits.W))) // a tag starts a new segment: clear its counters
    val ar = Decoupled(new DmaAr(p))
    val r = Flipped(Decoupled(new DmaR(p)))
    val staging = Vec(2, Valid(new StagingWrite(p)))
    val status = Output(Vec(T, new DmaTagStatus))
    val fault = Decoupled(new TagFault(p))
    val tagConn = Input(Vec(T, UInt(p.connIdxBits.W)))
  })

  class Burst extends Bundle {
    val start = UInt(64.W) // first byte of the extent this burst carries
    val nb = UInt(log2Ceil(p.maxBurstBeats * D + 1).W) // its bytes
    val dstOff = UInt(log2Ceil(p.slotBytes + 1).W)
  }
  val fifo = Reg(Vec(T, Vec(B, new Burst)))
  val fHead = RegInit(VecInit(Seq.fill(T)(0.U(log2Ceil(B).max(1).W))))
  val fTail = RegInit(VecInit(Seq.fill(T)(0.U(log2Ceil(B).max(1).W))))
  val fCount = RegInit(VecInit(Seq.fill(T)(0.U(log2Ceil(B + 1).W))))
  val extPending = RegInit(VecInit(Seq.fill(T)(0.U(8.W))))
  val bytes = RegInit(VecInit(Seq.fill(T)(0.U(32.W))))
  val cksum = RegInit(VecInit(Seq.fill(T)(0.U(32.W))))
  val err = RegInit(VecInit(Seq.fill(T)(false.B)))
  val errReported = RegInit(VecInit(Seq.fill(T)(false.B)))
  val rBeat = RegInit(VecInit(Seq.fill(T)(0.U(8.W))))

  // ---- extents into bursts ----
  val q = Module(new Queue(new Extent(p), 8))
  q.io.enq <> io.extent
  val x = q.io.deq.bits
  val issued = RegInit(0.U(32.W))
  val start = x.pa + issued
  val aligned = start & ~((D - 1).U(64.W))
  val toBoundary = 4096.U - aligned(11, 0)
  val maxBytes = Mux(toBoundary < (p.maxBurstBeats * D).U, toBoundary, (p.maxBurstBeats * D).U)
  val cover = aligned + maxBytes - start
  val rem = x.len - issued
  val nb = Mux(rem < cover, rem, cover)
  val beats = (start - aligned + nb + (D - 1).U) >> lgD
  val xt = x.tag
  io.ar.valid := q.io.deq.valid && fCount(xt) =/= B.U
  io.ar.bits.id := xt +& 1.U
  io.ar.bits.addr := aligned
  io.ar.bits.len := (beats - 1.U)(PortWidths.AxiLen - 1, 0)
  val lastOfExtent = nb === rem
  q.io.deq.ready := io.ar.fire && lastOfExtent
  when(io.ar.fire) {
    val b = fifo(xt)(fTail(xt))
    b.start := start
    b.nb := nb(b.nb.getWidth - 1, 0)
    b.dstOff := (x.dstOff + issued)(b.dstOff.getWidth - 1, 0)
    fTail(xt) := fTail(xt) + 1.U
    issued := Mux(lastOfExtent, 0.U, (issued + nb)(31, 0))
  }

  // ---- read data into staging ----
  val r = io.r.bits
  val rt = (r.id - 1.U)(p.tagBits - 1, 0)
  val bd = fifo(rt)(fHead(rt))
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
  val needFault = beatErr && !errReported(rt)
  io.r.ready := !needFault || io.fault.ready
  io.fault.valid := io.r.valid && needFault
  io.fault.bits.tag := rt
  io.fault.bits.conn := io.tagConn(rt)
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

  for (t <- 0 until T) {
    val arHere = io.ar.fire && xt === t.U
    val rHere = io.r.fire && rt === t.U
    val popHere = rHere && r.last
    fCount(t) := fCount(t) + arHere.asUInt - popHere.asUInt
    when(popHere) { fHead(t) := fHead(t) + 1.U }
    val enq = io.extent.fire && io.extent.bits.tag === t.U
    val deq = q.io.deq.fire && xt === t.U
    extPending(t) := extPending(t) + enq.asUInt - deq.asUInt
    when(rHere) {
      rBeat(t) := Mux(r.last, 0.U, k + 1.U)
      when(beatErr) {
        err(t) := true.B
        errReported(t) := true.B
      }.otherwise {
        bytes(t) := bytes(t) + PopCount(srcValid)
        cksum(t) := (cksum(t) + beatSum)(31, 0)
      }
    }
    when(io.alloc.valid && io.alloc.bits === t.U) {
      bytes(t) := 0.U
      cksum(t) := 0.U
      err(t) := false.B
      errReported(t) := false.B
      rBeat(t) := 0.U
    }
    io.status(t).idle := extPending(t) === 0.U && fCount(t) === 0.U
    io.status(t).bytes := bytes(t)
    io.status(t).cksum := cksum(t)
    io.status(t).err := err(t)
  }

  when(io.ar.valid) {
    assert(aligned(11, 0) +& (beats << lgD) <= 4096.U, "DmaEngine: burst crosses a 4 KiB boundary")
    assert(beats =/= 0.U && beats <= p.maxBurstBeats.U, "DmaEngine: burst longer than maxBurstBeats")
    assert(start +& nb <= x.pa +& x.len, "DmaEngine: read past the extent it was granted")
  }
  when(io.alloc.valid) {
    assert(extPending(io.alloc.bits) === 0.U && fCount(io.alloc.bits) === 0.U,
      "DmaEngine: tag reallocated with reads still in flight")
  }
}
