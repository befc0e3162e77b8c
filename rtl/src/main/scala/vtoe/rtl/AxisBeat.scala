package vtoe.rtl

import chisel3._

/** m_axis_tx / s_axis_rx: one beat of an Ethernet frame (no FCS), byte 0 in bits 7..0. */
class AxisBeat(p: AdapterParams) extends Bundle {
  val data = UInt((p.dataBytes * 8).W)
  val keep = UInt(p.dataBytes.W) // valid bytes; all ones except possibly on the last beat (low bytes first)
  val last = Bool()
}
