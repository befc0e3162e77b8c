package vtoe.rtl

import chisel3._

/** DmaEngine's progress on one tag. */
class DmaTagStatus extends Bundle {
  val idle = Bool() // no extent waiting and no burst outstanding
  val bytes = UInt(32.W) // payload bytes written to staging
  val cksum = UInt(32.W) // one's-complement partial sum of those bytes (by their offset in the segment)
  val err = Bool() // a read failed
}
