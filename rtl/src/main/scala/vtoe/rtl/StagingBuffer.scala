package vtoe.rtl

import chisel3._
import chisel3.util._

/** Store-and-forward staging: one slot of slotBytes per tag, rows of dataBytes. The only on-adapter
  * payload storage there is: a segment's bytes live here from the host's answer until its frame has
  * left, never longer (retransmissions fetch them again from the host).
  *
  * Built from memories a synthesis tool maps to block RAM: simple dual-port (one write with byte
  * enables, one read with a cycle of latency). Per cycle the buffer takes up to three row writes (one
  * PUSH beat from HostHandshake; a realigned DMA beat from the DmaEngine, which straddles two
  * consecutive rows) and serves two reads (the framer's payload window, two consecutive rows). So:
  *  - rows are split into two banks by their parity: consecutive rows are always in different banks,
  *    so each bank sees at most one DMA write and one framer read per cycle;
  *  - PUSH and DMA data have a pair of banks each: a tag is filled by one path only (a PUSH tag has no
  *    DMA), but one tag's PUSH beat and another's DMA beat may come in the same cycle, and a bank has
  *    one write port. A flag per tag says which pair holds its bytes (the last path that wrote it).
  * The price is twice the slots' bytes in RAM (`AdapterParams.stagingRamBytes`: 4 RAMs of
  * stagingRows / 2 rows each); the alternative, one write port shared by both paths, would stall one of
  * them and change the adapter's timing. Each RAM becomes block RAM with byte write enables
  * (synth_xilinx: 16 RAMB36 for the default 32 KiB of slots; URAM on parts that have it).
  *
  * Timing: `readRow` names the rows whose bytes `readData` holds in the next cycle, as a block RAM
  * reads. The read sees every write up to the cycle it is presented in, and a framed tag's slot is no
  * longer written (it is complete), so the framer, which presents the rows of its next beat a cycle
  * ahead, sees the bytes an asynchronous read would have shown it.
  */
class StagingBuffer(p: AdapterParams) extends Module {
  override def desiredName = "StagingBuffer"
  val D = p.dataBytes
  val rowBits = log2Ceil(p.stagingRows)
  val io = IO(new Bundle {
    val push = Flipped(Valid(new StagingWrite(p)))
    val dma = Vec(2, Flipped(Valid(new StagingWrite(p)))) // two consecutive rows of one DMA beat
    val readRow = Input(Vec(2, UInt(rowBits.W))) // two consecutive rows, read for the next cycle
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
    val readData = Output(Vec(2, Vec(D, UInt(8.W))))
  })
  def bankOf(row: UInt): UInt = row(0)
  def addrOf(row: UInt): UInt = row >> 1
  def tagOf(row: UInt): UInt = row >> log2Ceil(p.rowsPerSlot)

  // One RAM per path and bank; a bank's read address is the row of the two that falls in it, the same
  // for both paths' RAMs of that bank.
  def rams(path: String) = Seq.tabulate(2)(b => SyncReadMem(p.stagingBankRows, Vec(D, UInt(8.W))).suggestName(s"${path}Bank$b"))
  val pushBanks = rams("push")
  val dmaBanks = rams("dma")
  val readAddr = Seq.tabulate(2)(b => addrOf(Mux(bankOf(io.readRow(0)) === b.U, io.readRow(0), io.readRow(1))))
  val pushData = Seq.tabulate(2)(b => pushBanks(b).read(readAddr(b), true.B).asUInt)
  val dmaData = Seq.tabulate(2)(b => dmaBanks(b).read(readAddr(b), true.B).asUInt)
  assert(bankOf(io.readRow(0)) =/= bankOf(io.readRow(1)), "StagingBuffer: the two reads must be of consecutive rows")

  when(io.push.valid) {
    for (b <- 0 until 2) when(bankOf(io.push.bits.row) === b.U) {
      pushBanks(b).write(addrOf(io.push.bits.row), io.push.bits.data, io.push.bits.mask)
    }
  }
  for (b <- 0 until 2) {
    val hit = io.dma.map(w => w.valid && bankOf(w.bits.row) === b.U)
    assert(!(hit(0) && hit(1)), "StagingBuffer: two DMA writes to one bank (rows not consecutive)")
    // Selected as one word, not field by field and byte by byte (a multiplexer per byte costs a
    // simulation more than the write itself).
    val w = Mux(hit(0), io.dma(0).bits.asUInt, io.dma(1).bits.asUInt).asTypeOf(new StagingWrite(p))
    when(hit(0) || hit(1)) { dmaBanks(b).write(addrOf(w.row), w.data, w.mask) }
  }

  // Which pair holds each tag's bytes. The bit vector is as wide as the rows' tag field, so a row past
  // the last slot (read only when its bytes are unused) still indexes it.
  val tagSpace = 1 << (rowBits - log2Ceil(p.rowsPerSlot)).max(0)
  val fromPush = RegInit(0.U(tagSpace.W))
  def oneHot(v: Bool, row: UInt): UInt = Mux(v, UIntToOH(tagOf(row), tagSpace), 0.U(tagSpace.W))
  val pushed = oneHot(io.push.valid, io.push.bits.row)
  val dmaed = oneHot(io.dma(0).valid, io.dma(0).bits.row) | oneHot(io.dma(1).valid, io.dma(1).bits.row)
  assert((pushed & dmaed) === 0.U, "StagingBuffer: PUSH and DMA data for one tag in one cycle")
  fromPush := (fromPush & ~dmaed) | pushed

  val rowNow = RegNext(io.readRow)
  // Work for the clock: a write. The reads follow their rows every cycle and settle after the last activity.
  io.busy := io.push.valid || io.dma.map(_.valid).reduce(_ || _)
  for (i <- 0 until 2) {
    val b = bankOf(rowNow(i))
    val push = fromPush(tagOf(rowNow(i)))
    io.readData(i) := Mux(push, Mux(b === 1.U, pushData(1), pushData(0)),
      Mux(b === 1.U, dmaData(1), dmaData(0))).asTypeOf(io.readData(i))
  }
}
