package vtoe.rtl

import chisel3._

/** A connection put at the head of a slot's list of the [[TimerWheel]]. */
class TimerWheelInsert(p: AdapterParams) extends Bundle {
  val slot = UInt(p.timerSlotBits.W) // index: the slot number modulo timerSlots
  val conn = UInt(p.connIdxBits.W)
}
