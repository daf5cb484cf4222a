#!/usr/bin/env bash
# Runs every libFuzzer harness (tests/fuzz/<name>.c, built into $BALLAST_FUZZ_BUILD_DIR/tests/fuzz by
# scripts/fuzz) for a bounded time each (BALLAST_FUZZ_SECONDS, default 20 s: -max_total_time), from
# its seed corpus tests/fuzz/corpus/<name>/ (read only: new inputs go to a scratch corpus), under
# AddressSanitizer, UndefinedBehaviorSanitizer (halt on error) and LeakSanitizer (suppressions for
# Open MPI / PETSc / HDF5 / libconfig internals: tests/lsan.supp; and the reported, not yet fixed
# findings: tests/fuzz/known-findings.supp). One TAP line per harness: a loader error
# on a fuzz input is fine; a crash, leak, undefined behaviour, timeout (-timeout, 10 s per input)
# or out-of-memory is `not ok`, with the reproducer named. Not part of the normal prove run (the
# harnesses need the separate clang build); scripts/fuzz builds and runs this.
source "$(dirname "$0")/../cli/tap.sh"
fuzz_build="${BALLAST_FUZZ_BUILD_DIR:-$BALLAST_SOURCE_DIR/build-fuzz}"
seconds="${BALLAST_FUZZ_SECONDS:-20}"
harnesses=()
for src in "$BALLAST_SOURCE_DIR"/tests/fuzz/*.c; do harnesses+=("$(basename "$src" .c)"); done
[ -d "$fuzz_build/tests/fuzz" ] || skip_all "fuzz harnesses not built ($fuzz_build): run scripts/fuzz"
plan ${#harnesses[@]}
work=$(mktemp -d)
trap '[ -n "${BALLAST_FUZZ_KEEP:-}" ] || rm -rf "$work"' EXIT
# fast_unwind_on_malloc=0: full allocation stacks through libraries built without frame pointers
# (libconfig, PETSc), so the suppressions can match them
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1:fast_unwind_on_malloc=0"
cat "$BALLAST_SOURCE_DIR/tests/lsan.supp" "$BALLAST_SOURCE_DIR/tests/fuzz/known-findings.supp" > "$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TMPDIR="$work"
for h in "${harnesses[@]}"; do
  exe="$fuzz_build/tests/fuzz/$h"
  mkdir -p "$work/$h.corpus" "$work/$h.art"
  if [ ! -x "$exe" ]; then ok 1 "$h: harness built"; continue; fi
  seeds="$BALLAST_SOURCE_DIR/tests/fuzz/corpus/$h"
  timeout $((seconds + 120)) "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/$h.art/" "$work/$h.corpus" "$seeds" > "$work/$h.log" 2>&1
  rc=$?
  runs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$work/$h.log" | grep -o "[0-9]*$")
  art=$(ls "$work/$h.art" | head -1)
  if [ $rc -ne 0 ] || [ -n "$art" ]; then
    grep -E "ERROR|SUMMARY|runtime error|#[0-9]+ 0x" "$work/$h.log" | head -25 | sed 's/^/# /'
    if [ -n "$art" ]; then
      mkdir -p "$BALLAST_SOURCE_DIR/tests/fuzz/findings"
      cp "$work/$h.art/$art" "$BALLAST_SOURCE_DIR/tests/fuzz/findings/$h-$art"
      diag "reproducer: tests/fuzz/findings/$h-$art (run: $exe tests/fuzz/findings/$h-$art)"
    fi
  fi
  [ $rc -eq 0 ] && [ -z "$art" ]
  ok $? "$h: ${runs:-?} inputs in ${seconds} s, no crash, leak, undefined behaviour or hang"
done
exit $((_tap_fail > 0))
