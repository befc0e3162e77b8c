package vtoe.rtl

import chisel3._
import chisel3.util._

/** One chain at a time, one descriptor read in flight.
  *
  * Trade-off: smallest state (one chain context and a loop bitmap of `regionSlots` bits) at the cost
  * of one host read latency per descriptor. Descriptors describe blocks of up to `maxBlockBytes`, so
  * the fetch latency is amortised over many data beats; a prefetching variant would only pay off for
  * chains of tiny blocks.
  *
  * Order of checks, which decides the event code when several apply (the TLM checks in the same
  * order): for a VA before it is read: disabled connection, out of region, misaligned, loop; for the
  * descriptor read: DMA error, size, seq, missing PA (PREPINNED). Nothing past a bad point is read.
  */
class SerialDescriptorFetch(p: AdapterParams, dmaId: Int) extends DescriptorFetch(p, dmaId) {
  override def desiredName = "SerialDescriptorFetch"

  object S extends ChiselEnum {
    val Idle, Check, Ar, R, Validate, Emit, Event = Value
  }
  val state = RegInit(S.Idle)

  val conn = Reg(UInt(PortWidths.Conn.W))
  val va = Reg(UInt(PortWidths.Addr.W)) // VA of the descriptor being processed
  val pa = Reg(UInt(PortWidths.Addr.W)) // its PA
  val expSeq = Reg(UInt(PortWidths.Seq.W))
  // The loop bitmap in words of up to 64 slots, in a memory, with one bit per word that says it was
  // written since the chain started: a chain's start clears it in one step, and no cycle operates on
  // all regionSlots bits at once, which a simulation of a register that wide does in every cycle.
  val wordBits = p.regionSlots.min(64)
  val nWords = p.regionSlots / wordBits
  val visitedWords = Mem(nWords, UInt(wordBits.W))
  val wordUsed = Reg(UInt(nWords.W))
  val beats = Reg(Vec(p.descBeats, UInt((p.dataBytes * 8).W)))
  val beatCnt = Reg(UInt(PortWidths.AxiLen.W))
  val rBad = Reg(Bool())
  val evCode = Reg(UInt(PortWidths.EventCode.W))
  val evDetail = Reg(UInt(PortWidths.Detail.W))

  // DescSeq: the seq the next descriptor of each connection must carry.
  val descSeq = Mem(p.numConns, UInt(PortWidths.Seq.W))
  val connIdx = conn(p.connIdxBits - 1, 0)
  io.descSeq.rdata := descSeq(io.descSeq.req.bits.conn)
  when(io.init.valid) {
    descSeq.write(io.init.bits, 0.U)
  }.elsewhen(io.descSeq.req.valid && io.descSeq.req.bits.write) {
    descSeq.write(io.descSeq.req.bits.conn, io.descSeq.req.bits.data(31, 0))
  }

  def raise(code: Int, detail: UInt): Unit = {
    evCode := code.U
    evDetail := detail
    state := S.Event
  }

  // Configuration of the doorbell's connection while idle, of the chain's connection otherwise.
  val dbConn = io.doorbell.bits.conn
  io.cfg.conn := Mux(state === S.Idle, dbConn(p.connIdxBits - 1, 0), connIdx)
  val cfg = io.cfg.cfg
  // The configuration memory reads a cycle late: a step that looks at the configuration waits until it
  // holds the connection's current one (the address stays put while the step waits).
  val cfgOk = io.cfg.valid

  // The descriptor as read, little-endian; with 64-byte beats it is one half of the beat.
  val raw: UInt =
    if (p.dataBytes <= 32) beats.asUInt
    else Mux(pa(5), beats(0)(511, 256), beats(0)(255, 0))
  val dVa = raw(63, 0)
  val dNext = raw(127, 64)
  val dSize = raw(159, 128)
  val dSeq = raw(191, 160)
  val dPa = raw(255, 192)

  io.doorbell.ready := state === S.Idle && !io.init.valid && cfgOk
  io.ar.valid := state === S.Ar
  io.ar.bits.id := dmaId.U
  io.ar.bits.addr := pa & ~((p.dataBytes - 1).U(PortWidths.Addr.W))
  io.ar.bits.len := (p.descBeats - 1).U
  io.r.ready := state === S.R
  io.desc.valid := state === S.Emit
  io.desc.bits.conn := conn
  io.desc.bits.descVa := va
  io.desc.bits.va := dVa
  io.desc.bits.size := dSize
  io.desc.bits.seq := dSeq
  io.desc.bits.pa := dPa
  io.event.valid := state === S.Event
  io.event.bits.conn := conn
  io.event.bits.code := evCode
  io.event.bits.detail := evDetail

