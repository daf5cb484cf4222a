# Sourced by the jobs of jobs/: how to start Ballast's MPI ranks on the allocation.
#
#   ballast_launch NP COMMAND...     runs COMMAND on NP ranks; BALLAST_LAUNCHER says which way
#
# srun where SLURM provides the MPI wire-up and Open MPI can use it, mpirun otherwise:
# - `srun --mpi=pmix` when `srun --mpi=list` offers pmix and Open MPI has a PMIx client
#   (`ompi_info`: an "MCA pmix: ext*" component; Debian 12's Open MPI 4.1 has ext3x and slurm-wlm
#   ships mpi_pmix): the ranks are SLURM tasks, with SLURM's accounting, signals and cgroups;
# - `srun --mpi=pmi2` when srun offers pmi2 only and Open MPI has a PMI-2 client ("MCA pmix: s2";
#   Debian's Open MPI has none: its ranks would start as N singletons of one rank each);
# - else scripts/mpirun (Open MPI's mpirun, which reads the allocation from SLURM's environment;
#   the wrapper allows root, as CI runs, and more ranks than cores).
# BALLAST_LAUNCHER=srun|mpirun forces one (srun uses BALLAST_SRUN_MPI, default pmix). The jobs
# check the rank count their results record (mpi_ranks), so a launch that started singletons
# fails instead of passing with 1-rank results written N times.
ballast_launcher() {
  if [ -n "${BALLAST_LAUNCHER:-}" ]; then echo "$BALLAST_LAUNCHER"; return; fi
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun > /dev/null; then
    local list ompi
    list=$(srun --mpi=list 2>&1 || true)
    ompi=$(ompi_info 2>/dev/null | grep -E 'MCA pmix: ' || true)
    if grep -qw pmix <<< "$list" && grep -qE 'MCA pmix: (ext[0-9]x|pmix[0-9]x)' <<< "$ompi"; then echo "srun:pmix"; return; fi
    if grep -qw pmi2 <<< "$list" && grep -qE 'MCA pmix: s2' <<< "$ompi"; then echo "srun:pmi2"; return; fi
  fi
  echo mpirun
}

ballast_launch() { # NP COMMAND...
  local np=$1 how
  shift
  how=$(ballast_launcher)
  case "$how" in
    srun*) local mpi=${how#srun:}
           [ "$mpi" = srun ] && mpi=${BALLAST_SRUN_MPI:-pmix}
           echo "launch: srun --mpi=$mpi -n $np $*" >&2
           srun --mpi="$mpi" -n "$np" "$@" ;;
    *) echo "launch: ${BALLAST_MPIRUN:-$ballast_root/scripts/mpirun} -np $np $*" >&2
       "${BALLAST_MPIRUN:-$ballast_root/scripts/mpirun}" -np "$np" "$@" ;;
  esac
}

# ballast_check_ranks ALM.NC NP: the run recorded NP ranks (not NP singletons)
ballast_check_ranks() {
  local got
  got=$(ncdump -h "$1" | grep -oP ':mpi_ranks = \K[0-9]+' || true)
  if [ "$got" != "$2" ]; then
    echo "launch: $1 records mpi_ranks = ${got:-none}, the job started $2 ranks: the launcher did not wire the ranks together (set BALLAST_LAUNCHER=mpirun)" >&2
    return 1
  fi
}
