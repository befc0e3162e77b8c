package vtoe.rtl

import chisel3._

/** Static configuration of one connection, written through CSRs and read by the blocks. */
class ConnCfg extends Bundle {
  val enabled = Bool()
  val mode = UInt(2.W) // 0 PUSH, 1 TRANSLATE, 2 PREPINNED
  val regionVa = UInt(PortWidths.Addr.W)
  val regionPa = UInt(PortWidths.Addr.W)
  val regionBytes = UInt(PortWidths.Size.W)
  val iss = UInt(PortWidths.Seq.W) // first seq of the stream (DESC_SEQ as written)
  val ourMac = UInt(PortWidths.Mac.W)
  val peerMac = UInt(PortWidths.Mac.W)
  val ourIp = UInt(PortWidths.Ip.W)
  val peerIp = UInt(PortWidths.Ip.W)
  val ourPort = UInt(PortWidths.Port.W)
  val peerPort = UInt(PortWidths.Port.W)
  val mss = UInt(16.W)
  val rto = UInt(32.W)
  val peerWnd = UInt(32.W) // bytes, already scaled (the host saw the handshake)
  // RFC 7323 Snd.Wind.Shift, negotiated by the host's handshake: every ACK's window field counts in
  // units of 2^shift bytes (0..14; 0 when the peer sent no window scale option).
  val sndWndShift = UInt(4.W)
  val rcvNxt = UInt(32.W) // ack number in our frames
  val rcvWnd = UInt(16.W) // window in our frames
}
