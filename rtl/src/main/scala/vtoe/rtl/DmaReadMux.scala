package vtoe.rtl

import chisel3._
import chisel3.util._

/** Shares the DMA read port between clients and routes responses back by id.
  *
  * `owners(id)` names the client that issues reads with that id (-1: unused id). Read data is routed
  * only for ids with a read outstanding; anything else is a stray response: its beats are dropped up
  * to `last` and one DMA_STRAY_RESPONSE event is raised, so a misbehaving host cannot hang a client.
  */
class DmaReadMux(p: AdapterParams, owners: Seq[Int]) extends Module {
  override def desiredName = "DmaReadMux"
  val nIds = 1 << p.dmaIdBits
  require(owners.length == nIds, s"owners must name a client for each of the $nIds ids")
  val nClients = owners.max + 1
  require(nClients >= 1, "DmaReadMux needs at least one client")

  val io = IO(new Bundle {
    val clients = Vec(nClients, new Bundle {
      val ar = Flipped(Decoupled(new DmaAr(p)))
      val r = Decoupled(new DmaR(p))
    })
    val ar = Decoupled(new DmaAr(p))
    val r = Flipped(Decoupled(new DmaR(p)))
    val event = Decoupled(new AdapterEvent)
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })

  if (nClients == 1) {
    io.ar <> io.clients(0).ar
  } else {
    val arb = Module(new StableArbiter(new DmaAr(p), nClients))
    for (i <- 0 until nClients) arb.io.in(i) <> io.clients(i).ar
    io.ar <> arb.io.out
  }

  // Reads outstanding per id; 8 bits is far above any client's reads in flight per id.
  val outstanding = new IndexedCounter(nIds, p.dmaIdBits, 8)
  val rId = io.r.bits.id
  val known = outstanding(rId) =/= 0.U
  val inStray = RegInit(false.B)
  // Work for the clock: a read asked for, read data, the rest of a stray burst.
  io.busy := io.r.valid || inStray || io.clients.map(_.ar.valid).reduce(_ || _)
  val owner = VecInit(owners.map(o => o.max(0).U(log2Ceil(nClients).max(1).W)))(rId)
  def ownedBy(i: Int): Bool = if (nClients == 1) true.B else owner === i.U

  for (i <- 0 until nClients) {
    io.clients(i).r.valid := io.r.valid && known && ownedBy(i)
    io.clients(i).r.bits := io.r.bits
  }
  val routedReady = if (nClients == 1) io.clients(0).r.ready else VecInit(io.clients.map(_.r.ready))(owner)
  // A stray burst raises its event on the first beat; later beats are dropped silently.
  io.event.valid := io.r.valid && !known && !inStray
  io.event.bits.conn := 0.U
  io.event.bits.code := EventCode.DmaStrayResponse.U
  io.event.bits.detail := rId
  io.r.ready := Mux(known, routedReady, inStray || io.event.ready)

  when(io.r.fire && !known) { inStray := !io.r.bits.last }

  val arDone = io.ar.fire
  val rDone = io.r.fire && known && io.r.bits.last
  val arId = io.ar.bits.id
  val arCount = outstanding(arId) + 1.U
  outstanding.write1(arDone, arId, arCount)
  outstanding.write2(rDone, rId, Mux(arDone && arId === rId, arCount, outstanding(rId)) - 1.U)
  outstanding.commit()
  when(arDone) {
    assert(outstanding(io.ar.bits.id) =/= 255.U, "DmaReadMux: too many reads outstanding for one id")
    assert(owners.map(_ >= 0).map(_.B).zipWithIndex.map { case (b, i) => b && io.ar.bits.id === i.U }.reduce(_ || _),
      "DmaReadMux: a client issued a read with an id it does not own")
  }
}