  val off = va - cfg.regionVa
  val slot = (off >> 5)(log2Ceil(p.regionSlots).max(1) - 1, 0)
  val word = if (nWords == 1) 0.U else slot >> log2Ceil(wordBits)
  val bit = if (wordBits == 1) 0.U else slot(log2Ceil(wordBits) - 1, 0)
  val visitedWord = Mux(wordUsed(word), visitedWords(word), 0.U)

  switch(state) {
    is(S.Idle) {
      when(io.doorbell.fire) {
        conn := dbConn
        va := io.doorbell.bits.headVa
        wordUsed := 0.U
        when(dbConn >= p.numConns.U) {
          raise(EventCode.DoorbellBadConn, io.doorbell.bits.headVa)
        }.elsewhen(!cfg.enabled) {
          raise(EventCode.DoorbellDisabled, io.doorbell.bits.headVa)
        }.otherwise {
          expSeq := descSeq(dbConn(p.connIdxBits - 1, 0))
          state := S.Check
        }
      }
    }
    is(S.Check) {
      when(!cfgOk) {
        // wait for the configuration
      }.elsewhen(!cfg.enabled) {
        raise(EventCode.ConnDisabled, va)
      }.elsewhen(va < cfg.regionVa || off >= cfg.regionBytes) {
        raise(EventCode.DescOutOfRegion, va)
      }.elsewhen(va(4, 0) =/= 0.U) {
        raise(EventCode.DescMisaligned, va)
      }.elsewhen(visitedWord(bit)) {
        raise(EventCode.DescLoop, va)
      }.otherwise {
        visitedWords.write(word, visitedWord | UIntToOH(bit, wordBits))
        wordUsed := wordUsed | UIntToOH(word, nWords)
        pa := cfg.regionPa + off
        state := S.Ar
      }
    }
    is(S.Ar) {
      when(io.ar.fire) {
        beatCnt := 0.U
        rBad := false.B
        state := S.R
      }
    }
    is(S.R) {
      when(io.r.fire) {
        when(beatCnt < p.descBeats.U) { beats(beatCnt(log2Ceil(p.descBeats).max(1) - 1, 0)) := io.r.bits.data }
        beatCnt := beatCnt + 1.U
        val wrongCount = io.r.bits.last =/= (beatCnt === (p.descBeats - 1).U)
        when(io.r.bits.resp =/= 0.U || wrongCount) { rBad := true.B }
        when(io.r.bits.last) { state := S.Validate }
      }
    }
    is(S.Validate) {
      when(!cfgOk) {
        // wait for the configuration
      }.elsewhen(rBad) {
        raise(EventCode.DescDmaError, pa)
      }.elsewhen(dSize === 0.U || dSize > p.maxBlockBytes.U) {
        raise(EventCode.DescBadSize, dSize)
      }.elsewhen(dSeq =/= expSeq) {
        raise(EventCode.DescBadSeq, Cat(dSeq, expSeq))
      }.elsewhen(cfg.mode === 2.U && dPa === 0.U) {
        raise(EventCode.DescBadPa, va) // PREPINNED: the host must have pinned the block and said where
      }.otherwise {
        state := S.Emit
      }
    }
    is(S.Emit) {
      when(io.desc.fire) {
        val nextSeq = expSeq + dSize
        expSeq := nextSeq
        descSeq.write(connIdx, nextSeq)
        va := dNext
        state := Mux(dNext === 0.U, S.Idle, S.Check)
      }
    }
    is(S.Event) {
      when(io.event.fire) { state := S.Idle }
    }
  }

  // Invariants of this block (checked in every co-simulation; a failure is a Java exception).
  when(io.desc.valid) {
    assert(io.desc.bits.size =/= 0.U && io.desc.bits.size <= p.maxBlockBytes.U,
      "SerialDescriptorFetch emits a descriptor with an unchecked size")
  }
  when(io.ar.valid) {
    assert(io.ar.bits.addr(11, 0) +& (p.descBeats * p.dataBytes).U <= 4096.U,
      "descriptor read crosses a 4 KiB boundary")
  }
}
