/* Applicant kinds of the programme engine (programme.c): one table entry per kind. */
#ifndef RICSIM_APPLICANTS_H
#define RICSIM_APPLICANTS_H

#include <stddef.h>
#include <stdint.h>

#include "model/world.h"

typedef struct {
    const char *name;
    int (*eligible)(const ric_world *w, const ric_instrument_spec *in, size_t k);
    size_t (*count)(const ric_world *w);
    double (*quality)(const ric_world *w, size_t k);
    double (*size)(const ric_world *w, size_t k);
    uint32_t (*key)(const ric_world *w, size_t k); /* stable id for draws and ties */
    int (*region)(const ric_world *w, size_t k);
} ric_applicant_kind;

extern const ric_applicant_kind ric_applicant_kinds[RIC_APPLY_N];

/* The instrument's applicants are organisations (universities or institutes). */
int ric_applicant_is_org(const ric_instrument_spec *in);

#endif
