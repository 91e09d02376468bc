/* MPI for the front end: the ranks of one mpirun, and a generic hand-out of jobs that sweeps and
 * studies share. Rank 0 owns the output folder and every file in it; the other ranks run the jobs
 * rank 0 sends them, one at a time, and return each job's result as two byte strings. Without MPI
 * built in, there is one rank, and a process that mpirun started as one of several refuses to run
 * (each would run the whole command into the same folder). */
#ifndef RICSIM_CLI_MPI_H
#define RICSIM_CLI_MPI_H

#include <stddef.h>
#include <stdint.h>

#include "base/sbuf.h"

/* This process's rank and the number of ranks (0 and 1 outside mpirun). */
extern int ric_mpi_rank, ric_mpi_size;

/* Starts MPI when mpirun started this process as one of several ranks. Returns 0, or 2 after
 * printing why on rank 0 (mpirun with several ranks and no MPI built in). */
int ric_mpi_begin(int *argc, char ***argv);
/* Ends MPI if ric_mpi_begin started it. */
void ric_mpi_end(void);
/* The largest RC of every rank, so that all ranks go on or stop together. */
int ric_mpi_agree(int rc);

/* Rank 0: the next job to hand out, its id and the bytes the worker needs (appended to payload);
 * returns 0 when none is left to start. */
typedef int ric_mpi_take_fn(void *ctx, uint64_t *id, ric_sbuf *payload);
/* Rank 0: the result of job ID (two byte strings as the worker made them, each also
 * NUL-terminated); returns 0, or an exit
 * code that stops the hand-out (the jobs still running are collected and dropped). */
typedef int ric_mpi_put_fn(void *ctx, uint64_t id, const char *a, size_t al, const char *b,
                           size_t bl);
/* A worker rank: runs job ID with its payload (NUL-terminated) and returns its result in a and b
 * (malloc'd, or NULL for an empty string); returns 0, or non-zero when it cannot (the job is then
 * aborted). */
typedef int ric_mpi_exec_fn(void *ctx, uint64_t id, const char *payload, size_t len, char **a,
                            size_t *al, char **b, size_t *bl);

/* Rank 0: hands jobs out to the worker ranks as they finish (dynamic scheduling) until TAKE has
 * none left and every job handed out has come back. Returns 0 or PUT's first exit code. The
 * workers stay ready for more: ric_mpi_stop ends them. */
int ric_mpi_serve(ric_mpi_take_fn *take, ric_mpi_put_fn *put, void *ctx);
/* Rank 0: tells every worker rank to return from ric_mpi_work (exactly once, at the end). */
void ric_mpi_stop(void);
/* A worker rank: runs the jobs rank 0 sends until it says stop; returns 0. */
int ric_mpi_work(ric_mpi_exec_fn *exec, void *ctx);

#endif
