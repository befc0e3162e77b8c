package vtoe.rtl

import chisel3._

/** Follows descriptor chains in host memory and hands on the descriptors that pass the checks of
  * design brief section 3. Implementations differ in how many descriptor reads they keep in flight;
  * all must produce the same descriptors and events in the same order per connection.
  *
  * The Java TLM mirrors this with `vtoe.model.adapter.DescriptorFetch` and its implementations.
  */
abstract class DescriptorFetch(val p: AdapterParams, val dmaId: Int) extends Module {
  require(dmaId >= 0 && dmaId < (1 << p.dmaIdBits), s"dmaId $dmaId does not fit in ${p.dmaIdBits} bits")
  val io = IO(new DescriptorFetchIO(p))
}
