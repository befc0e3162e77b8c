# Shared by the scripts; source it, do not run it.
VTOE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$VTOE_ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The classpath of the testbenches module (tools and tests), written once per build.
vtoe_classpath() {
  local f=testbenches/target/classpath.txt
  if [[ ! -s $f || testbenches/pom.xml -nt $f || pom.xml -nt $f ]]; then
    mvn -B -q -pl testbenches dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null \
      || die "cannot resolve the testbenches classpath (run ./scripts/test once to see why)"
  fi
  # This checkout's own modules, not the jars that the last 'mvn install' of any checkout left in ~/.m2.
  echo "testbenches/target/classes:$(sed -E "s#[^:]*/dev/vtoe/vtoe-([a-z]+)/[^:]*\.jar#$VTOE_ROOT/\1/target/classes#g" "$f")"
}

# Builds every module (Chisel elaboration, Verilator, JNI library) without running tests.
vtoe_build() {
  say "building (Chisel -> Verilog -> Verilator -> JNI); the first build downloads dependencies"
  local t0=$SECONDS
  mvn -B -q install -DskipTests "$@" || die "build failed"
  say "built in $((SECONDS - t0)) s"
}
