/* Counts the bytes each rank passes to MPI's collectives (the reduction sizes of the scaling model,
 * results/scaling-model.md), by the MPI profiling interface: built as a shared library and
 * preloaded into a run,
 *   mpicc -shared -fPIC -O2 tests/bench/reduce_bytes.c -o /tmp/reduce_bytes.so
 *   scripts/mpirun -np 2 -x LD_PRELOAD=/tmp/reduce_bytes.so build/ballast run run.cfg
 * it prints at MPI_Finalize, per rank and per collective, the calls and the bytes of the send
 * buffer. Not part of the build. */
#include <mpi.h>
#include <stdio.h>

enum { RED, ALLRED, BCAST, GATHERV, ALLGATHER, ALLTOALLV, SEND, NK };
static const char *kname[NK] = {"MPI_Reduce", "MPI_Allreduce", "MPI_Bcast", "MPI_Gatherv", "MPI_Allgather", "MPI_Alltoallv", "MPI_Send/Isend"};
static long long   calls[NK], bytes[NK], maxb[NK];

static void add(int k, long long b)
{
  calls[k]++;
  bytes[k] += b;
  if (b > maxb[k]) maxb[k] = b;
}
static long long sz(MPI_Datatype t, long long n)
{
  int s;
  PMPI_Type_size(t, &s);
  return (long long)s * n;
}

int MPI_Reduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, int root, MPI_Comm c)
{
  add(RED, sz(t, n));
  return PMPI_Reduce(s, r, n, t, op, root, c);
}
int MPI_Allreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm c)
{
  add(ALLRED, sz(t, n));
  return PMPI_Allreduce(s, r, n, t, op, c);
}
int MPI_Bcast(void *b, int n, MPI_Datatype t, int root, MPI_Comm c)
{
  add(BCAST, sz(t, n));
  return PMPI_Bcast(b, n, t, root, c);
}
int MPI_Gatherv(const void *s, int n, MPI_Datatype t, void *r, const int *rc, const int *d, MPI_Datatype rt, int root, MPI_Comm c)
{
  add(GATHERV, sz(t, n));
  return PMPI_Gatherv(s, n, t, r, rc, d, rt, root, c);
}
int MPI_Allgather(const void *s, int n, MPI_Datatype t, void *r, int rn, MPI_Datatype rt, MPI_Comm c)
{
  add(ALLGATHER, sz(t, n));
  return PMPI_Allgather(s, n, t, r, rn, rt, c);
}
int MPI_Alltoallv(const void *s, const int *sc, const int *sd, MPI_Datatype st, void *r, const int *rc, const int *rd, MPI_Datatype rt, MPI_Comm c)
{
  int p;
  PMPI_Comm_size(c, &p);
  long long n = 0;
  for (int i = 0; i < p; i++) n += sc[i];
  add(ALLTOALLV, sz(st, n));
  return PMPI_Alltoallv(s, sc, sd, st, r, rc, rd, rt, c);
}
int MPI_Send(const void *b, int n, MPI_Datatype t, int dst, int tag, MPI_Comm c)
{
  add(SEND, sz(t, n));
  return PMPI_Send(b, n, t, dst, tag, c);
}
int MPI_Isend(const void *b, int n, MPI_Datatype t, int dst, int tag, MPI_Comm c, MPI_Request *q)
{
  add(SEND, sz(t, n));
  return PMPI_Isend(b, n, t, dst, tag, c, q);
}
int MPI_Finalize(void)
{
  int r;
  PMPI_Comm_rank(MPI_COMM_WORLD, &r);
  for (int k = 0; k < NK; k++)
    if (calls[k]) fprintf(stderr, "reduce_bytes: rank %d %-14s %8lld calls %14lld bytes (largest %lld)\n", r, kname[k], calls[k], bytes[k], maxb[k]);
  return PMPI_Finalize();
}
