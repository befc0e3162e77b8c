package vtoe.rtl

import chisel3._
import chisel3.util._

/** Ports of every [[DescriptorFetch]] implementation. */
class DescriptorFetchIO(p: AdapterParams) extends Bundle {
  val doorbell = Flipped(Decoupled(new Doorbell)) // chains to fetch (s_doorbell: the block queues them itself)
  val cfg = Flipped(new CfgReadPort(p)) // connection configuration (region, enable)
  val descSeq = Flipped(new RegAccess(p)) // CSR access to the DescSeq register this block owns
  val init = Input(Valid(UInt(p.connIdxBits.W))) // reset sweep from CsrFile
  val ar = Decoupled(new DmaAr(p)) // descriptor reads
  val r = Flipped(Decoupled(new DmaR(p))) // their data (only beats of this block's id arrive here)
  val desc = Decoupled(new FetchedDesc) // descriptors that passed every check
  // With desc's handshake: the connection's retained ring was full, the descriptor was parked, not
  // taken (ConnStateUnit decides, in the cycle it takes it; false where nothing owns rings).
  val descParked = Input(Bool())
  // A connection whose chain was parked has room in its ring again, or stopped (ConnStateUnit, once per park).
  val wake = Input(Valid(UInt(p.connIdxBits.W)))
  val event = Decoupled(new AdapterEvent) // bad descriptors and doorbells
  val now = Input(UInt(32.W)) // cycles since reset, modulo 2^32 (counted outside, where the clock always runs)
  val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
}
