package vtoe.rtl

import java.lang.reflect.InvocationTargetException
import java.nio.file.{Files, Paths}

/** Elaborates one top into the Yosys flavour of the Verilog for `./scripts/synth` (issue 12):
  * `<out>/<Top>.sv` (the whole design in one file) and `<out>/params.json`.
  *
  * {{{ SynthElaborate <out dir> [top=VtoeAdapter] [<AdapterParams field>=<int> ...] }}}
  *
  * Differs from [[Elaborate]] (the co-simulation flavour) in two ways:
  *  - the Verification layers are disabled, so no assertion, assumption or cover reaches synthesis;
  *  - firtool's lowering options keep to the Verilog subset that Yosys 0.23's `read_verilog -sv` reads
  *    (see [[loweringOptions]]).
  *
  * A bad parameter prints `error: <the AdapterParams require() message>` and exits with status 2,
  * before anything is written.
  */
object SynthElaborate {

  /** Tops that can be synthesised, by name. */
  val tops: Map[String, AdapterParams => chisel3.RawModule] = Map(
    "VtoeAdapter" -> (p => new VtoeAdapter(p)),
    "FetchTop" -> (p => new FetchTop(p))
  )

  /** firtool's `--lowering-options` for Yosys 0.23: the smallest set with which `read_verilog -sv` reads
    * the whole adapter. Each is there because Yosys rejects what firtool 1.155 emits without it. Not needed:
    * `noAlwaysComb` (Yosys reads `always_comb`), `locationInfoStyle=none` (`-strip-debug-info` already
    * drops the locations), `disallowExpressionInliningInPorts`, `disallowPortDeclSharing`. */
  val loweringOptions: Seq[String] = Seq(
    // `automatic logic x = ...;` declared inside always blocks: "syntax error, unexpected TOK_AUTOMATIC"
    "disallowLocalVariables",
    // Multi-dimensional packed wires, `wire [31:0][63:0] _GEN = {{a}, {b}, ...}` (register-file read
    // muxes): "syntax error, unexpected '['"; without it firtool emits them, with it it indexes flat vectors
    "disallowPackedArrays"
  )

  val firtoolOpts: Array[String] = Array(
    "-disable-all-randomization",
    "-strip-debug-info",
    // No assertions in synthesis: the Verification layers (and their bind files) are dropped, not inlined.
    "--disable-layers=Verification",
    "--lowering-options=" + loweringOptions.mkString(",")
  )

  def main(args: Array[String]): Unit = {
    if (args.isEmpty) fail("usage: SynthElaborate <out dir> [top=VtoeAdapter] [<param>=<int> ...]")
    val out = Paths.get(args(0))
    val kv = args.drop(1).map { a =>
      a.split("=", 2) match {
        case Array(k, v) if k.nonEmpty => k -> v
        case _ => fail(s"expected key=value, not '$a'")
      }
    }
    val top = kv.collectFirst { case ("top", v) => v }.getOrElse("VtoeAdapter")
    val gen = tops.getOrElse(top, fail(s"unknown top '$top' (known: ${tops.keys.toSeq.sorted.mkString(", ")})"))
    val p = params(kv.filter(_._1 != "top").toSeq)

    val t0 = System.nanoTime()
    val verilog = _root_.circt.stage.ChiselStage.emitSystemVerilog(gen(p), Array.empty[String], firtoolOpts)
    Files.createDirectories(out)
    Files.writeString(out.resolve(s"$top.sv"), verilog)
    Files.writeString(out.resolve("params.json"),
      s"""{"top": "$top", "params": ${p.toJson}, "loweringOptions": "${loweringOptions.mkString(",")}"}""" + "\n")
    println(f"elaborated $top (${p.numConns} connections) into $out in ${(System.nanoTime() - t0) / 1e9}%.1f s")
  }

  /** [[AdapterParams]] from `base` (the defaults unless given) with the named fields replaced; every field is
    * an Int. The constructor runs once with all values, so each require() sees the final configuration. A bad
    * name or value prints `error: ...` and exits with status 2 (this is the command line's parser). */
  def params(overrides: Seq[(String, String)], base: AdapterParams = AdapterParams()): AdapterParams = {
    val defaults = base
    val names = defaults.productElementNames.toSeq
    for ((k, _) <- overrides if !names.contains(k))
      fail(s"unknown parameter '$k' (known: ${names.mkString(", ")})")
    val values = names.zip(defaults.productIterator.toSeq).map { case (name, default) =>
      overrides.reverse.collectFirst { case (`name`, v) => v } match {
        case None => default.asInstanceOf[AnyRef]
        case Some(v) => Integer.valueOf(v.toIntOption.getOrElse(fail(s"$name must be an integer, not '$v'")))
      }
    }
    val ctor = classOf[AdapterParams].getConstructors.find(_.getParameterCount == names.size).get
    try ctor.newInstance(values: _*).asInstanceOf[AdapterParams]
    catch {
      case e: InvocationTargetException if e.getCause.isInstanceOf[IllegalArgumentException] =>
        fail(e.getCause.getMessage.stripPrefix("requirement failed: "))
    }
  }

  private def fail(msg: String): Nothing = {
    System.err.println(s"error: $msg")
    sys.exit(2)
  }
}
