#!/usr/bin/env bash
# Inputs that are not regular files (a directory, a FIFO, a device) are refused at open, naming the
# file, for every file a run reads: the configuration and the regime (exit 2), the contracts,
# curves, FX, behaviour histories, user-scenario curve files and the actions' added contract files
# (exit 3). Each case runs on 1 and 3 ranks under `timeout` (a FIFO opened for reading blocks until
# a writer comes: a hang would end as status 124), and leaves no result and no temporary behind.
# A behaviour history is read by its owner rank only: the histories below are owned by rank 0 and
# by the last rank on 3 ranks (blocks of segments per model kind), so the other ranks must agree.
source "$(dirname "$0")/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 120 "$BALLAST" generate --contracts 200 --seed 5 --out "$work/bank" --regime "$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg" > "$work/gen.log" 2>&1 || { echo "1..0 # skip generate failed"; exit 0; }
b="$work/bank"
cp "$b/curves.csv" "$b/stress.csv"
{ head -1 "$b/contracts.csv"; sed -n 2p "$b/contracts.csv" | sed 's/^[^,]*,/ADDED-1,/'; } > "$b/added.csv"
sed -i -e 's|^scenarios = \[|scenarios = ["custom", |' -e "s|^output = .*|output = { dir = \"$work/out\"; };|" "$b/run.cfg"
cat >> "$b/run.cfg" << 'CFG'
user_scenarios = ( { name = "custom"; type = "curves"; file = "stress.csv"; } );
actions = ( { name = "add_one"; add = ["added.csv"]; } );
CFG
mkdir "$work/bad.dir"
mkfifo "$work/bad.fifo"
regime="$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg"

# the unchanged inputs run (the fixture is sound)
timeout 300 "$BALLAST" validate "$b/run.cfg" > "$work/ok.log" 2>&1
st=$?

# case TARGET EXPECTED-STATUS BAD-PATH NP
n=0
case_() {
  local target=$1 want=$2 bad=$3 np=$4 cfg="$work/case.cfg" status
  rm -rf "$work/out"
  if [ "$target" = config ]; then cfg=$bad
  elif [ "$target" = regime ]; then sed "s|\"$regime\"|\"$bad\"|" "$b/run.cfg" > "$cfg"
  else sed "s|\"$target\"|\"$bad\"|" "$b/run.cfg" > "$cfg"; fi
  if [ "$target" != config ]; then cp "$cfg" "$b/case.cfg"; cfg="$b/case.cfg"; fi
  timeout 60 "$MPIRUN" -np "$np" "$BALLAST" run "$cfg" > "$work/stdout" 2> "$work/stderr" < /dev/null
  status=$?
  is "$want" "$status" "$target as $(basename "$bad") on $np rank(s): exit $want (no hang)"
  contains "$work/stderr" "$bad: not a regular file" "$target as $(basename "$bad") on $np rank(s): the message names the file"
  local left; left=$(find "$work" "$b" -name '*.tmp' -o -name 'alm.nc' -o -name '.ballast-*' | wc -l)
  is 0 "$left" "$target as $(basename "$bad") on $np rank(s): no result, no temporary"
}
targets="config regime contracts.csv curves.csv fx.csv history-mortgages_fixed.csv history-term_deposits.csv stress.csv added.csv"
cases=0
for t in $targets; do cases=$((cases + 2)); done
cases=$((cases + 3))
plan $((1 + 2 * 3 * cases))
is 0 "$st" "the fixture validates (200 contracts, 6 histories, a curves scenario, an added file)"
for np in 1 3; do
  for t in $targets; do
    want=3; case $t in config|regime) want=2;; esac
    case_ "$t" $want "$work/bad.dir" $np
    case_ "$t" $want "$work/bad.fifo" $np
  done
  case_ config 2 /dev/zero $np
  case_ contracts.csv 3 /dev/zero $np
  case_ history-term_deposits.csv 3 /dev/zero $np
done
