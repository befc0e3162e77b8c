package vtoe.rtl

/** The CSR address map shared by CsrFile and the blocks that own registers. Per-connection registers
  * sit at `conn << 8 | reg << 3`; global, read-only registers at `1 << 31 | reg << 3`. All are 64 bits.
  * The Java driver uses `vtoe.model.adapter.CsrMap`, which lists the same numbers. */
object Csr {
  // per-connection
  val Ctrl = 0 // bit 0 enable, bits 2..1 mode
  val RegionVa = 1 // descriptor region: VA of its first byte (32-byte aligned)
  val RegionPa = 2 // descriptor region: PA of its first byte (32-byte aligned, contiguous)
  val RegionBytes = 3 // descriptor region: size, a multiple of 32 in 32..maxRegionBytes
  val DescSeq = 4 // seq the next descriptor of this connection must start at (the stream's first seq)
  val Mac = 5 // our MAC, bits 47..0
  val PeerMac = 6 // the peer's MAC
  val Ips = 7 // our IPv4 address in bits 63..32, the peer's in 31..0
  val Ports = 8 // our TCP port in 31..16 (its low bits XOR PortBase must equal the connection number), the peer's in 15..0
  val Mss = 9 // largest payload per segment, 1..slotBytes
  val Rto = 10 // initial retransmission timeout in cycles
  // the peer's receive window at open in bytes in 31..0, and the send window shift (RFC 7323
  // Snd.Wind.Shift, 0..14) that scales every ACK's window field in 35..32
  val PeerWnd = 11
  val MaxWndShift = 14 // RFC 7323 section 2.3: larger shifts are taken as 14
  val Rcv = 12 // what our frames carry: ack number in 31..0, window in 47..32 (writable while enabled)
  val Status = 13 // read-only: state in 1..0 (0 idle, 1 active, 2 stopped), tags in flight in 15..8, busy in 16
  val SndUna = 14 // read-only
  val SndNxt = 15 // read-only
  val SndMax = 16 // read-only
  /** Our ports are PortBase XOR the connection number: the same as PortBase + conn up to 16384
    * connections, and still one distinct port per connection at 65536. */
  val PortBase = 0x4000
  // global
  val GlobalBit = 31
  val Id = 0 // "vtoe" << 32 | version
  val NumConns = 1
  val DataBytes = 2
  val MaxBlockBytes = 3
  val MaxRegionBytes = 4
  val Tags = 5
  val SlotBytes = 6
  val Retained = 7
  val MaxRetries = 8
  val MaxBackoff = 9
  val RxCounterBase = 16 // 16 + RxClass: frames received per class
  val AckAbove = 30 // ACKs above the highest sequence sent, ignored
  val AckOld = 31 // ACKs below sndUna, ignored

  val IdValue: BigInt = (BigInt(0x76746f65L) << 32) | 1

  // CSR response codes (AXI meaning)
  val RespOkay = 0
  val RespSlvErr = 2 // register exists but the write was refused (value or state)
  val RespDecErr = 3 // no such register or connection, or misaligned address
}
