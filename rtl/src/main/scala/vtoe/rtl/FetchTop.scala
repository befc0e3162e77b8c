package vtoe.rtl

import chisel3._
import chisel3.util._

/** Block-level top for the descriptor fetch: CSRs, [[SerialDescriptorFetch]] (with its doorbell queue) and the
  * DMA read port. Fetched descriptors leave on m_desc; the full adapter feeds them to the Segmenter
  * instead. Ports follow the adapter's names so the same bus models drive both tops.
  */
class FetchTop(p: AdapterParams) extends Module {
  override def desiredName = "FetchTop"

  val s_csr = IO(Flipped(Decoupled(new CsrReq))) // register accesses
  val m_csr_resp = IO(Decoupled(new CsrResp)) // one answer per access
  val s_doorbell = IO(Flipped(Decoupled(new Doorbell))) // new descriptor chains
  val m_dma_ar = IO(Decoupled(new DmaAr(p))) // host memory reads
  val s_dma_r = IO(Flipped(Decoupled(new DmaR(p)))) // their data
  val m_desc = IO(Decoupled(new FetchedDesc)) // descriptors that passed every check
  val m_event = IO(Decoupled(new AdapterEvent)) // errors and notable events

  val csr = Module(new CsrFile(p, cfgReaders = 1))
  csr.io.req <> s_csr
  m_csr_resp <> csr.io.resp
  // No transmit side here: enabling and disabling need nobody's consent, nothing is ever busy.
  csr.io.ctl.ready := true.B
  csr.io.busyQ.flag := false.B
  // Connection state reads as zero, answered the cycle after the ask, as ConnStateUnit answers.
  csr.io.state.req.ready := true.B
  csr.io.state.resp.valid := RegNext(csr.io.state.req.fire, false.B)
  csr.io.state.resp.bits := VecInit(Seq.fill(4)(0.U(64.W)))
  csr.io.counters := VecInit(Seq.fill(16)(0.U(64.W)))

  val fetchId = 0
  val fetch = Module(new SerialDescriptorFetch(p, fetchId))
  fetch.io.doorbell <> s_doorbell // the fetch queues doorbells itself
  // No retained rings here: a descriptor is never parked, nothing is ever woken.
  fetch.io.descParked := false.B
  fetch.io.wake.valid := false.B
  fetch.io.wake.bits := 0.U
  fetch.io.cfg <> csr.io.cfg(0)
  fetch.io.descSeq <> csr.io.descSeq
  fetch.io.init := csr.io.init
  val now = RegInit(0.U(32.W)) // cycles since reset: FetchTop's clock always runs
  now := now + 1.U
  fetch.io.now := now
  m_desc <> fetch.io.desc

  val dma = Module(new DmaReadMux(p, Seq.tabulate(1 << p.dmaIdBits)(id => if (id == fetchId) 0 else -1)))
  dma.io.clients(0).ar <> fetch.io.ar
  fetch.io.r <> dma.io.clients(0).r
  m_dma_ar <> dma.io.ar
  dma.io.r <> s_dma_r

  val events = Module(new StableArbiter(new AdapterEvent, 2))
  events.io.in(0) <> fetch.io.event
  events.io.in(1) <> dma.io.event
  m_event <> Queue(events.io.out, p.eventDepth)
}
