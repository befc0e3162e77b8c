package vtoe.rtl

import chisel3._

/** m_event: an error or notable event. Codes and detail meanings: [[EventCode]]. */
class AdapterEvent extends Bundle {
  val conn = UInt(PortWidths.Conn.W) // connection concerned (the doorbell's number for doorbell errors)
  val code = UInt(PortWidths.EventCode.W) // EventCode value
  val detail = UInt(PortWidths.Detail.W) // code-specific detail, see EventCode
}
