package vtoe.rtl

import chisel3._
import chisel3.util._

/** A small value per index (tag, DMA id), zero after reset, of which a cycle changes at most two:
  * a memory, where one access costs one access (a Vec of registers is compared and multiplexed per
  * index in every cycle of a simulation), and one bit per index that says it was written since reset,
  * so no sweep is needed to clear it. Build it inside a module; call [[commit]] once, after the writes.
  * Of two writes that name one index the second wins, as the later of two connections does.
  */
class IndexedCounter(n: Int, idxBits: Int, w: Int) {
  private val mem = Mem(n, UInt(w.W))
  private val written = RegInit(0.U(n.W))
  private val w1 = Wire(Valid(UInt(idxBits.W)))
  private val w1d = Wire(UInt(w.W))
  private val w2 = Wire(Valid(UInt(idxBits.W)))
  private val w2d = Wire(UInt(w.W))
  Seq(w1, w2).foreach { x =>
    x.valid := false.B
    x.bits := DontCare
  }
  w1d := DontCare
  w2d := DontCare

  /** The value at index i now. */
  def apply(i: UInt): UInt = Mux(written(i), mem(i), 0.U)

  /** The value at index i once this cycle's writes are done. */
  def next(i: UInt): UInt = Mux(w2.valid && w2.bits === i, w2d, Mux(w1.valid && w1.bits === i, w1d, apply(i)))

  def write1(en: Bool, i: UInt, v: UInt): Unit = {
    w1.valid := en
    w1.bits := i
    w1d := v
  }

  def write2(en: Bool, i: UInt, v: UInt): Unit = {
    w2.valid := en
    w2.bits := i
    w2d := v
  }

  def commit(): Unit = {
    when(w1.valid && !(w2.valid && w2.bits === w1.bits)) { mem.write(w1.bits, w1d) }
    when(w2.valid) { mem.write(w2.bits, w2d) }
    val s1 = Mux(w1.valid, TagBits.set(written, w1.bits, true.B), written)
    written := Mux(w2.valid, TagBits.set(s1, w2.bits, true.B), s1)
  }
}
