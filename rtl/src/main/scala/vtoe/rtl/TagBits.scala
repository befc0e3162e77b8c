package vtoe.rtl

import chisel3._

/** One flag per tag held as a single bit vector, so that a per-tag condition over every tag is one
  * vector operation (`inUse & respDone & ...`) and setting one tag's flag is a masked update, where a
  * Vec of Bools costs a comparison and a multiplexer per tag in every cycle of a simulation.
  */
object TagBits {
  /** `bits` with the flag of tag `i` set to `v`. */
  def set(bits: UInt, i: UInt, v: Bool): UInt = {
    val one = 1.U(bits.getWidth.W) << i
    ((bits & ~one) | Mux(v, one, 0.U))(bits.getWidth - 1, 0)
  }
}
