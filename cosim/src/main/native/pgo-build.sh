#!/usr/bin/env bash
# Builds the profile-guided (PGO) flavour of libvtoe_cosim.so and vtoe_replay, which testbenches/pom.xml
# puts in testbenches/target/classes/native/linux-x86_64/: first on the tools' and tests' classpath, so
# every co-simulation, regression seed and --rtl confirmation runs it, and the plain build in
# cosim/target stays for -Dvtoe.pgo=off and for comparison (./scripts/bench times both).
#
# Why PGO: the Verilated model's time is spread over about 1,600 Verilog statements (./scripts/profile),
# so no single block is left to redesign, while g++ laying out that code by where the branches really go
# made replays 1.27-1.38x faster (measured in stop 28; Verilator -O3, g++ -O2 or -march=native did not help).
#
# Steps, each in testbenches/target/pgo/ (a few seconds each but the two compiles, about 40 s each):
#   1. record port traces of a training workload on the plain library: an idle adapter and the demo's
#      world streaming in each mode, on other seeds and sizes than the ones ./scripts/bench times;
#   2. build an instrumented vtoe_replay (VTOE_PGO=GENERATE) and replay the traces, which writes the profile;
#   3. build the library and vtoe_replay again in the same directory with that profile (VTOE_PGO=USE);
#   4. replay every trace on the new vtoe_replay with its check on: the outputs of every cycle must hash
#      as recorded on the plain build, so the optimised model is shown to be the same machine;
#   5. copy both files, with pgo.json (what was trained, the check, the plain library it came from).
# Nothing is done when the plain library, the training and this script are as at the last build.
#
# Usage (testbenches/pom.xml passes all of it):
#   pgo-build.sh on|off <native src> <gen dir> <verilog root> <plain lib dir> <jni include> <jni headers>
#                <verilator version> <jobs> <work dir> <out dir> <java> <classpath>
set -euo pipefail
(($# == 13)) || { echo "pgo-build.sh: expected 13 arguments, got $#" >&2; exit 2; }
mode=$1 src=$2 gen=$3 verilog=$4 plain=$5 jni=$6 jnih=$7 vver=$8 jobs=$9 work=${10} out=${11} java=${12} cp=${13}

# The training workload: idle cycles, then bytes per mode on seed base 101 (the bench uses 7).
IDLE=100000 BYTES=1048576 SEED=101
say() { printf '[pgo] %s\n' "$*"; }

mkdir -p "$out" "$work"
plain=$(cd "$plain" 2>/dev/null && pwd) || { echo "pgo-build.sh: no directory $5: build the cosim module first" >&2; exit 1; }
FILES=(libvtoe_cosim.so vtoe_replay pgo.json)
install() {
  local f
  for f in "${FILES[@]}"; do
    cp "$work/use-out/$f" "$out/.$f.tmp" && mv "$out/.$f.tmp" "$out/$f"
  done
}
uninstall() {
  local f
  for f in "${FILES[@]}"; do
    rm -f "$out/$f"
  done
}
if [[ $mode == off ]]; then
  # The build in target/pgo stays, so that turning PGO on again only copies it back if nothing changed.
  uninstall
  say "off (-Dvtoe.pgo=off): the plain library in cosim/target is used"
  exit 0
fi
[[ $mode == on ]] || { echo "pgo-build.sh: mode must be on or off, not '$mode'" >&2; exit 2; }
[[ -f $plain/libvtoe_cosim.so && -x $plain/vtoe_replay ]] \
  || { echo "pgo-build.sh: no plain library and vtoe_replay in $plain: build the cosim module first" >&2; exit 1; }

stamp=$(cat "$plain/libvtoe_cosim.so" "$plain/vtoe_replay" "$0" "$src/CMakeLists.txt" | sha256sum | cut -c1-64)
stamp="$stamp idle=$IDLE bytes=$BYTES seed=$SEED"
if [[ -f $work/stamp && $(cat "$work/stamp") == "$stamp" ]]; then
  if ! cmp -s "$work/use-out/libvtoe_cosim.so" "$out/libvtoe_cosim.so" || ! cmp -s "$work/use-out/pgo.json" "$out/pgo.json"; then
    install
  fi
  say "up to date: $out"
  exit 0
fi
# A stale optimised library must never stay first on the classpath while this runs or if it fails.
uninstall
rm -rf "$work/stamp" "$work/use-out"
t0=$SECONDS

say "1/5 recording the training traces on the plain library"
rm -rf "$work/traces"
"$java" -Dvtoe.lib="$plain/libvtoe_cosim.so" -cp "$cp" vtoe.tb.bench.ProfileTraces record "$work/traces" $IDLE $BYTES $SEED \
  > "$work/record.log" 2>&1 || { cat "$work/record.log" >&2; exit 1; }
traces=("$work"/traces/*.ptrace)

# Configures the one build directory for a flavour (GENERATE or USE: the profile lands beside its objects,
# so both must build there), then builds into $work/<out dir>; further arguments go to the build.
build_flavour() {
  local flavour=$1 outdir=$2 log="$work/cmake-$1.log"
  shift 2
  cmake -S "$src" -B "$work/cmake" -DCMAKE_BUILD_TYPE=Release -DVTOE_PGO="$flavour" -DVTOE_GEN_DIR="$gen" \
    -DVTOE_VERILOG_ROOT="$verilog" -DJNI_INCLUDE="$jni" -DJNI_HEADERS="$jnih" -DVTOE_LIB_OUT="$work/$outdir" \
    -DEXPECTED_VERILATOR_VERSION="$vver" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
  cmake --build "$work/cmake" -j "$jobs" "$@" >> "$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
}

say "2/5 instrumented build and training ($((SECONDS - t0)) s)"
build_flavour GENERATE gen-out --target vtoe_replay
find "$work/cmake" -name '*.gcda' -delete
for t in "${traces[@]}"; do
  "$work/gen-out/vtoe_replay" --no-check "$t" > /dev/null
done

say "3/5 optimised build ($((SECONDS - t0)) s)"
build_flavour USE use-out
n=$(find "$work/cmake" -name '*.gcda' | wc -l)
((n > 0)) || { echo "pgo-build.sh: the training wrote no profile (.gcda) under $work/cmake" >&2; exit 1; }

say "4/5 checking the optimised model against the recordings ($((SECONDS - t0)) s)"
checks=""
for t in "${traces[@]}"; do
  line=$("$work/use-out/vtoe_replay" "$t") || { echo "pgo-build.sh: the optimised model differs from the plain one on $t" >&2; exit 1; }
  checks+="${checks:+, }{\"trace\": \"$(basename "$t")\", \"replay\": $line}"
done

say "5/5 installing into $out ($((SECONDS - t0)) s)"
cat > "$work/use-out/pgo.json" <<EOF
{"flavour": "pgo", "plainLibrary": "$plain/libvtoe_cosim.so",
 "plainLibrarySha256": "$(sha256sum "$plain/libvtoe_cosim.so" | cut -c1-64)",
 "training": {"idleCycles": $IDLE, "streamBytesPerMode": $BYTES, "seedBase": $SEED, "profiles": $n},
 "checked": [$checks],
 "buildSeconds": $((SECONDS - t0))}
EOF
install
echo "$stamp" > "$work/stamp"
say "built in $((SECONDS - t0)) s; every training trace replays equal on the optimised model"
