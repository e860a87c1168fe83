// SPDX-License-Identifier: GPL-2.0-only
/*
 * Not a feature: the check that the toolchain builds anything at all
 * against the target kernel.  conftest.sh stops the build with the
 * compiler's own error when this fails, so that a broken toolchain never
 * reads as "every feature absent".
 */
#include <linux/module.h>
#include <linux/vfio.h>

int mtty_probe(void);
int mtty_probe(void)
{
	return 0;
}
