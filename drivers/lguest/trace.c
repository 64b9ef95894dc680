// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - the one place the trace events of trace.h are made
 * (CONFIG_LGUEST_TRACEPOINTS); run.c only calls them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
