#!/usr/bin/env bash
# Layers (README "Layers"): the numerical core (src/engine, src/market, src/scenario,
# src/behaviour, src/metrics, src/liquidity, src/projection) includes no file format, neither
# directly nor through a public header it includes, and the build links it without one.
#
# Forbidden in the numerical core: #include of netcdf*.h (netcdf.h, netcdf_par.h, ...),
# libconfig.h, jansson.h, cJSON, the stdio-based readers' headers include/ballast/io.h and
# include/ballast/config.h, and every private header of src/config (cfg_util.h, scenario_cfg.h).
# The scan follows #include <ballast/X.h> and #include "X.h" from every .c/.h of those folders
# through include/ballast/ and the folder itself, and names file and line of each offence.
#
# That it can fail (tried by hand, then reverted): adding `#include <netcdf.h>` to
# src/engine/project.c (after its first include) made test 1 fail with
# "src/engine/project.c:5: #include <netcdf.h>"; adding `#include <ballast/config.h>` back to
# include/ballast/behaviour.h made it fail with
# "include/ballast/behaviour.h:21: #include <ballast/config.h> (included by src/behaviour/calibrate.c)".
# Tests 2 and 3 repeat both on a copy of the tree on every run, so the scanner's ability to fail
# is itself tested. The link side (CMakeLists.txt, ballast_numeric_linkcheck) was tried with an
# `nc_open` call added to src/engine/project.c: the build stopped with "undefined reference to
# `nc_open'"; test 4 checks the check program was linked, test 5 the archive's undefined symbols.
# Test 6 keeps each format in its own layer (tried: `#include <libconfig.h>` in src/io/csv.c made
# it fail naming "src/io/csv.c:2").
source "$(dirname "$0")/tap.sh"
plan 6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
numeric_dirs="engine market scenario behaviour metrics liquidity projection"

# scan ROOT: prints "file:line: #include ..." for every forbidden include reachable from the
# numerical core of the tree at ROOT (paths relative to ROOT); exit status 0 whatever it finds.
scan() {
  local root=$1 forbidden cfgh queue seen f
  cfgh=$(cd "$root/src/config" 2> /dev/null && ls *.h 2> /dev/null | sed 's/\./\\./g' | paste -sd'|' -)
  forbidden='netcdf[^"/>]*\.h|libconfig\.h|jansson\.h|[cC][jJ][sS][oO][nN]|ballast/io\.h|ballast/config\.h|config/'
  [ -n "$cfgh" ] && forbidden="$forbidden|(^|/)($cfgh)"
  queue=()
  for d in $numeric_dirs; do
    [ -d "$root/src/$d" ] || continue
    for f in "$root/src/$d"/*.c "$root/src/$d"/*.h; do [ -f "$f" ] && queue+=("${f#$root/}|"); done
  done
  declare -A seen=()
  while [ ${#queue[@]} -gt 0 ]; do
    local item=${queue[0]}
    queue=("${queue[@]:1}")
    local file=${item%%|*} by=${item#*|}
    [ -n "${seen[$file]:-}" ] && continue
    seen[$file]=1
    local n=0 line
    while IFS= read -r line || [ -n "$line" ]; do
      n=$((n + 1))
      [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*[\<\"]([^\>\"]+)[\>\"] ]] || continue
      local inc=${BASH_REMATCH[1]}
      if [[ $inc =~ $forbidden ]]; then
        echo "$file:$n: #include ${line#*include}${by:+ (included by $by)}" | sed 's/include  */include /'
        continue
      fi
      local next=""
      if [[ $inc == ballast/* ]] && [ -f "$root/include/$inc" ]; then next="include/$inc"
      elif [ -f "$root/$(dirname "$file")/$inc" ]; then next="$(dirname "$file")/$inc"
      fi
      [ -n "$next" ] && queue+=("$next|${by:-$file}")
    done < "$root/$file"
  done
}

# 1. the tree as it is
scan "$BALLAST_SOURCE_DIR" > "$work/real"
[ ! -s "$work/real" ]; ok $? "no file-format header in the numerical core or the public headers it includes"
sed 's/^/#   /' "$work/real"

# 2. and 3. the scanner can fail: a copy with a direct and a transitive offence
copy() {
  rm -rf "$work/tree"; mkdir -p "$work/tree/src"
  cp -r "$BALLAST_SOURCE_DIR/include" "$work/tree/"
  for d in $numeric_dirs config; do [ -d "$BALLAST_SOURCE_DIR/src/$d" ] && cp -r "$BALLAST_SOURCE_DIR/src/$d" "$work/tree/src/"; done
}
copy
printf '#include <netcdf.h>\n' >> "$work/tree/src/engine/project.c"
n=$(wc -l < "$work/tree/src/engine/project.c")
scan "$work/tree" > "$work/direct"
contains "$work/direct" "src/engine/project.c:$n: #include <netcdf.h>" "a direct #include <netcdf.h> in src/engine/project.c is found with its line"
copy
sed -i '0,/#include <ballast\/ballast.h>/s//#include <ballast\/ballast.h>\n#include <ballast\/config.h>/' "$work/tree/include/ballast/regime.h"
n=$(grep -n 'ballast/config.h' "$work/tree/include/ballast/regime.h" | head -1 | cut -d: -f1)
scan "$work/tree" > "$work/transitive"
contains "$work/transitive" "include/ballast/regime.h:$n: #include <ballast/config.h>" "a config header reached through a public header (regime.h) is found with its line"

# 4. the build's link check: every object of the numerical core linked against core, PETSc, MPI
#    and libm only (CMakeLists.txt); the program exists only if that link succeeded
check=$BALLAST_BUILD_DIR/check/ballast_numeric_linkcheck
[ -x "$check" ]; ok $? "the numerical core links without io, config, NetCDF, libconfig or jansson ($check)"

# 5. the archive itself asks for no file-format symbol
lib=$BALLAST_BUILD_DIR/libballast_numeric.a
if [ -f "$lib" ] && command -v nm > /dev/null; then
  nm -u "$lib" | awk '{print $NF}' | grep -E '^(nc_|ncmpi_|config_|json_|cJSON_|BallastConfig|BallastRegimeLoad|BallastCSV|BallastContractsLoad|BallastMarketLoad)' | sort -u > "$work/syms"
  [ ! -s "$work/syms" ]; ok $? "libballast_numeric.a has no undefined NetCDF, libconfig, jansson or reader symbol"
  sed 's/^/#   /' "$work/syms"
else
  ok 1 "libballast_numeric.a exists ($lib)"
fi
# 6. each format stays in its layer: libconfig only in src/config, jansson and NetCDF only in src/io
( cd "$BALLAST_SOURCE_DIR" && grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](libconfig\.h|jansson\.h|netcdf[^">]*\.h)' -r src include --include='*.c' --include='*.h' ) |
  awk -F: '($3 ~ /libconfig/ && $1 !~ /^src\/config\//) || ($3 ~ /jansson|netcdf/ && $1 !~ /^src\/io\//)' > "$work/outside"
[ ! -s "$work/outside" ]; ok $? "libconfig.h only in src/config, jansson.h and netcdf*.h only in src/io"
sed 's/^/#   /' "$work/outside"
exit $((_tap_fail > 0))
