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
  // Rows as plain words, each write merging its bytes into the row as it stands: one whole-row write
  // per port, where a byte-masked memory write is one conditional write per byte and port in every
  // cycle of a simulation. A write that names a row an earlier port writes in the same cycle merges
  // into that port's result, so every byte lands as the masked writes would put it.
  val mem = Mem(p.stagingRows, UInt((p.dataBytes * 8).W))
  val written = scala.collection.mutable.ArrayBuffer.empty[(Bool, UInt, UInt)]
  for (w <- io.write) {
    val before = written.foldLeft(mem(w.bits.row)) { case (row, (v, at, data)) => Mux(v && at === w.bits.row, data, row) }
    val bytes = FillInterleaved(8, w.bits.mask.asUInt)
    val merged = (before & ~bytes) | (w.bits.data.asUInt & bytes)
    when(w.valid) { mem.write(w.bits.row, merged) }
    written += ((w.valid, w.bits.row, merged))
  }
  for (i <- 0 until 2) io.readData(i) := mem(io.readRow(i)).asTypeOf(Vec(p.dataBytes, UInt(8.W)))
}
