package vtoe.rtl

import chisel3._
import chisel3.util._

/** One write port for a memory that several places write, each in cycles the others do not: a
  * memory with more than one write port is neither block RAM nor LUTRAM (Yosys makes it flip-flops,
  * numConns x width of them for a per-connection memory), so the places share one port through a
  * multiplexer. `sites` is the number of places; each calls `write(site)` inside its own `when`, and an
  * assertion (on in every co-simulation) fails if two of them write in the same cycle.
  */
class OneWritePort[T <: Data](mem: MemBase[T], gen: T, addrBits: Int, sites: Int, name: String) {
  private val hits = Seq.fill(sites)(WireDefault(false.B))
  private val addrs = Seq.fill(sites)(WireDefault(0.U(addrBits.W)))
  private val datas = Seq.fill(sites)(WireDefault(0.U.asTypeOf(gen)))

  /** Writes `data` at `addr` from place `site` (0 until sites) in this cycle. */
  def write(site: Int)(addr: UInt, data: T): Unit = {
    hits(site) := true.B
    addrs(site) := addr
    datas(site) := data
  }

  /** The port itself; call once, after every site. */
  def commit(): Unit = {
    val any = hits.reduce(_ || _)
    when(any) { mem.write(Mux1H(hits, addrs), Mux1H(hits, datas)) }
    assert(PopCount(hits) <= 1.U, s"two writes to $name in one cycle")
  }
}
