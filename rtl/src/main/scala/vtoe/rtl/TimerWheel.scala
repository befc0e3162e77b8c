package vtoe.rtl

import chisel3._
import chisel3.util._

/** The slot table of ConnStateUnit's hashed timer wheel (Varghese and Lauck's scheme 6): W slots of G
  * cycles, each the head of a list of connections threaded through their state's `wheelNext`. Slot n
  * covers the cycles [n*G, (n+1)*G) and lives at index n mod W. When `now` reaches a slot's first cycle
  * and the previous slot's list has been walked, the slot is opened: its whole list is detached and
  * handed to ConnStateUnit one connection at a time (`walk`), which looks at each with its state
  * (due: TIMER; not yet: back into the slot of its deadline; timer stopped: dropped). Inserting and
  * opening cost one cycle each, whatever the number of connections; the walk costs one op cycle per
  * connection in the slot. A slot is not opened in a cycle that inserts (the table has one write port),
  * so an insertion into the slot about to open joins the list walked now.
  *
  * Trade-off: a list per slot, not per deadline, so the table stays W entries and an insertion never
  * searches; the price is the lazy re-check of connections whose slot comes up before their deadline.
  * The table is W x (connIdxBits + 1) bits with one write and two read ports: LUTRAM on an FPGA.
  */
class TimerWheel(p: AdapterParams) extends Module {
  override def desiredName = "TimerWheel"
  val W = p.timerSlots
  val io = IO(new Bundle {
    val now = Input(UInt(PortWidths.Time.W))
    val insert = Input(Valid(new TimerWheelInsert(p))) // put a connection at the head of a slot's list
    val insertNext = Output(Valid(UInt(p.connIdxBits.W))) // that list before the insertion: the connection's wheelNext
    val stepped = Input(Valid(Valid(UInt(p.connIdxBits.W)))) // ConnStateUnit looked at the walk's head: its wheelNext
    val walk = Output(Valid(UInt(p.connIdxBits.W))) // the next connection of the walk
    val slotTime = Output(UInt(PortWidths.Time.W)) // first cycle of the slot being walked
    val ready = Output(Bool()) // the table is cleared after reset
    val busy = Output(Bool()) // clearing the table or walking a list: ConnStateUnit's ops run with the wheel
    val due = Output(Bool()) // a slot is due to open (the wheel changes state, on its own clock)
  })
  val slots = Mem(W, Valid(UInt(p.connIdxBits.W)))
  // After reset the table holds garbage: clear it one slot per cycle, as hardware clears a RAM. Slots open
  // meanwhile (empty, as nothing can be inserted yet), so the cursor keeps time from the first cycle.
  val sweep = RegInit(0.U(p.timerSlotBits.W))
  val swept = RegInit(false.B)
  io.ready := swept
  val cursor = RegInit(0.U(p.timerSlotBits.W)) // index of the next slot to open
  val cursorTime = RegInit(0.U(PortWidths.Time.W)) // its first cycle
  val walkReg = RegInit(0.U.asTypeOf(Valid(UInt(p.connIdxBits.W))))
  val slotTime = RegInit(0.U(PortWidths.Time.W))
  io.slotTime := slotTime
  // The walk's next connection is the successor of the one ConnStateUnit looks at in this very cycle, if
  // it looks at one: a walk step every cycle, though a connection's wheelNext is only known once read.
  val walk = Mux(io.stepped.valid, io.stepped.bits, walkReg)
  io.walk := walk
  val head = slots(cursor)
  val open = !walk.valid && io.now >= cursorTime && !io.insert.valid
  io.busy := !swept || walk.valid
  io.due := io.now >= cursorTime
  val before = slots(io.insert.bits.slot)
  io.insertNext.valid := before.valid && swept
  io.insertNext.bits := before.bits

  when(io.stepped.valid) { walkReg := io.stepped.bits }
  when(open) {
    walkReg.valid := head.valid && swept
    walkReg.bits := head.bits
    slotTime := cursorTime
    cursor := cursor + 1.U
    cursorTime := cursorTime + p.timerSlotCycles.U
  }
  val empty = 0.U.asTypeOf(Valid(UInt(p.connIdxBits.W)))
  when(!swept) {
    slots.write(sweep, empty)
    sweep := sweep + 1.U
    when(sweep === (W - 1).U) { swept := true.B }
  }.elsewhen(io.insert.valid) {
    val e = Wire(Valid(UInt(p.connIdxBits.W)))
    e.valid := true.B
    e.bits := io.insert.bits.conn
    slots.write(io.insert.bits.slot, e)
  }.elsewhen(open && head.valid) {
    slots.write(cursor, empty)
  }
  assert(!io.insert.valid || swept, "TimerWheel: an insertion before the slot table was cleared")
}
