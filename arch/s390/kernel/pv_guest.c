// SPDX-License-Identifier: GPL-2.0
/*
 * Protected virtualization guest: the mode and its boot report.
 *
 * The decompressor queries the Ultravisor and leaves its verdict in
 * uv_guest_boot (arch/s390/boot/uv.c, kept in arch/s390/kernel/uv.c). The
 * kernel takes it over once, into read-only-after-init data, so nothing
 * can turn the guest mode on or off later; modules ask
 * is_prot_virt_guest().
 */
#define KMSG_COMPONENT "prot_virt"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/cache.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <asm/sections.h>
#include <asm/uv.h>

static bool pv_guest __ro_after_init;

/**
 * pv_guest_init() - take over the guest mode the decompressor detected
 *
 * Called early in setup_arch(), before anything asks is_prot_virt_guest().
 */
void __init pv_guest_init(void)
{
	pv_guest = uv_guest_boot.status == UV_GUEST_PROTECTED;
}

/**
 * is_prot_virt_guest() - is this a protected virtualization guest?
 *
 * Exported to every module, not only GPL ones, like the prot_virt_guest
 * variable it replaces.
 *
 * Return: true if the Ultravisor runs this machine as a protected guest.
 */
bool is_prot_virt_guest(void)
{
	return pv_guest;
}
EXPORT_SYMBOL(is_prot_virt_guest);

/*
 * One line on the console: the mode, or why this is not a protected guest
 * where the machine offers the Ultravisor call. Without that facility (an
 * LPAR, a z/VM guest, a KVM guest that is not protected) nothing is said:
 * there the line would inform nobody. An answer that leaves the mode in
 * doubt never gets here: the decompressor stops (arch/s390/boot/uv.c).
 */
static int __init pv_guest_report(void)
{
	const struct uv_guest_boot *b = &uv_guest_boot;

	switch (b->status) {
	case UV_GUEST_PROTECTED:
		pr_info("protected virtualization guest\n");
		break;
	case UV_GUEST_NO_UV:
		break;
	case UV_GUEST_NO_SHARE_CALLS:
		pr_info("not a protected virtualization guest: the Ultravisor offers no shared access\n");
		break;
	default:
		pr_warn("not a protected virtualization guest: Ultravisor Query status %u (cc %u rc 0x%04x rrc 0x%04x)\n",
			b->status, b->cc, b->rc, b->rrc);
		break;
	}
	return 0;
}
early_initcall(pv_guest_report);
