#!/usr/bin/env bash
# Checkpoint and resume (../shared/spec/interfaces.md "Interruption", docs/checkpoint.md) on the
# bundled example with behaviour, management actions and new business (config/example-plan.cfg)
# and --position-detail:
#   - a run on 2 ranks interrupted part-way (each rank sends itself SIGUSR1 after 2000 of its
#     contracts, BALLAST_CHECKPOINT_TEST_SIGNAL: a real signal through the handler at a known
#     point) exits 75 and leaves <output>/ballast-checkpoint.bin, no alm.nc;
#   - the same command resumed on 2 ranks, and from a copy of the checkpoint on 3 ranks, exits 0,
#     says it resumes, removes the checkpoint, and writes alm.nc and contracts.nc identical to an
#     uninterrupted 2-rank run's: every variable and attribute (ncdump, 17 significant digits)
#     except the provenance that must differ: created_utc, history, wall_seconds, mpi_ranks,
#     command_line;
#   - interrupted twice (2 ranks, then resumed on 3 ranks and interrupted again, then on 2): the same;
#   - SIGUSR1 sent to mpirun (which forwards it to the ranks) and SIGTERM sent to the ranks
#     themselves once the contracts are loaded: exit 75 and a checkpoint (after SIGUSR1, resumed on
#     3 ranks: the same results);
#   - a checkpoint of other inputs (the example's, in the output directory of a run of
#     tests/data/small) is reported on stderr and ignored, and the run completes; a damaged
#     checkpoint is exit 5 naming the file;
#   - jobs/monthly-close.slurm (without SLURM, a stand-in scontrol): SIGUSR1 to the batch script
#     is forwarded to the run, on exit 75 the job requeues itself, the requeued job resumes.
# Every run is bounded by a timeout: a collective mismatch fails instead of hanging.
source "$(dirname "$0")/../cli/tap.sh"
plan 40
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cfg="$BALLAST_SOURCE_DIR/config/example-plan.cfg"
run() { # run NP OUTDIR [env...]: the same command every time (but --output)
  local np=$1 out=$2
  shift 2
  env "$@" timeout 900 "$MPIRUN" -np "$np" "$BALLAST" run "$cfg" --output "$out" --position-detail > "$out.log" 2>&1
}
# the content of a NetCDF file without the provenance attributes that must differ between runs
content() { ncdump -p 9,17 "$1" | sed 1d | grep -vE '^[[:space:]]*:(created_utc|history|wall_seconds|mpi_ranks|command_line) = '; }
same() { # same DIR DESCRIPTION: alm.nc and contracts.nc of DIR as the reference's
  content "$1/alm.nc" > "$1.alm.cdl" 2> /dev/null && content "$1/contracts.nc" > "$1.contracts.cdl" 2> /dev/null &&
    cmp -s "$work/ref.alm.cdl" "$1.alm.cdl" && cmp -s "$work/ref.contracts.cdl" "$1.contracts.cdl"
  ok $? "$2: alm.nc and contracts.nc identical to the uninterrupted run's"
}

mkdir -p "$work/ref"
run 2 "$work/ref"
ok $? "uninterrupted run on 2 ranks"
content "$work/ref/alm.nc" > "$work/ref.alm.cdl"
content "$work/ref/contracts.nc" > "$work/ref.contracts.cdl"
grep -q 'nii_path' "$work/ref.alm.cdl" && grep -q 'action_name' "$work/ref.alm.cdl" && grep -q 'segment_name' "$work/ref.alm.cdl"
ok $? "the reference has new business (nii_path), actions and behaviour segments"
[ ! -e "$work/ref/ballast-checkpoint.bin" ]
ok $? "an uninterrupted run leaves no checkpoint"

# --- interrupted on 2 ranks, resumed on 2 and on 3
mkdir -p "$work/a"
run 2 "$work/a" BALLAST_CHECKPOINT_TEST_SIGNAL=2000
is 75 $? "interrupted run exits 75"
[ -s "$work/a/ballast-checkpoint.bin" ] && [ ! -e "$work/a/alm.nc" ] && [ ! -e "$work/a/ballast-checkpoint.bin.tmp" ]
ok $? "it leaves the checkpoint (no alm.nc, no temporary)"
contains "$work/a.log" "finishing the portfolio at hand" "each rank finishes the portfolio at hand"
contains "$work/a.log" "checkpoint $work/a/ballast-checkpoint.bin written" "the message names the checkpoint"
done_a=$(sed -n 's/.*written, \([0-9]*\) of \([0-9]*\) portfolios done.*/\1 \2/p' "$work/a.log" | head -1)
read -r nd np <<< "${done_a:-0 0}"
[ "$nd" -gt 0 ] && [ "$nd" -lt "$np" ]
ok $? "part-way: $nd of $np portfolios done"
head -c 8 "$work/a/ballast-checkpoint.bin" | grep -q BALLCKPT
ok $? "the checkpoint starts with its magic"
cp "$work/a/ballast-checkpoint.bin" "$work/a.ckpt"
run 2 "$work/a"
ok $? "resumed on 2 ranks"
contains "$work/a.log" "resuming, $nd of $np portfolios done" "it says it resumes"
[ ! -e "$work/a/ballast-checkpoint.bin" ]
ok $? "the checkpoint is removed after the results are written"
same "$work/a" "resumed on 2 ranks"
mkdir -p "$work/b"
cp "$work/a.ckpt" "$work/b/ballast-checkpoint.bin"
run 3 "$work/b"
ok $? "resumed on 3 ranks"
contains "$work/b.log" "resuming, $nd of $np portfolios done" "it says it resumes"
same "$work/b" "resumed on 3 ranks"

