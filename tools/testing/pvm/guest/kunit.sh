#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# KUnit suites built into the kernel ran at boot; their results are in
# debugfs, one KTAP document per suite. Print them as one KTAP document.
dir=/sys/kernel/debug/kunit
suites=$(ls "$dir" 2>/dev/null)
echo "KTAP version 1"
if [ -z "$suites" ]; then
	echo "1..0 # SKIP no KUnit suites in this kernel"
	exit 0
fi
echo "1..$(echo "$suites" | wc -w)"
i=0
for s in $suites; do
	i=$((i + 1))
	# drop the per-suite header, renumber the suite's result line
	tail -n +3 "$dir/$s/results" | sed "s/^\(ok\|not ok\) 1 /\1 $i /"
done
