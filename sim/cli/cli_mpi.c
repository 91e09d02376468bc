/* MPI ranks and the hand-out of jobs from rank 0 to the others (see cli_mpi.h). A job travels as
 * (id, payload length) then the payload; a result as (id, length of a, length of b) then a, then
 * b. */
#include "cli_mpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef RIC_MPI
#include <mpi.h>
#endif

int ric_mpi_rank = 0, ric_mpi_size = 1;
static int started;

/* Whether mpirun (OpenMPI, or a PMI launcher such as MPICH's or Slurm's) started this process as
 * one of several ranks. */
static int under_mpirun(void)
{
    const char *v = getenv("OMPI_COMM_WORLD_SIZE");
    if (!v)
        v = getenv("PMI_SIZE");
    return v && atoi(v) > 1;
}

int ric_mpi_begin(int *argc, char ***argv)
{
    if (!under_mpirun())
        return 0;
#ifdef RIC_MPI
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &ric_mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ric_mpi_size);
    started = 1;
    return 0;
#else
    (void)argc;
    (void)argv;
    const char *r = getenv("OMPI_COMM_WORLD_RANK");
    if (!r)
        r = getenv("PMI_RANK");
    if (!r || atoi(r) == 0)
        fprintf(stderr, "ricsim: started by mpirun as one of several ranks, but built without "
                        "MPI: each rank would run the whole command into the same folder; "
                        "rebuild with OpenMPI (libopenmpi-dev) or run without mpirun\n");
    return 2;
#endif
}

void ric_mpi_end(void)
{
#ifdef RIC_MPI
    if (started)
        MPI_Finalize();
#endif
    started = 0;
}

int ric_mpi_agree(int rc)
{
    int all = rc;
#ifdef RIC_MPI
    if (ric_mpi_size > 1)
        MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
#endif
    return all;
}

#ifdef RIC_MPI
enum { TAG_JOB = 1, TAG_STOP, TAG_DONE, TAG_A, TAG_B, TAG_PAYLOAD };

/* Sends rank R its next job; returns 1 if there was one. */
static int hand_out(ric_mpi_take_fn *take, void *ctx, int r)
{
    uint64_t head[2] = {0, 0};
    ric_sbuf pl = {0};
    if (!take(ctx, &head[0], &pl))
        return 0;
    if (pl.oom || pl.n > INT_MAX) {
        fprintf(stderr, "ricsim: out of memory for job %llu\n", (unsigned long long)head[0]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    head[1] = pl.n;
    MPI_Send(head, 2, MPI_UINT64_T, r, TAG_JOB, MPI_COMM_WORLD);
    MPI_Send(pl.buf ? pl.buf : "", (int)pl.n, MPI_CHAR, r, TAG_PAYLOAD, MPI_COMM_WORLD);
    free(pl.buf);
    return 1;
}

int ric_mpi_serve(ric_mpi_take_fn *take, ric_mpi_put_fn *put, void *ctx)
{
    int busy = 0, rc = 0;
    for (int r = 1; r < ric_mpi_size; r++)
        busy += hand_out(take, ctx, r);
    while (busy > 0) {
        uint64_t head[3];
        MPI_Status ms;
        MPI_Recv(head, 3, MPI_UINT64_T, MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &ms);
        int src = ms.MPI_SOURCE;
        char *a = malloc(head[1] + 1), *b = malloc(head[2] + 1);
        if (!a || !b) {
            fprintf(stderr, "ricsim: out of memory for the results of job %llu\n",
                    (unsigned long long)head[0]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Recv(a, (int)head[1], MPI_CHAR, src, TAG_A, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(b, (int)head[2], MPI_CHAR, src, TAG_B, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        a[head[1]] = b[head[2]] = '\0'; /* the results are also read as text */
        busy--;
        if (rc == 0)
            rc = put(ctx, head[0], a, head[1], b, head[2]);
        free(a);
        free(b);
        if (rc == 0)
            busy += hand_out(take, ctx, src);
    }
    return rc;
}

void ric_mpi_stop(void)
{
    uint64_t head[2] = {0, 0};
    for (int r = 1; r < ric_mpi_size; r++)
        MPI_Send(head, 2, MPI_UINT64_T, r, TAG_STOP, MPI_COMM_WORLD);
}

int ric_mpi_work(ric_mpi_exec_fn *exec, void *ctx)
{
    for (;;) {
        uint64_t head[2];
        MPI_Status ms;
        MPI_Recv(head, 2, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
        if (ms.MPI_TAG == TAG_STOP)
            return 0;
        char *pl = malloc(head[1] + 1);
        if (!pl) {
            fprintf(stderr, "ricsim: rank %d: out of memory\n", ric_mpi_rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Recv(pl, (int)head[1], MPI_CHAR, 0, TAG_PAYLOAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        pl[head[1]] = '\0';
        char *a = NULL, *b = NULL;
        size_t al = 0, bl = 0;
        if (exec(ctx, head[0], pl, head[1], &a, &al, &b, &bl) != 0 || al > INT_MAX ||
            bl > INT_MAX) {
            fprintf(stderr, "ricsim: rank %d: job %llu could not run\n", ric_mpi_rank,
                    (unsigned long long)head[0]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        free(pl);
        uint64_t res[3] = {head[0], al, bl};
        MPI_Send(res, 3, MPI_UINT64_T, 0, TAG_DONE, MPI_COMM_WORLD);
        MPI_Send(a ? a : "", (int)al, MPI_CHAR, 0, TAG_A, MPI_COMM_WORLD);
        MPI_Send(b ? b : "", (int)bl, MPI_CHAR, 0, TAG_B, MPI_COMM_WORLD);
        free(a);
        free(b);
    }
}
#else
int ric_mpi_serve(ric_mpi_take_fn *take, ric_mpi_put_fn *put, void *ctx)
{
    (void)take;
    (void)put;
    (void)ctx;
    return 0; /* one rank: never called with workers */
}
void ric_mpi_stop(void) {}
int ric_mpi_work(ric_mpi_exec_fn *exec, void *ctx)
{
    (void)exec;
    (void)ctx;
    return 0;
}
#endif
