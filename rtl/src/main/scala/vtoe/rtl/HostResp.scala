package vtoe.rtl

import chisel3._

/** s_hostresp: one beat of an answer to a [[HostReq]]. PUSH: ceil(len / dataBytes) data beats, byte 0
  * of beat 0 the first byte. TRANSLATE (and every RETRANSMIT of a PREPINNED connection): one beat per
  * physically contiguous extent {pa, len}, adding up to the request. FAULT: one beat with status 1.
  * `last` marks the final beat of an answer; answers of different tags may interleave. */
class HostResp(p: AdapterParams) extends Bundle {
  val tag = UInt(PortWidths.Tag.W)
  val status = UInt(2.W) // HostRespStatus
  val data = UInt((p.dataBytes * 8).W) // PUSH payload
  val pa = UInt(PortWidths.Addr.W) // TRANSLATE extent start
  val len = UInt(PortWidths.Len.W) // TRANSLATE extent length
  val last = Bool()
}
