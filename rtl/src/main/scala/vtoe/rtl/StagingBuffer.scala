package vtoe.rtl

import chisel3._
import chisel3.util._

/** Store-and-forward staging: one slot of slotBytes per tag, rows of dataBytes. The only on-adapter
  * payload storage there is: a segment's bytes live here from the host's answer until its frame has
  * left, never longer (retransmissions fetch them again from the host). Masked row writes from the
  * PUSH path and the DMA path (two per beat, as realigned DMA data straddles rows); two reads per
  * cycle for the framer, whose payload window straddles rows too.
  */
class StagingBuffer(p: AdapterParams, writePorts: Int) extends Module {
  override def desiredName = "StagingBuffer"
  val io = IO(new Bundle {
    val write = Vec(writePorts, Flipped(Valid(new StagingWrite(p))))
    val readRow = Input(Vec(2, UInt(log2Ceil(p.stagingRows).W)))
    val readData = Output(Vec(2, Vec(p.dataBytes, UInt(8.W))))
  })
  val mem = Mem(p.stagingRows, Vec(p.dataBytes, UInt(8.W)))
  for (w <- io.write) {
    when(w.valid) { mem.write(w.bits.row, w.bits.data, w.bits.mask) }
  }
  for (i <- 0 until 2) io.readData(i) := mem(io.readRow(i))
}
