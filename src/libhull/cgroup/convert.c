/* convert.c - resource value conversions between v1 and v2 (runc's formulas), and the
 * checks of linux.resources every backend shares. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>

uint64_t cg_shares_to_weight(uint64_t shares)
{
	/* runc/crun mapping of [2, 262144] onto cpu.weight's [1, 10000]. */
	if (shares == 0)
		return 0;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	/* blkio [10, 1000] onto io.weight [1, 10000], as runc. */
	if (w == 0)
		return 0;
	return 1 + (w - 10) * 9999 / 990;
}

int cg_swap_v1_to_v2(int64_t swap, int64_t limit, int64_t *out, const char **why)
{
	/* v1's memsw is memory+swap; v2's memory.swap.max is swap alone. */
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit == 0 || limit == -1)
		return *why = "a swap limit needs a memory limit", -2;
	if (swap < limit)
		return *why = "memory+swap limit must be >= the memory limit", -2;
	*out = swap - limit;
	return 0;
}

char *cg_clean_path(const char *p)
{
	_cleanup_free_ char *abs = xasprintf("/%s", p ? p : "");
	return hull_path_clean(abs);
}

int cg_validate_resources(const struct hull_resources *res, struct hull_error *err)
{
	if (!res)
		return 0;
	/* Zero is "unset" throughout, as in runc (Docker always sends shares, quota, period 0). */
	if (res->has_cpu && res->cpu.has_shares && res->cpu.shares != 0 &&
	    (res->cpu.shares < 2 || res->cpu.shares > 262144))
		return hull_fail(err, EINVAL, "linux.resources.cpu.shares: %" PRIu64 " is out of range (2-262144)",
				 res->cpu.shares);
	if (res->has_cpu && res->cpu.has_period && res->cpu.period != 0 &&
	    (res->cpu.period < 1000 || res->cpu.period > 1000000))
		return hull_fail(err, EINVAL, "linux.resources.cpu.period: %" PRIu64 " is out of range (1000-1000000)",
				 res->cpu.period);
	if (res->has_blkio && res->blkio.has_weight && res->blkio.weight != 0 &&
	    (res->blkio.weight < 10 || res->blkio.weight > 1000))
		return hull_fail(err, EINVAL, "linux.resources.blockIO.weight: %u is out of range (10-1000)",
				 res->blkio.weight);
	if (res->has_memory && res->memory.has_swappiness && res->memory.swappiness > 100 &&
	    res->memory.swappiness != UINT64_MAX)
		return hull_fail(err, EINVAL, "linux.resources.memory.swappiness: %" PRIu64 " is out of range (0-100)",
				 res->memory.swappiness);
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		if (!strchr(k, '.') || strchr(k, '/') || k[0] == '.')
			return hull_fail(err, EINVAL, "linux.resources.unified[\"%s\"]: must be of the form CONTROLLER.FILE",
					 k);
	}
	return 0;
}

/* runc 1.1 ignores kernel memory limits (kmem and kmem.tcp) with this warning: at create
 * whenever the fields are there, on update when they are not 0. */
void cg_warn_kernel_memory(const struct hull_memory_resources *m, bool update)
{
	if (update ? (m->has_kernel && m->kernel) || (m->has_kernel_tcp && m->kernel_tcp)
		   : m->has_kernel || m->has_kernel_tcp)
		hull_warn("Kernel memory settings are ignored and will be removed");
}
