#!/usr/bin/env bash
# The cluster's jobs on a one-node SLURM cluster started for the test (slurmctld, slurmd and munged
# on this machine, stopped at the end by their pids):
# - the monthly close (jobs/monthly-close.slurm), run to completion (it may requeue itself on a
#   checkpoint, exit 75: the wait is for the job to leave the queue);
# - the stress array (jobs/stress-array.slurm, 3 tasks: --scenario-set 0/3, 1/3, 2/3) with its
#   dependent combine (jobs/stress-combine.slurm, --dependency=afterok:<array>): the combined
#   alm.nc's data identical to the monthly close's (the same configuration in one run);
# - the capacity benchmark (jobs/capacity-bench.slurm) at a tiny size, its figures under the
#   results directory with the job id.
# Every wait is bounded: a job that does not finish (or waits on a dependency that can never be
# met) fails the test with its log, and is cancelled. Skips, with the reason, when SLURM is not
# installed or its daemons cannot start here.
source "$(dirname "$0")/../cli/tap.sh"
command -v slurmctld > /dev/null && command -v slurmd > /dev/null && command -v sbatch > /dev/null && command -v munged > /dev/null ||
  skip_all "SLURM (slurm-wlm, munge) is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "starting a local SLURM cluster needs root"
work=$(mktemp -d /tmp/ballast-slurm.XXXXXX)
pids=()
jobs_started=()
cleanup() {
  [ ${#jobs_started[@]} -gt 0 ] && timeout 20 scancel "${jobs_started[@]}" 2> /dev/null
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{state,spool,log,munge}
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" --pid-file="$work/munge/pid" \
  --log-file="$work/munge/log" --seed-file="$work/munge/seed" 2> "$work/munge.err" || skip_all "munged does not start here: $(head -1 "$work/munge.err")"
pids+=("$(cat "$work/munge/pid")")
host=$(hostname)
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo) # MB, for --mem
cat > "$work/slurm.conf" << CONF
ClusterName=ballast-test
SlurmctldHost=localhost
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeHostname=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" 2> "$work/ctld.err" || skip_all "slurmctld does not start here: $(head -1 "$work/ctld.err")"
sleep 1
[ -f "$work/slurmctld.pid" ] && pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF" 2> "$work/d.err" || skip_all "slurmd does not start here: $(head -1 "$work/d.err")"
sleep 1
[ -f "$work/slurmd.pid" ] && pids+=("$(cat "$work/slurmd.pid")")
for _ in $(seq 1 30); do sinfo -h -o %T 2> /dev/null | grep -qE "idle|mix" && break; sleep 1; done
sinfo -h -o %T 2> /dev/null | grep -qE "idle|mix" || skip_all "the local SLURM node did not come up: $(tail -1 "$work/log/slurmd.log" 2> /dev/null)"

plan 14
# the jobs' own memory requests are for real banks; the test's are small
sb() { timeout 30 sbatch --parsable --mem=1G --chdir="$work" "$@"; }
# wait_job JOB SECONDS: 0 once JOB (all tasks of an array) has left the queue; 1 on the bound or
# when it waits on a dependency that can never be met (both: cancelled, logs shown by the caller)
wait_job() {
  local waited=0 st
  while [ "$waited" -lt "$2" ]; do
    st=$(timeout 30 squeue -h -j "$1" -o "%T %r" 2> /dev/null)
    [ -z "$st" ] && return 0
    if grep -q DependencyNeverSatisfied <<< "$st"; then diag "job $1: $st"; timeout 20 scancel "$1"; return 1; fi
    sleep 2
    waited=$((waited + 2))
  done
  diag "job $1 still queued after $2 s: $st"
  timeout 20 scancel "$1"
  return 1
}
state() { timeout 30 scontrol -o show job "$1" 2> /dev/null | grep -oP 'JobState=\K[A-Z_]+' | sort -u | paste -sd, -; }
showlog() { for f in "$@"; do [ -f "$f" ] && { diag "--- $f"; tail -15 "$f" | sed 's/^/#   /'; }; done; return 0; }
data() { ncdump -p 17,17 "$1" | sed -n '/^data:/,$p'; }
export BALLAST_ROOT="$BALLAST_SOURCE_DIR" BALLAST

cfg="$work/example.cfg"
sed "s|^  dir = .*|  dir = \"$work/out\";|" "$BALLAST_SOURCE_DIR/config/example.cfg" |
  sed "s|\"example/|\"$BALLAST_SOURCE_DIR/config/example/|g; s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" > "$cfg"

# the monthly close
job=$(sb --output="$work/job-%j.out" "$BALLAST_SOURCE_DIR/jobs/monthly-close.slurm" "$cfg")
ok $? "sbatch accepts jobs/monthly-close.slurm (job $job)"
jobs_started+=("$job")
wait_job "$job" 900 || showlog "$work/job-$job.out"
ok $? "the monthly close finished within the bound"
test -s "$work/out/alm.nc"; ok $? "the job wrote alm.nc"
contains "$work/job-$job.out" "results: $work/out/alm.nc" "the job's log says where the results are"

# the stress array and its dependent combine
arr=$(sb --array=0-2 --output="$work/stress-%A_%a.out" "$BALLAST_SOURCE_DIR/jobs/stress-array.slurm" "$cfg" "$work/stress")
ok $? "sbatch accepts jobs/stress-array.slurm as a 3-task array (job $arr)"
jobs_started+=("$arr")
comb=$(sb --dependency=afterok:"$arr" --output="$work/combine-%j.out" "$BALLAST_SOURCE_DIR/jobs/stress-combine.slurm" "$work/stress")
ok $? "sbatch accepts jobs/stress-combine.slurm dependent on the array (job $comb)"
jobs_started+=("$comb")
wait_job "$comb" 1200 || showlog "$work"/stress-"$arr"_*.out "$work/combine-$comb.out"
ok $? "the array and the combine finished within the bound"
is "COMPLETED" "$(state "$arr")" "every array task completed"
is "3" "$(ls -d "$work"/stress/part-* 2> /dev/null | wc -l)" "three parts, one per task"
contains "$work/stress-${arr}_1.out" "part 1/3 of $cfg" "a task's log names its part"
diag "the array's tasks launched with: $(grep -h '^launch:' "$work"/stress-"$arr"_*.out 2> /dev/null | cut -c1-60 | sort -u | paste -sd';' -)"
test -s "$work/stress/combined/alm.nc" && cmp -s <(data "$work/out/alm.nc") <(data "$work/stress/combined/alm.nc")
ok $? "the combined alm.nc's data are identical to the single run's (the monthly close) $(showlog "$work/combine-$comb.out" | head -5 | tr '\n' ' ')"

# the capacity benchmark at a tiny size, its figures under the results directory with the job id
cap=$(BALLAST_RESULTS_DIR="$work/results" BALLAST_BENCH_DIR="$work/bench" sb --output="$work/capacity-%j.out" "$BALLAST_SOURCE_DIR/jobs/capacity-bench.slurm" 400)
ok $? "sbatch accepts jobs/capacity-bench.slurm (job $cap, 400 contracts)"
jobs_started+=("$cap")
wait_job "$cap" 900 || showlog "$work/capacity-$cap.out"
ok $? "the capacity benchmark finished within the bound"
grep -qE '^\| contractual \| [0-9]+ \| 400 \| [0-9.]+ \| [0-9]+ \| [0-9]+ \|' "$work/results/capacity-$cap.md" 2> /dev/null &&
  grep -qE '^\| behavioural \| [0-9]+ \| 400 \| [0-9.]+ \| [0-9]+ \| [0-9]+ \|' "$work/results/capacity-$cap.md"
ok $? "results/capacity-$cap.md holds the contractual and behavioural figures $(showlog "$work/capacity-$cap.out" | tail -4 | tr '\n' ' ')"
exit $((_tap_fail > 0))
