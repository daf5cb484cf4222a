#!/usr/bin/env bash
# A full output file system (a small tmpfs: ENOSPC deterministically) ends in exit 5 naming the
# file, on 1 and 3 ranks under `timeout`, with no crash, no hang, the earlier alm.nc untouched and no
# temporary left: alm.nc itself (built in memory, one checked write), contracts.nc
# (--position-detail) and cashflows.nc (--cash-flows: its spill file, then the file), which are only
# started when the directory has room for them (HDF5 cannot fail cleanly in parallel). A read-only
# output directory fails before the computation; stale temporaries of a killed run are removed
# (and said so). Needs root to mount the tmpfs (skipped otherwise).
source "$(dirname "$0")/tap.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root to mount a small tmpfs"
work=$(mktemp -d)
mnt="$work/mnt"
mkdir -p "$mnt"
cleanup() { while mountpoint -q "$mnt" 2>/dev/null; do umount "$mnt" || break; done; rm -rf "$work"; }
trap cleanup EXIT
mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null || skip_all "cannot mount a tmpfs here"
umount "$mnt"
timeout 120 "$BALLAST" generate --contracts 200 --seed 5 --out "$work/bank" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1 || skip_all "generate failed"
cfg="$work/bank/run.cfg"
plan 46

# full SIZE NP OPTION EXPECTED-MESSAGE: a tmpfs of SIZE holding an earlier alm.nc
full() {
  local size=$1 np=$2 opt=$3 want=$4 st
  mount -t tmpfs -o "size=$size" tmpfs "$mnt"
  echo "earlier" > "$mnt/alm.nc"
  timeout 120 "$MPIRUN" -np "$np" "$BALLAST" run "$cfg" --output "$mnt" $opt > "$work/stdout" 2> "$work/stderr" < /dev/null
  st=$?
  local what="$size ${opt:-(alm.nc only)} on $np rank(s)"
  is 5 "$st" "$what: exit 5 (no crash, no hang)"
  contains "$work/stderr" "$want" "$what: the message names the file"
  is "earlier" "$(cat "$mnt/alm.nc")" "$what: the earlier alm.nc is untouched"
  is "" "$(ls -A "$mnt" | grep -v '^alm.nc$' | grep -v '^contracts.nc$' | tr '\n' ' ')" "$what: no temporary left"
  umount "$mnt"
}
for np in 1 3; do
  full 40k $np "" "$mnt/alm.nc: cannot write: No space left on device"
  full 24k $np --position-detail "$mnt/contracts.nc: not enough space"
  full 100k $np --position-detail "$mnt/alm.nc: cannot write: No space left on device"
  full 1M $np --cash-flows "$mnt/.cashflows-spill-"
  full 20M $np --cash-flows "$mnt/cashflows.nc: not enough space"
done

# a read-only output directory: refused before the computation starts
mount -t tmpfs -o size=1M,ro tmpfs "$mnt"
timeout 120 "$MPIRUN" -np 3 "$BALLAST" run "$cfg" --output "$mnt" > "$work/stdout" 2> "$work/stderr" < /dev/null
is 5 "$?" "read-only output directory on 3 ranks: exit 5"
contains "$work/stderr" "$mnt: the output directory is not writable" "... naming the directory"
grep -q '^project:' "$work/stderr"; is 1 "$?" "... before the projection"
umount "$mnt"

# stale temporaries of a killed run are removed by the next run, which says so
out="$work/out"; mkdir -p "$out"
echo x > "$out/alm.nc.tmp.12345"; echo x > "$out/contracts.nc.tmp"; echo x > "$out/.cashflows-spill-abcdef"; echo keep > "$out/notes.txt"
timeout 120 "$MPIRUN" -np 3 "$BALLAST" run "$cfg" --output "$out" > "$work/stdout" 2> "$work/stderr" < /dev/null
is 0 "$?" "a run into a directory with stale temporaries succeeds"
contains "$work/stderr" "removed $out/alm.nc.tmp.12345, a temporary file left by an earlier run" "... and says which it removed"
is "alm.nc notes.txt" "$(ls -A "$out" | tr '\n' ' ' | sed 's/ $//')" "... they are gone, other files kept"
