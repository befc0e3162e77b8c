package vtoe.rtl

import chisel3._

/** A descriptor that passed every check, handed from DescriptorFetch to the next block (m_desc on
  * FetchTop). Layout of the descriptor in host memory: see design brief section 3. */
class FetchedDesc extends Bundle {
  val conn = UInt(PortWidths.Conn.W) // connection it belongs to
  val descVa = UInt(PortWidths.Addr.W) // VA of the descriptor itself (for completions)
  val va = UInt(PortWidths.Addr.W) // VA of the first data byte
  val size = UInt(PortWidths.Size.W) // bytes in the block, 1..maxBlockBytes
  val seq = UInt(PortWidths.Seq.W) // TCP sequence number of the first byte
  val pa = UInt(PortWidths.Addr.W) // PREPINNED: PA of the first byte; 0 otherwise
}
