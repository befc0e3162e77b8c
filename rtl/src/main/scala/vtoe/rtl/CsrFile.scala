package vtoe.rtl

import chisel3._
import chisel3.util._

/** Decodes s_csr, owns the static per-connection configuration ([[ConnCfg]]) and forwards registers
  * that other blocks own (DescSeq, connection state). Every request gets exactly one response, in
  * order.
  *
  * After reset it sweeps the context memory to zero, one connection per cycle (as hardware clears an
  * SRAM); s_csr is not ready until the sweep is done, and `init` lets other blocks clear their own
  * per-connection memories in the same sweep.
  *
  * Enabling or disabling a connection is handed to ConnStateUnit through `ctl`; the write is answered
  * only once ConnStateUnit took it, so a doorbell rung after the answer cannot overtake it.
  *
  * Writes that would leave a connection inconsistent are refused with SLVERR and change nothing.
  *
  * A read of connection state (STATUS, SND_UNA, SND_NXT, SND_MAX) asks ConnStateUnit, whose state
  * memory reads one cycle late, and is answered in the cycle after it asked.
  *
  * The configuration (`cfgMem`, about 519 bits x numConns) reads synchronously with one write port, so
  * it maps to block RAM (UltraRAM from tens of thousands of connections on); each read port is one more
  * copy of it (Yosys's `memory_libmap` duplicates a memory per read port, as a designer would). A port's
  * data is that of the address presented the cycle before, and read-first: a write in that cycle is not
  * seen, which the port's `valid` says (see [[CfgReadPort]]). A CSR access therefore takes at least two
  * cycles: one to read the connection's configuration, one to answer and write it.
  */
class CsrFile(p: AdapterParams, cfgReaders: Int) extends Module {
  override def desiredName = "CsrFile"
  val io = IO(new Bundle {
    val req = Flipped(Decoupled(new CsrReq))
    val resp = Decoupled(new CsrResp)
    val cfg = Vec(cfgReaders, new CfgReadPort(p)) // read ports for the blocks
    val descSeq = new RegAccess(p) // DescSeq lives in DescriptorFetch
    val init = Output(Valid(UInt(p.connIdxBits.W))) // reset sweep: clear this connection's state
    val ctl = Decoupled(new ConnCtl(p)) // open / stop requests to ConnStateUnit
    val busyQ = new ConnFlagQuery(p) // connection still has work in flight: cannot be re-opened
    val state = new ConnStateRead(p) // read-only connection state, from ConnStateUnit
    val counters = Input(Vec(16, UInt(64.W))) // global registers 16..31
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })

  val cfgMem = SyncReadMem(p.numConns, new ConnCfg, SyncReadMem.ReadFirst)
  // The one write port: the reset sweep, then CSR writes (set below).
  val wrEn = WireDefault(false.B)
  val wrConn = WireDefault(0.U(p.connIdxBits.W))
  val wrData = WireDefault(0.U.asTypeOf(new ConnCfg))
  val lastWrEn = RegNext(wrEn, false.B)
  val lastWrConn = RegNext(wrConn)
  /** The configuration of `conn` read synchronously, and whether it is current (see [[CfgReadPort]]). */
  def readCfg(conn: UInt): (ConnCfg, Bool) = {
    val lastConn = RegNext(conn)
    (cfgMem.read(conn), lastConn === conn && !(lastWrEn && lastWrConn === conn))
  }
  for (rp <- io.cfg) {
    val (c, v) = readCfg(rp.conn)
    rp.cfg := c
    rp.valid := v
  }

  val initIdx = RegInit(0.U(p.connIdxBits.W))
  val initDone = RegInit(false.B)
  io.init.valid := !initDone
  io.init.bits := initIdx
  when(!initDone) {
    wrEn := true.B
    wrConn := initIdx
    initIdx := initIdx + 1.U
    when(initIdx === (p.numConns - 1).U) { initDone := true.B }
  }

  val respQ = Module(new Queue(new CsrResp, 2))
  io.resp <> respQ.io.deq

