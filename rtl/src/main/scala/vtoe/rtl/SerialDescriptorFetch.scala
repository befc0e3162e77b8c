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
  *
  * No head-of-line blocking between connections (issue 12, part 3). ConnStateUnit decides, in the
  * cycle it takes a descriptor, whether the connection's retained ring has room; when it has none the
  * descriptor is parked (`descParked`): the fetch keeps the chain's place {conn, descriptor VA} in
  * `parkVa` (a memory indexed by connection: a connection has at most one parked chain) and goes on
  * with other work. The descriptor is read again when the chain resumes; the seq it must carry is
  * DescSeq's, which only a descriptor handed on advances. ConnStateUnit wakes the connection once per
  * park, when an op leaves its ring with room or the connection stopped; wakes wait in `wakeQ`
  * (numConns entries of a connection number: one per parked chain at most, so it never overflows).
  * A woken chain resumes at Check, so a connection disabled meanwhile ends its chain with CONN_DISABLED
  * at the parked descriptor's VA, the code a chain whose connection stopped while it waited got before
  * parking (then the waiting descriptor was taken and dropped, and the event named the next one, or
  * none came after a chain's last; now the parked descriptor stays the host's, as every one past the
  * event). The loop bitmap covers one chain between parks: a chain that loops back to a descriptor
  * read before a park reads it again and ends with DESC_BAD_SEQ (its seq is behind) instead of
  * DESC_LOOP; either way nothing past the bad point is handed on.
  *
  * Per-connection order: a doorbell for a connection with a parked chain (or with doorbells already
  * deferred) is deferred into that connection's list in a pool of `deferDepth` = numConns +
  * doorbellDepth entries (memories: VA and link per entry, head and tail per connection), and starts
  * when that connection's chain ends without parking. Only with the pool full does such a doorbell
  * wait at the head of the doorbell queue (then a wake may still go first).
  *
  * Which chain goes next when the fetch is idle: the deferred doorbells of the connection whose chain
  * just ended; else the older of the doorbell queue's head and the wake queue's head, by the cycle each
  * arrived (a doorbell first on a tie). By age, the choice does not depend on the cycle the fetch
  * became idle, so the TLM, which knows when doorbells and wakes arrived but not exactly when the
  * fetch's events left, makes the same choice. Stamps count modulo 2^32 cycles: the order holds while
  * neither head has waited 2^31 cycles (8.6 s at 250 MHz).
  * Every structure is indexed: nothing on the per-cycle path grows with numConns.
  */
class SerialDescriptorFetch(p: AdapterParams, dmaId: Int) extends DescriptorFetch(p, dmaId) {
  override def desiredName = "SerialDescriptorFetch"

  object S extends ChiselEnum {
    val Idle, Check, Ar, R, Validate, Emit, Event, Next = Value
  }
  val state = RegInit(S.Idle)
  val now = io.now // the arrival stamps of doorbells and wakes

