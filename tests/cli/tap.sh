# Minimal TAP helpers for shell tests (sourced). TAP 13: no version line.
_tap_n=0
_tap_fail=0
plan() { echo "1..$1"; }
ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
  _tap_n=$((_tap_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; _tap_fail=$((_tap_fail + 1)); fi
}
is() { # is EXPECTED SEEN DESCRIPTION
  _tap_n=$((_tap_n + 1))
  if [ "$1" = "$2" ]; then echo "ok $_tap_n - $3"; else
    echo "# expected: $1"; echo "#     seen: $2"; echo "not ok $_tap_n - $3"; _tap_fail=$((_tap_fail + 1)); fi
}
contains() { # contains HAYSTACK-FILE NEEDLE DESCRIPTION
  _tap_n=$((_tap_n + 1))
  if grep -qF -- "$2" "$1"; then echo "ok $_tap_n - $3"; else
    echo "# looked for: $2"; sed 's/^/#         in: /' "$1" | head -20; echo "not ok $_tap_n - $3"; _tap_fail=$((_tap_fail + 1)); fi
}
skip_all() { echo "1..0 # skip $*"; exit 0; }
diag() { echo "# $*"; }
: "${BALLAST_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BALLAST_BUILD_DIR:=$BALLAST_SOURCE_DIR/build}"
BALLAST="$BALLAST_BUILD_DIR/ballast"
MPIRUN="$BALLAST_SOURCE_DIR/scripts/mpirun"