  val r = io.req.bits
  val global = r.addr(Csr.GlobalBit)
  val regIdx = r.addr(7, 3)
  val connRaw = r.addr(23, 8)
  val wellFormed = r.addr(2, 0) === 0.U && r.addr(30, 24) === 0.U
  val connOk = connRaw < p.numConns.U
  val conn = connRaw(p.connIdxBits - 1, 0)
  // The configuration is read from the address lines in every cycle, but a read counts only if a request was
  // there in the cycle it was issued: what the lines carry between requests is anybody's (a bus model may drive
  // garbage), and the time an access takes must not depend on it. Nor may it depend on whether the clock ran
  // through those cycles (VtoeAdapter's clock gate), which it would if a stale read could count.
  val (cur, curRead) = readCfg(conn)
  val curValid = curRead && RegNext(io.req.valid, false.B)
  // Nothing of a per-connection access happens before its configuration is read (a global one needs none).
  val cfgReady = initDone && (global || !wellFormed || !connOk || curValid)
  val d = r.data
  val hi32Zero = d(63, 32) === 0.U
  val low5Zero = d(4, 0) === 0.U
  io.busyQ.conn := conn
  val busy = io.busyQ.flag
  val stateReg = regIdx === Csr.Status.U || regIdx === Csr.SndUna.U || regIdx === Csr.SndNxt.U || regIdx === Csr.SndMax.U
  // Only a read needs the state (a write is refused); it waits for ConnStateUnit's answer.
  val needState = !global && wellFormed && connOk && stateReg && !r.write
  val stateData = io.state.resp.bits
  io.state.req.valid := io.req.valid && cfgReady && respQ.io.enq.ready && needState && !io.state.resp.valid
  io.state.req.bits := conn

  val rdata = WireDefault(0.U(PortWidths.CsrData.W))
  val resp = WireDefault(Csr.RespDecErr.U(PortWidths.AxiResp.W))
  val next = WireDefault(cur)
  val writeCfg = WireDefault(false.B)
  val ctlNeeded = WireDefault(false.B)
  val ctlOpen = WireDefault(false.B)
  def refuse(): Unit = resp := Csr.RespSlvErr.U
  def accept(): Unit = resp := Csr.RespOkay.U
  /** A register written only while the connection is disabled, with an extra validity check. */
  def staticReg(value: UInt, ok: Bool)(update: => Unit): Unit = {
    rdata := value
    when(!r.write) { accept() }
      .elsewhen(cur.enabled || !ok) { refuse() }
      .otherwise { accept(); update; writeCfg := true.B }
  }

  io.descSeq.req.valid := false.B
  io.descSeq.req.bits.write := r.write
  io.descSeq.req.bits.conn := conn
  io.descSeq.req.bits.reg := regIdx
  io.descSeq.req.bits.data := d