  class StampedDoorbell extends Bundle {
    val db = new Doorbell
    val stamp = UInt(32.W)
  }
  class StampedConn extends Bundle {
    val conn = UInt(p.connIdxBits.W)
    val stamp = UInt(32.W)
  }
  // Doorbells wait here (s_doorbell's queue, as deep as before), wakes in wakeQ.
  val dbQ = Module(new Queue(new StampedDoorbell, p.doorbellDepth))
  dbQ.io.enq.valid := io.doorbell.valid
  dbQ.io.enq.bits.db := io.doorbell.bits
  dbQ.io.enq.bits.stamp := now
  io.doorbell.ready := dbQ.io.enq.ready
  val wakeQ = Module(new Queue(new StampedConn, p.numConns))
  wakeQ.io.enq.valid := io.wake.valid
  wakeQ.io.enq.bits.conn := io.wake.bits
  wakeQ.io.enq.bits.stamp := now
  // Parked chains: one per connection at most.
  val parkedM = Mem(p.numConns, Bool())
  val parkVa = Mem(p.numConns, UInt(PortWidths.Addr.W))
  // Deferred doorbells: per connection a list through a shared pool.
  val deferDepth = p.numConns + p.doorbellDepth
  val poolBits = log2Ceil(deferDepth).max(1)
  val poolVa = Mem(deferDepth, UInt(PortWidths.Addr.W))
  val dLink = Mem(deferDepth, UInt(poolBits.W))
  val dValid = Mem(p.numConns, Bool()) // the connection has deferred doorbells
  val dHead = Mem(p.numConns, UInt(poolBits.W))
  val dTail = Mem(p.numConns, UInt(poolBits.W))
  // Each per-connection memory has one write port (sites in the comments), so it stays RAM.
  val parkedW = new OneWritePort(parkedM, Bool(), p.connIdxBits, 3, "parkedM") // init, wake, park
  val dValidW = new OneWritePort(dValid, Bool(), p.connIdxBits, 3, "dValid") // init, defer, pop
  val dHeadW = new OneWritePort(dHead, UInt(poolBits.W), p.connIdxBits, 2, "dHead") // defer, pop
  val fresh = RegInit(0.U(log2Ceil(deferDepth + 1).W)) // pool entries never used yet
  val freeQ = Module(new Queue(UInt(poolBits.W), deferDepth)) // pool entries given back
  val own = Reg(Bool()) // the chain belongs to a connection that exists

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
  // One write port too: the reset sweep, the chain's advance (Emit) and a CSR write. A CSR write in the
  // cycle of an advance waits a cycle in `seqPend` (at most one: CSR accesses take two cycles, advances
  // are several apart), and every read of DescSeq sees it there first.
  val descSeq = Mem(p.numConns, UInt(PortWidths.Seq.W))
  val descSeqW = new OneWritePort(descSeq, UInt(PortWidths.Seq.W), p.connIdxBits, 3, "descSeq") // init, advance, CSR
  class SeqWrite extends Bundle {
    val conn = UInt(p.connIdxBits.W)
    val seq = UInt(PortWidths.Seq.W)
  }
  val seqPend = RegInit(0.U.asTypeOf(Valid(new SeqWrite)))
  def readSeq(c: UInt): UInt = Mux(seqPend.valid && seqPend.bits.conn === c, seqPend.bits.seq, descSeq(c))
  val connIdx = conn(p.connIdxBits - 1, 0)
  io.descSeq.rdata := readSeq(io.descSeq.req.bits.conn)
  val advance = WireDefault(false.B) // Emit writes descSeq in this cycle
  val csrSeq = Wire(Valid(new SeqWrite))
  csrSeq.valid := io.descSeq.req.valid && io.descSeq.req.bits.write
  csrSeq.bits.conn := io.descSeq.req.bits.conn
  csrSeq.bits.seq := io.descSeq.req.bits.data(31, 0)
  when(io.init.valid) {
    descSeqW.write(0)(io.init.bits, 0.U)
    parkedW.write(0)(io.init.bits, false.B)
    dValidW.write(0)(io.init.bits, false.B)
  }.elsewhen(!advance) {
    // The older CSR write first; a new one waits behind it.
    when(seqPend.valid) {
      descSeqW.write(2)(seqPend.bits.conn, seqPend.bits.seq)
      seqPend := csrSeq
    }.elsewhen(csrSeq.valid) {
      descSeqW.write(2)(csrSeq.bits.conn, csrSeq.bits.seq)
    }
  }.elsewhen(csrSeq.valid) {
    assert(!seqPend.valid, "a second CSR write of DescSeq while one waits")
    seqPend := csrSeq
  }

  def raise(code: Int, detail: UInt): Unit = {
    evCode := code.U
    evDetail := detail
    state := S.Event
  }

  // Configuration of the doorbell's connection while idle, of the chain's connection otherwise.
  val dbHead = dbQ.io.deq
  val dbConn = dbHead.bits.db.conn
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

  /** A doorbell's chain starts, from the doorbell queue or from its connection's deferred list. */
  def startChain(c: UInt, headVa: UInt, ownC: Bool): Unit = {
    conn := c
    va := headVa
    wordUsed := 0.U
    own := ownC
    when(!ownC) {
      raise(EventCode.DoorbellBadConn, headVa)
    }.elsewhen(!cfg.enabled) {
      raise(EventCode.DoorbellDisabled, headVa)
    }.otherwise {
      expSeq := readSeq(c(p.connIdxBits - 1, 0))
      state := S.Check
    }
  }

  // Work for the clock: a chain in progress, a doorbell or wake waiting or arriving, a DescSeq access
  // or write pending, the reset sweep. Idle with none of these, the block writes nothing.
  io.busy := state =/= S.Idle || dbQ.io.deq.valid || wakeQ.io.deq.valid || io.doorbell.valid || io.wake.valid ||
    seqPend.valid || io.descSeq.req.valid || io.init.valid || io.r.valid
  dbHead.ready := false.B
  wakeQ.io.deq.ready := false.B
  freeQ.io.deq.ready := false.B
  freeQ.io.enq.valid := false.B
  freeQ.io.enq.bits := DontCare

