package vtoe.rtl

import chisel3._
import chisel3.util._

/** Decodes s_csr, owns the static per-connection configuration ([[ConnCfg]]) and forwards registers
  * that other blocks own (DescSeq). Every request gets exactly one response, in order.
  *
  * After reset it sweeps the context memory to zero, one connection per cycle (as hardware clears an
  * SRAM); s_csr is not ready until the sweep is done, and `init` lets other blocks clear their own
  * per-connection memories in the same sweep.
  *
  * Writes that would leave a connection inconsistent are refused with SLVERR and change nothing:
  * region changes while enabled, misaligned or oversized regions, enabling without a region, mode 3.
  */
class CsrFile(p: AdapterParams, cfgReaders: Int) extends Module {
  override def desiredName = "CsrFile"
  val io = IO(new Bundle {
    val req = Flipped(Decoupled(new CsrReq))
    val resp = Decoupled(new CsrResp)
    val cfg = Vec(cfgReaders, new CfgReadPort(p)) // read ports for the blocks
    val descSeq = new RegAccess(p) // DescSeq lives in DescriptorFetch
    val init = Output(Valid(UInt(p.connIdxBits.W))) // reset sweep: clear this connection's state
  })

  val cfgMem = Mem(p.numConns, new ConnCfg)
  for (rp <- io.cfg) rp.cfg := cfgMem(rp.conn)

  val initIdx = RegInit(0.U(p.connIdxBits.W))
  val initDone = RegInit(false.B)
  io.init.valid := !initDone
  io.init.bits := initIdx
  when(!initDone) {
    cfgMem.write(initIdx, 0.U.asTypeOf(new ConnCfg))
    initIdx := initIdx + 1.U
    when(initIdx === (p.numConns - 1).U) { initDone := true.B }
  }

  val respQ = Module(new Queue(new CsrResp, 2))
  io.resp <> respQ.io.deq
  io.req.ready := initDone && respQ.io.enq.ready

  val r = io.req.bits
  val global = r.addr(Csr.GlobalBit)
  val regIdx = r.addr(7, 3)
  val connRaw = r.addr(23, 8)
  val wellFormed = r.addr(2, 0) === 0.U && r.addr(30, 24) === 0.U
  val connOk = connRaw < p.numConns.U
  val conn = connRaw(p.connIdxBits - 1, 0)
  val cur = cfgMem(conn)
  val hi32Zero = r.data(63, 32) === 0.U
  val low5Zero = r.data(4, 0) === 0.U

  val rdata = WireDefault(0.U(PortWidths.CsrData.W))
  val resp = WireDefault(Csr.RespDecErr.U(PortWidths.AxiResp.W))
  val next = WireDefault(cur)
  val writeCfg = WireDefault(false.B)
  def refuse(): Unit = resp := Csr.RespSlvErr.U
  def accept(): Unit = resp := Csr.RespOkay.U

  io.descSeq.req.valid := false.B
  io.descSeq.req.bits.write := r.write
  io.descSeq.req.bits.conn := conn
  io.descSeq.req.bits.reg := regIdx
  io.descSeq.req.bits.data := r.data

  when(global) {
    val globals = Seq(
      Csr.Id -> Csr.IdValue.U,
      Csr.NumConns -> p.numConns.U,
      Csr.DataBytes -> p.dataBytes.U,
      Csr.MaxBlockBytes -> p.maxBlockBytes.U,
      Csr.MaxRegionBytes -> p.maxRegionBytes.U
    )
    when(wellFormed && r.addr(30, 8) === 0.U) {
      for ((idx, v) <- globals) {
        when(regIdx === idx.U) {
          rdata := v
          when(r.write) { refuse() }.otherwise { accept() }
        }
      }
    }
  }.elsewhen(wellFormed && connOk) {
    switch(regIdx) {
      is(Csr.Ctrl.U) {
        rdata := Cat(cur.mode, cur.enabled)
        when(!r.write) {
          accept()
        }.elsewhen(r.data(63, 3) =/= 0.U || r.data(2, 1) === 3.U) {
          refuse() // undefined bits or mode 3
        }.elsewhen(r.data(0) && cur.regionBytes === 0.U) {
          refuse() // enabling needs a descriptor region
        }.elsewhen(r.data(0) && cur.enabled && r.data(2, 1) =/= cur.mode) {
          refuse() // the mode may only change while disabled
        }.otherwise {
          accept()
          next.enabled := r.data(0)
          next.mode := r.data(2, 1)
          writeCfg := true.B
        }
      }
      is(Csr.RegionVa.U) {
        rdata := cur.regionVa
        when(!r.write) { accept() }
          .elsewhen(cur.enabled || !low5Zero) { refuse() }
          .otherwise { accept(); next.regionVa := r.data; writeCfg := true.B }
      }
      is(Csr.RegionPa.U) {
        rdata := cur.regionPa
        when(!r.write) { accept() }
          .elsewhen(cur.enabled || !low5Zero) { refuse() }
          .otherwise { accept(); next.regionPa := r.data; writeCfg := true.B }
      }
      is(Csr.RegionBytes.U) {
        rdata := cur.regionBytes
        when(!r.write) { accept() }
          .elsewhen(cur.enabled || !low5Zero || r.data === 0.U || r.data > p.maxRegionBytes.U) { refuse() }
          .otherwise { accept(); next.regionBytes := r.data(31, 0); writeCfg := true.B }
      }
      is(Csr.DescSeq.U) {
        rdata := io.descSeq.rdata
        when(!r.write) {
          accept()
          io.descSeq.req.valid := io.req.fire
        }.elsewhen(cur.enabled || !hi32Zero) {
          refuse()
        }.otherwise {
          accept()
          io.descSeq.req.valid := io.req.fire
        }
      }
    }
  }

  when(io.req.fire && writeCfg) { cfgMem.write(conn, next) }

  respQ.io.enq.valid := io.req.fire
  respQ.io.enq.bits.data := Mux(r.write, 0.U, rdata)
  respQ.io.enq.bits.resp := resp
}
