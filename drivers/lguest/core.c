// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - lguest.ko's front door: module load and unload, and the registry
 * of in-kernel device backends (lguest_dev.ko).  Loading checks that AMD-V
 * is ours to use, takes it on every CPU and then opens /dev/lguest; the
 * guest's journey starts in the launcher (tools/lguest/lguest.c) and comes
 * through here only once, when the module arrives.
 */
#include "lg.h"

#include <linux/lguest_backend.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <uapi/linux/lguest.h>
#include <asm/cpufeature.h>

static LIST_HEAD(lg_backends);
static DEFINE_MUTEX(lg_backends_lock);

/*T:150 Devices live in a second module, lguest_dev.ko, so the hypervisor
 * core stays small and a device bug cannot hide in the switcher's file.  The
 * backend tells us which header it was built against; a mismatch is refused
 * at load rather than discovered later as a corrupted structure.  Since the
 * backend calls this exported function, the module loader pins lguest.ko
 * while any backend is loaded. :*/
/**
 * lguest_register_backend() - announce a device backend to the hypervisor.
 * @backend: the backend, which must stay valid until unregistered.
 *
 * Return: 0, -EPROTO if it was built for another backend API version, or
 * -EEXIST if a backend of that name is already registered.
 */
int lguest_register_backend(struct lguest_backend *backend)
{
	struct lguest_backend *b;
	int ret = 0;

	if (backend->api_version != LGUEST_BACKEND_API_VERSION) {
		pr_err("backend %s speaks backend API %u, this lguest speaks %u\n",
		       backend->name, backend->api_version,
		       LGUEST_BACKEND_API_VERSION);
		return -EPROTO;
	}
	mutex_lock(&lg_backends_lock);
	list_for_each_entry(b, &lg_backends, list) {
		if (!strcmp(b->name, backend->name)) {
			ret = -EEXIST;
			goto unlock;
		}
	}
	list_add_tail(&backend->list, &lg_backends);
	pr_info("backend %s registered\n", backend->name);
unlock:
	mutex_unlock(&lg_backends_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lguest_register_backend);

/**
 * lg_backend_get() - the device backend, pinned (module_put() its owner).
 *
 * Return: the first registered backend, or NULL if none is loaded.
 */
struct lguest_backend *lg_backend_get(void)
{
	struct lguest_backend *b, *found = NULL;

	mutex_lock(&lg_backends_lock);
	list_for_each_entry(b, &lg_backends, list) {
		if (try_module_get(b->owner)) {
			found = b;
			break;
		}
	}
	mutex_unlock(&lg_backends_lock);
	return found;
}

/**
 * lguest_unregister_backend() - withdraw a backend registered earlier.
 * @backend: the backend passed to lguest_register_backend().
 */
void lguest_unregister_backend(struct lguest_backend *backend)
{
	mutex_lock(&lg_backends_lock);
	list_del(&backend->list);
	mutex_unlock(&lg_backends_lock);
	pr_info("backend %s unregistered\n", backend->name);
}
EXPORT_SYMBOL_GPL(lguest_unregister_backend);

/*T:130 The module's init is the ancestor's init() in a new machine: check
 * that we can run at all, make every CPU ready, and only then open the
 * door (/dev/lguest), so that no launcher can reach a half-ready module.  The
 * unwind labels say what they undo. :*/
/*
 * The backend: AMD-V where the CPU has SVM, else Intel VT-x where it has
 * VMX (and the module was built with it).  A CPU with neither, or whose
 * firmware disabled the one it has, gets one line saying so.
 */
const struct lg_hw_ops *lg_hw __ro_after_init;

static int __init lg_hw_probe(void)
{
	int err;

	lg_hw = lg_svm_probe(&err);
	if (lg_hw || err)
		return err;
	lg_hw = lg_vmx_probe(&err);
	if (lg_hw || err)
		return err;
	pr_err("CPU has no AMD-V (SVM) support and no Intel VT-x (VMX) support; cannot run guests\n");
	return -ENODEV;
}

static int __init lguest_init(void)
{
	int err;

	err = lg_hw_probe();
	if (err)
		return err;
	lg_shadow_init();
	err = lg_hw->setup();
	if (err)
		return err;
	lg_debugfs_init();
	err = lg_user_init();
	if (err)
		goto remove_debugfs;
	pr_info("%s ready on %u CPUs (nested paging: %s, default paging of guests: %s, nrip-save: %s); /dev/lguest API %d\n",
		lg_hw->name, num_online_cpus(),
		lg_hw->nested_paging ? "yes" : "no",
		lg_paging_name(lg_paging_mode(LGUEST_PAGING_DEFAULT)),
		lg_hw->nrips ? "yes" : "no",
		LGUEST_API_VERSION);
	return 0;

remove_debugfs:
	lg_debugfs_exit();
	lg_hw->teardown();
	return err;
}

static void __exit lguest_exit(void)
{
	lg_user_exit();
	lg_debugfs_exit();
	lg_hw->teardown();
	pr_info("unloaded; %s released\n", lg_hw->name);
}

module_init(lguest_init);
module_exit(lguest_exit);
MODULE_DESCRIPTION("lguest: a hypervisor in one module, on AMD-V or Intel VT-x");
MODULE_AUTHOR("The lguest developers");
MODULE_LICENSE("GPL");
