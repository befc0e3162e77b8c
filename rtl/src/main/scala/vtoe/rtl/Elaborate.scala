package vtoe.rtl

import java.nio.file.{Files, Path, Paths, StandardCopyOption}
import java.security.MessageDigest
import scala.jdk.CollectionConverters._

/** Elaborates every top the co-simulation uses into `<out>/<Top>/`: SystemVerilog, `filelist.f`,
  * and `params.json` holding the [[AdapterParams]] and the event codes the Java side reads back.
  *
  * {{{ Elaborate <out dir> [top ...] [<AdapterParams field>=<int> ...] }}}
  *
  * The Maven build runs it with no parameters (VtoeAdapter with 64 connections, FetchTop with 4). A
  * parameter replaces that field of every selected top's [[AdapterParams]]: this is how the configuration
  * cache (`vtoe.tb.rtlcfg.RtlBuilds`) elaborates e.g. `VtoeAdapter numConns=4096 dataBytes=16` into a build
  * of its own. A bad parameter prints `error: <the require() message>` and exits with status 2, before
  * anything is written.
  */
object Elaborate {
  /** Tops built for co-simulation: name -> (generator, params), each with `overrides` applied. */
  def tops(overrides: Seq[(String, String)] = Seq.empty): Seq[(String, () => chisel3.RawModule, AdapterParams)] = {
    val p = SynthElaborate.params(overrides, AdapterParams())
    val full = SynthElaborate.params(overrides, AdapterParams(numConns = fullConns))
    Seq(
      ("FetchTop", () => new FetchTop(p), p),
      ("AssertProbe", () => new AssertProbe, p),
      ("VtoeAdapter", () => new VtoeAdapter(full), full)
    )
  }

  /** Connections of the full adapter unless a `numConns=` parameter says otherwise. */
  val fullConns: Int = 64

  private val firtoolOpts = Array(
    "-disable-all-randomization",
    "-strip-debug-info",
    // Assertions live in the Verification layer; inline it so Verilator sees them without `bind`.
    "-enable-layers=Verification,Verification.Assert,Verification.Assume,Verification.Cover"
  )

  def main(args: Array[String]): Unit = {
    require(args.length >= 1, "usage: Elaborate <output dir> [top ...] [<param>=<int> ...]")
    val out = Paths.get(args(0))
    val (assignments, names) = args.drop(1).partition(_.contains("="))
    val overrides = assignments.toSeq.map { a => val Array(k, v) = a.split("=", 2); k -> v }
    val only = names.toSet
    val all = tops(overrides)
    for (n <- only if !all.exists(_._1 == n)) {
      System.err.println(s"error: unknown top '$n' (known: ${all.map(_._1).mkString(", ")})")
      sys.exit(2)
    }
    val selected = all.filter { case (name, _, _) => only.isEmpty || only(name) }
    // Skip when the compiled RTL and the parameters are unchanged: elaboration is the slowest step of a no-op build.
    val stamp = out.resolve(".fingerprint")
    val fp = fingerprint() + selected.map { case (n, _, p) => s" $n ${p.toJson}" }.mkString
    val present = selected.forall { case (name, _, _) => Files.exists(out.resolve(name).resolve("params.json")) }
    if (present && Files.exists(stamp) && Files.readString(stamp) == fp) {
      println(s"RTL unchanged since the last elaboration; Verilog in $out kept")
      return
    }
    for ((name, gen, p) <- selected) {
      val dir = out.resolve(name)
      val staging = out.resolveSibling(out.getFileName.toString + "-staging").resolve(name)
      val t0 = System.nanoTime()
      _root_.circt.stage.ChiselStage.emitSystemVerilogFile(gen(), Array("--target-dir", staging.toString), firtoolOpts)
      val json = s"""{"top": "$name", "params": ${p.toJson}, "eventCodes": ${EventCode.toJson}, """ +
        s""""ops": ${table(Op.all)}, "rxClasses": ${table(RxClass.all)}, "stateBits": ${stateBits(p)}, """ +
        // Code tables the waves name values with (translate filter files, vtoe.cosim.WaveFilters).
        s""""ackResults": ${table(AckResult.all)}, "timerKinds": ${table(TimerKind.all)}, """ +
        s""""connStates": ${table(ConnStateCode.all)}, "hostReqKinds": ${table(SegKind.all)}, """ +
        s""""hostRespStatus": ${table(HostRespStatus.all)}}"""
      Files.writeString(staging.resolve("params.json"), json + "\n")
      val changed = sync(staging, dir)
      println(f"elaborated $name%-12s into $dir (${(System.nanoTime() - t0) / 1e9}%.1f s, $changed file(s) changed)")
    }
    Files.writeString(stamp, fp)
  }

  /** Bits of on-adapter state per connection, from the RTL's own types (for BENCHMARKS.md). */
  private def stateBits(p: AdapterParams): String = {
    val conn = new ConnState(p).getWidth
    val entry = new RingEntry().getWidth
    val cfg = new ConnCfg().getWidth
    s"""{"connState": $conn, "ringEntry": $entry, "retained": ${p.retained}, "connCfg": $cfg, """ +
      s""""perConnection": ${conn + entry * p.retained + cfg}, "stagingBytes": ${p.stagingBytes}, "stagingRamBytes": ${p.stagingRamBytes}}"""
  }

  private def table(t: Seq[(String, Int)]): String = t.map { case (k, v) => s""""$k": $v""" }.mkString("{", ", ", "}")

  /** Copies files whose content changed (so Verilator only reruns for real changes), drops stale ones. */
  private def sync(from: Path, to: Path): Int = {
    Files.createDirectories(to)
    val fresh = Files.walk(from).iterator().asScala.filter(Files.isRegularFile(_)).toSeq
    var changed = 0
    for (f <- fresh) {
      val dst = to.resolve(from.relativize(f).toString)
      if (!Files.exists(dst) || !java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(dst))) {
        Files.createDirectories(dst.getParent)
        Files.copy(f, dst, StandardCopyOption.REPLACE_EXISTING)
        changed += 1
      }
    }
    val keep = fresh.map(f => from.relativize(f).toString).toSet
    for (old <- Files.walk(to).iterator().asScala.filter(Files.isRegularFile(_)).toSeq
         if !keep(to.relativize(old).toString)) Files.delete(old)
    changed
  }

  /** Hash of the compiled RTL classes (this package), which determine the Verilog. */
  private def fingerprint(): String = {
    val root = Paths.get(getClass.getProtectionDomain.getCodeSource.getLocation.toURI).resolve("vtoe/rtl")
    val md = MessageDigest.getInstance("SHA-256")
    Files.walk(root).iterator().asScala.filter(_.toString.endsWith(".class")).toSeq.map(_.toString).sorted
      .foreach(f => { md.update(f.getBytes); md.update(Files.readAllBytes(Paths.get(f))) })
    md.update(chisel3.BuildInfo.version.getBytes)
    md.digest().map("%02x".format(_)).mkString
  }
}