# --- interrupted twice: 2 ranks, then 3 ranks (resumed and interrupted again), then 2
mkdir -p "$work/c"
cp "$work/a.ckpt" "$work/c/ballast-checkpoint.bin"
run 3 "$work/c" BALLAST_CHECKPOINT_TEST_SIGNAL=3000
is 75 $? "the resumed run on 3 ranks interrupted again exits 75"
nd2=$(sed -n 's/.*written, \([0-9]*\) of [0-9]* portfolios done.*/\1/p' "$work/c.log" | head -1)
[ "${nd2:-0}" -gt "$nd" ]
ok $? "the second checkpoint has more portfolios done (${nd2:-?} > $nd)"
run 2 "$work/c"
ok $? "resumed again on 2 ranks"
same "$work/c" "interrupted twice"

# --- real signals from outside: SIGUSR1 to mpirun, SIGTERM to the ranks
signal_run() { # signal_run OUTDIR mpirun|ranks SIG
  local out=$1 whom=$2 sig=$3
  mkdir -p "$out"
  timeout 900 "$MPIRUN" -np 2 "$BALLAST" run "$cfg" --output "$out" --position-detail > "$out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 3000); do grep -q 'load: [0-9]* contracts' "$out.log" 2> /dev/null && break; sleep 0.1; done
  local mp
  mp=$(pgrep -P "$pid" -f mpirun | head -1)
  [ -n "$mp" ] || mp=$pid
  if [ "$whom" = mpirun ]; then kill "-$sig" "$mp"; else for k in $(pgrep -P "$mp"); do kill "-$sig" "$k"; done; fi
  wait "$pid"
}
signal_run "$work/d" mpirun USR1
is 75 $? "SIGUSR1 to mpirun: exit 75"
[ -s "$work/d/ballast-checkpoint.bin" ]
ok $? "SIGUSR1 to mpirun: checkpoint written"
run 3 "$work/d"
ok $? "resumed on 3 ranks"
same "$work/d" "after SIGUSR1"
signal_run "$work/e" ranks TERM
is 75 $? "SIGTERM to the ranks: exit 75"
contains "$work/e.log" "(SIGTERM)" "the message names SIGTERM"
[ -s "$work/e/ballast-checkpoint.bin" ] && [ ! -e "$work/e/alm.nc" ]
ok $? "SIGTERM to the ranks: checkpoint written, no alm.nc"

# --- a checkpoint of other inputs is ignored; a damaged one is an I/O error
mkdir -p "$work/other"
cp "$work/a.ckpt" "$work/other/ballast-checkpoint.bin"
timeout 900 "$MPIRUN" -np 2 "$BALLAST" run "$BALLAST_SOURCE_DIR/tests/data/small/run.cfg" --output "$work/other" > "$work/other.log" 2>&1
ok $? "a run of other inputs (tests/data/small) with the example's checkpoint in its output directory completes"
contains "$work/other.log" "written for other inputs, configuration, options or software" "the foreign checkpoint is reported"
contains "$work/other.log" "ignored (this run starts from the beginning)" "and ignored"
[ -s "$work/other/alm.nc" ] && [ ! -e "$work/other/ballast-checkpoint.bin" ]
ok $? "results written, the foreign checkpoint removed after them"
mkdir -p "$work/f"
head -c 1000 "$work/a.ckpt" > "$work/f/ballast-checkpoint.bin"
for np in 1 3; do
  timeout 300 "$MPIRUN" -np $np "$BALLAST" run "$cfg" --output "$work/f" --position-detail > "$work/f$np.log" 2>&1
  is 5 $? "a damaged (truncated) checkpoint: exit 5 on $np rank(s)"
done
contains "$work/f3.log" "checkpoint $work/f/ballast-checkpoint.bin: damaged" "the message names the damaged file"

# --- jobs/monthly-close.slurm without SLURM: SIGUSR1 to the batch script (as --signal=B:USR1
# sends it) is forwarded to the run; on 75 the job requeues itself (scontrol, a stand-in that
# records its arguments); the requeued job (SLURM_RESTART_COUNT=1) resumes: alm.nc as the reference's
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "$*" >> "%s/scontrol.log"\n' "$work" > "$work/bin/scontrol"
chmod +x "$work/bin/scontrol"
job() { # job RESTART_COUNT LOG
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=4242 SLURM_NTASKS=2 SLURM_RESTART_COUNT=$1 BALLAST_ROOT="$BALLAST_SOURCE_DIR" BALLAST="$BALLAST" BALLAST_MPIRUN="$MPIRUN" \
    BALLAST_OUTPUT="$work/job" timeout 900 bash "$BALLAST_SOURCE_DIR/jobs/monthly-close.slurm" "$cfg" > "$2" 2>&1
}
job 0 "$work/job1.log" &
jpid=$!
# the run's first line after loading (validate prints none such): its handlers are installed
for _ in $(seq 1 3000); do grep -q 'load: [0-9]* contracts' "$work/job1.log" 2> /dev/null && break; sleep 0.1; done
kill -USR1 "$(pgrep -n -f "bash $BALLAST_SOURCE_DIR/jobs/monthly-close.slurm")"
wait "$jpid"
ok $? "the job script ends 0 after requeueing itself"
contains "$work/scontrol.log" "requeue 4242" "on exit 75 it calls scontrol requeue with its job id"
[ -s "$work/job/ballast-checkpoint.bin" ]
ok $? "the interrupted job left its checkpoint"
job 1 "$work/job2.log"
ok $? "the requeued job completes"
contains "$work/job2.log" "resuming" "the requeued job resumes from the checkpoint"
content "$work/job/alm.nc" > "$work/job.alm.cdl" && cmp -s "$work/ref.alm.cdl" "$work/job.alm.cdl"
ok $? "the requeued job's alm.nc is identical to the uninterrupted run's"
exit $((_tap_fail > 0))