  when(global) {
    val globals = Seq(
      Csr.Id -> Csr.IdValue.U,
      Csr.NumConns -> p.numConns.U,
      Csr.DataBytes -> p.dataBytes.U,
      Csr.MaxBlockBytes -> p.maxBlockBytes.U,
      Csr.MaxRegionBytes -> p.maxRegionBytes.U,
      Csr.Tags -> p.tags.U,
      Csr.SlotBytes -> p.slotBytes.U,
      Csr.Retained -> p.retained.U,
      Csr.MaxRetries -> p.maxRetries.U,
      Csr.MaxBackoff -> p.maxBackoff.U
    ) ++ (0 until 16).map(i => (Csr.RxCounterBase + i) -> io.counters(i))
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
        val en = d(0)
        val mode = d(2, 1)
        when(!r.write) {
          accept()
        }.elsewhen(d(63, 3) =/= 0.U || mode === 3.U) {
          refuse() // undefined bits or mode 3
        }.elsewhen(en && !cur.enabled && (cur.regionBytes === 0.U || cur.mss === 0.U || cur.mss > p.slotBytes.U ||
            cur.rto === 0.U || busy)) {
          refuse() // enabling needs a region, an MSS that fits a slot, an RTO, and no work left from before
        }.elsewhen(en && cur.enabled && mode =/= cur.mode) {
          refuse() // the mode may only change while disabled
        }.otherwise {
          accept()
          next.enabled := en
          next.mode := Mux(cur.enabled, cur.mode, mode)
          writeCfg := true.B
          ctlNeeded := en =/= cur.enabled
          ctlOpen := en
        }
      }
      is(Csr.RegionVa.U) { staticReg(cur.regionVa, low5Zero) { next.regionVa := d } }
      is(Csr.RegionPa.U) { staticReg(cur.regionPa, low5Zero) { next.regionPa := d } }
      is(Csr.RegionBytes.U) {
        staticReg(cur.regionBytes, low5Zero && d =/= 0.U && d <= p.maxRegionBytes.U) { next.regionBytes := d(31, 0) }
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
          next.iss := d(31, 0)
          writeCfg := true.B
        }
      }
      is(Csr.Mac.U) { staticReg(cur.ourMac, d(63, 48) === 0.U) { next.ourMac := d(47, 0) } }
      is(Csr.PeerMac.U) { staticReg(cur.peerMac, d(63, 48) === 0.U) { next.peerMac := d(47, 0) } }
      is(Csr.Ips.U) {
        staticReg(Cat(cur.ourIp, cur.peerIp), true.B) { next.ourIp := d(63, 32); next.peerIp := d(31, 0) }
      }
      is(Csr.Ports.U) {
        // ACKs find their connection by the low bits of our port (XOR PortBase).
        val portOk = d(63, 32) === 0.U && (d(31, 16) ^ Csr.PortBase.U)(p.connIdxBits - 1, 0) === conn
        staticReg(Cat(cur.ourPort, cur.peerPort), portOk) { next.ourPort := d(31, 16); next.peerPort := d(15, 0) }
      }
      is(Csr.Mss.U) { staticReg(cur.mss, d =/= 0.U && d <= p.slotBytes.U) { next.mss := d(15, 0) } }
      is(Csr.Rto.U) { staticReg(cur.rto, d =/= 0.U && hi32Zero) { next.rto := d(31, 0) } }
      is(Csr.PeerWnd.U) {
        val shiftOk = d(63, 36) === 0.U && d(35, 32) <= Csr.MaxWndShift.U
        staticReg(Cat(cur.sndWndShift, cur.peerWnd), shiftOk) { next.peerWnd := d(31, 0); next.sndWndShift := d(35, 32) }
      }
      is(Csr.Rcv.U) {
        // The host's receive side moves these while the connection runs.
        rdata := Cat(cur.rcvWnd, cur.rcvNxt)
        when(!r.write) { accept() }
          .elsewhen(d(63, 48) =/= 0.U) { refuse() }
          .otherwise { accept(); next.rcvNxt := d(31, 0); next.rcvWnd := d(47, 32); writeCfg := true.B }
      }
      is(Csr.Status.U) { rdata := stateData(0); when(r.write) { refuse() }.otherwise { accept() } }
      is(Csr.SndUna.U) { rdata := stateData(1); when(r.write) { refuse() }.otherwise { accept() } }
      is(Csr.SndNxt.U) { rdata := stateData(2); when(r.write) { refuse() }.otherwise { accept() } }
      is(Csr.SndMax.U) { rdata := stateData(3); when(r.write) { refuse() }.otherwise { accept() } }
    }
  }

  io.ctl.valid := io.req.valid && cfgReady && respQ.io.enq.ready && ctlNeeded
  io.ctl.bits.conn := conn
  io.ctl.bits.open := ctlOpen
  io.ctl.bits.mode := next.mode
  io.req.ready := cfgReady && respQ.io.enq.ready && (!ctlNeeded || io.ctl.ready) && (!needState || io.state.resp.valid)

  when(initDone && io.req.fire && writeCfg) {
    wrEn := true.B
    wrConn := conn
    wrData := next
  }
  when(wrEn) { cfgMem.write(wrConn, wrData) }

  respQ.io.enq.valid := io.req.fire
  // Work for the clock: the reset sweep, an access, an answer not yet taken. The read ports' registers
  // follow their addresses every cycle; they settle while the clock runs on after the last activity.
  io.busy := !initDone || io.req.valid || respQ.io.deq.valid
  respQ.io.enq.bits.data := Mux(r.write, 0.U, rdata)
  respQ.io.enq.bits.resp := resp
}
