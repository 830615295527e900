# SPDX-License-Identifier: GPL-2.0
"""pvguest test environment: TAP parsing, QEMU boots, summaries."""
