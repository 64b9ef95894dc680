/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - lguest's tracepoints: every #VMEXIT with its code and the
 * values the handler will look at, and every kill with its reason.  Turn on
 * with: echo 1 > /sys/kernel/tracing/events/lguest/enable
 * trace.c makes them; without CONFIG_LGUEST_TRACEPOINTS the calls are empty
 * stubs and trace.c is not built.
 */
#if !IS_ENABLED(CONFIG_LGUEST_TRACEPOINTS)
#ifndef _LGUEST_TRACE_H
#define _LGUEST_TRACE_H
#include <linux/types.h>

static inline void trace_lguest_exit(u32 exit_code, u64 rip, u64 info1, u64 info2) {}
static inline void trace_lguest_kill(const char *reason) {}
#endif /* _LGUEST_TRACE_H */
#else /* CONFIG_LGUEST_TRACEPOINTS */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lguest

#if !defined(_LGUEST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LGUEST_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(lguest_exit,
	TP_PROTO(u32 exit_code, u64 rip, u64 info1, u64 info2),
	TP_ARGS(exit_code, rip, info1, info2),
	TP_STRUCT__entry(
		__field(u32, exit_code)
		__field(u64, rip)
		__field(u64, info1)
		__field(u64, info2)
	),
	TP_fast_assign(
		__entry->exit_code = exit_code;
		__entry->rip = rip;
		__entry->info1 = info1;
		__entry->info2 = info2;
	),
	TP_printk("exit 0x%x rip 0x%llx info1 0x%llx info2 0x%llx",
		  __entry->exit_code, __entry->rip, __entry->info1, __entry->info2)
);

TRACE_EVENT(lguest_kill,
	TP_PROTO(const char *reason),
	TP_ARGS(reason),
	TP_STRUCT__entry(
		__string(reason, reason)
	),
	TP_fast_assign(
		__assign_str(reason, reason);
	),
	TP_printk("%s", __get_str(reason))
);

#endif /* _LGUEST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
#endif /* CONFIG_LGUEST_TRACEPOINTS */
