#!/usr/bin/env bash
# The monthly-close SLURM job (jobs/monthly-close.slurm) on a one-node SLURM cluster started for
# the test (slurmctld, slurmd and munged on this machine, stopped at the end by their pids).
# Skips, with the reason, when SLURM is not installed or its daemons cannot start here.
source "$(dirname "$0")/../cli/tap.sh"
command -v slurmctld > /dev/null && command -v slurmd > /dev/null && command -v sbatch > /dev/null && command -v munged > /dev/null ||
  skip_all "SLURM (slurm-wlm, munge) is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "starting a local SLURM cluster needs root"
work=$(mktemp -d /tmp/ballast-slurm.XXXXXX)
pids=()
cleanup() {
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
NodeName=$host NodeHostname=$host CPUs=$(nproc) RealMemory=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo) State=UNKNOWN
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

plan 4
cfg="$work/example.cfg"
sed "s|^  dir = .*|  dir = \"$work/out\";|" "$BALLAST_SOURCE_DIR/config/example.cfg" |
  sed "s|\"example/|\"$BALLAST_SOURCE_DIR/config/example/|g; s|^regime = .*|regime = \"$BALLAST_SOURCE_DIR/config/regimes/bcbs-2016.cfg\";|" > "$cfg"
job=$(BALLAST_ROOT="$BALLAST_SOURCE_DIR" BALLAST="$BALLAST" sbatch --parsable --chdir="$work" --output="$work/job-%j.out" \
  "$BALLAST_SOURCE_DIR/jobs/monthly-close.slurm" "$cfg")
ok $? "sbatch accepts jobs/monthly-close.slurm (job $job)"
for _ in $(seq 1 120); do
  state=$(squeue -h -j "$job" -o %T 2> /dev/null)
  [ -z "$state" ] && break
  sleep 1
done
is "" "$state" "the job finished within two minutes"
test -s "$work/out/alm.nc"; ok $? "the job wrote alm.nc"
contains "$work/job-$job.out" "results: $work/out/alm.nc" "the job's log says where the results are"