  switch(state) {
    is(S.Idle) {
      // The older of the two heads first (a doorbell on a tie); a doorbell whose connection has a parked
      // chain or deferred doorbells joins that connection's list, or waits while the pool is full.
      val wk = wakeQ.io.deq
      val dbIdx = dbConn(p.connIdxBits - 1, 0)
      val dbOwn = dbConn < p.numConns.U
      val dbBlocked = dbOwn && (parkedM(dbIdx) || dValid(dbIdx))
      val poolRoom = fresh < deferDepth.U || freeQ.io.deq.valid
      val dbFirst = dbHead.valid && (!wk.valid || (dbHead.bits.stamp - wk.bits.stamp)(31) || dbHead.bits.stamp === wk.bits.stamp)
      val dbChosen = dbFirst && (!dbBlocked || poolRoom)
      // A doorbell that starts its chain looks at its connection's configuration: it waits for the
      // read (the choice stays made, so the order does not depend on the wait).
      val takeDb = !io.init.valid && dbChosen && (cfgOk || dbBlocked || !dbOwn)
      val takeWake = !io.init.valid && wk.valid && !dbChosen
      dbHead.ready := takeDb
      wk.ready := takeWake
      when(takeDb && dbBlocked) {
        val idx = Mux(fresh < deferDepth.U, fresh(poolBits - 1, 0), freeQ.io.deq.bits)
        freeQ.io.deq.ready := !(fresh < deferDepth.U)
        when(fresh < deferDepth.U) { fresh := fresh + 1.U }
        poolVa.write(idx, dbHead.bits.db.headVa)
        when(dValid(dbIdx)) { dLink.write(dTail(dbIdx), idx) }.otherwise { dHeadW.write(0)(dbIdx, idx) }
        dTail.write(dbIdx, idx)
        dValidW.write(1)(dbIdx, true.B)
      }.elsewhen(takeDb) {
        startChain(dbConn, dbHead.bits.db.headVa, dbOwn)
      }.elsewhen(takeWake) {
        val c = wk.bits.conn
        when(parkedM(c)) { // else stale: nothing is parked there any more
          parkedW.write(1)(c, false.B)
          conn := c
          va := parkVa(c)
          wordUsed := 0.U
          own := true.B
          expSeq := readSeq(c)
          state := S.Check
        }
      }
    }
    is(S.Next) {
      // The chain of conn ended without parking: its deferred doorbells go first, in order.
      when(dValid(connIdx) && !cfgOk) {
        // wait for the configuration (a CSR write to the connection in the last cycle)
      }.elsewhen(dValid(connIdx)) {
        val idx = dHead(connIdx)
        when(idx === dTail(connIdx)) { dValidW.write(2)(connIdx, false.B) }.otherwise { dHeadW.write(1)(connIdx, dLink(idx)) }
        freeQ.io.enq.valid := true.B
        freeQ.io.enq.bits := idx
        startChain(conn, poolVa(idx), true.B)
      }.otherwise {
        state := S.Idle
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
      when(io.desc.fire && io.descParked) {
        // The ring is full: the chain waits for its wake, read again from this descriptor.
        parkedW.write(2)(connIdx, true.B)
        parkVa.write(connIdx, va)
        state := S.Idle
      }.elsewhen(io.desc.fire) {
        val nextSeq = expSeq + dSize
        expSeq := nextSeq
        descSeqW.write(1)(connIdx, nextSeq)
        advance := true.B
        va := dNext
        state := Mux(dNext =/= 0.U, S.Check, Mux(dValid(connIdx), S.Next, S.Idle))
      }
    }
    is(S.Event) {
      when(io.event.fire) { state := Mux(own && dValid(connIdx), S.Next, S.Idle) }
    }
  }

  descSeqW.commit()
  parkedW.commit()
  dValidW.commit()
  dHeadW.commit()

  // Invariants of this block (checked in every co-simulation; a failure is a Java exception).
  assert(!io.wake.valid || wakeQ.io.enq.ready, "wake queue full: a connection was woken twice for one park")
  assert(!freeQ.io.enq.valid || freeQ.io.enq.ready, "deferred-doorbell pool: an entry given back twice")
  when(io.desc.valid) {
    assert(io.desc.bits.size =/= 0.U && io.desc.bits.size <= p.maxBlockBytes.U,
      "SerialDescriptorFetch emits a descriptor with an unchecked size")
  }
  when(io.ar.valid) {
    assert(io.ar.bits.addr(11, 0) +& (p.descBeats * p.dataBytes).U <= 4096.U,
      "descriptor read crosses a 4 KiB boundary")
  }
}
