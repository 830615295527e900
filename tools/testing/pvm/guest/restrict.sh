#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PV restrictions: a protected guest has no diag 308 subcodes that keep
# memory. Settings that would need them are refused; in a normal guest
# the same settings are accepted (the control case). (Keys: negative.)
. /pvm/lib/tap.sh
plan 5
clear=/sys/firmware/reipl/ccw/clear
dtype=/sys/firmware/dump/dump_type

if protected; then
	echo 0 > $clear 2>/dev/null; rc=$?
	[ $rc -ne 0 ] && [ "$(cat $clear)" = 1 ]
	check $? "non-clearing re-IPL is refused (write 0 to reipl/ccw/clear: rc $rc, reads $(cat $clear))"
	echo ccw > $dtype 2>/dev/null; rc=$?
	[ $rc -ne 0 ] && [ "$(cat $dtype)" = none ]
	check $? "a dump type is refused (write ccw to dump_type: rc $rc, reads $(cat $dtype))"
	dmesg | grep -E 'reipl: a protected|dump: not available' | sed 's/^/# /'
	[ "$(dmesg | grep -cE 'reipl: a protected|dump: not available')" -ge 2 ]
	check $? "both refusals say why in the log"
else
	echo 0 > $clear 2>/dev/null && [ "$(cat $clear)" = 0 ]
	check $? "normal guest: non-clearing re-IPL can be set"
	echo ccw > $dtype 2>/dev/null && [ "$(cat $dtype)" = ccw ]
	check $? "normal guest: dump type ccw can be set"
	echo none > $dtype; echo 1 > $clear
	skip "refusal messages" "normal guest"
fi
if protected; then
	skip "storage key instruction" "would trap: checked by the negative boot"
elif test_hooks; then
	grep -q '^key ' $hooks/iske
	check $? "normal guest: a storage key instruction works ($(cat $hooks/iske))"
else
	skip "storage key instruction" "the test module does not load in this kernel"
fi
line=$(dmesg | grep -m1 'Kernel command line:')
echo "# $line"
if protected; then
	! echo "$line" | grep -q 'console='
	check $? "the command line of a protected guest stays out of the log"
else
	echo "$line" | grep -q 'console='
	check $? "normal guest: the command line is logged"
fi
