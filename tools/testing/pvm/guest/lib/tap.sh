# SPDX-License-Identifier: GPL-2.0
# Helpers for the shell suites and init (sourced, not run).
#   plan N; check COND-EXIT-STATUS "description"; skip "description" "why"
# and pvm_arg NAME: the value of pvm.NAME= on the kernel command line.
tap_n=0
plan() { echo "TAP version 13"; echo "1..$1"; }
check() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; fi
}
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
pvm_arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^pvm\.$1=//p" | tail -1; }
# debugfs counter, empty if the kernel has none
counter() { [ -r "$1" ] && cat "$1"; }
# /dev/NAME of the virtio-blk disk whose serial is $1 (empty if none):
# probe order, and so vda/vdb, is not fixed
disk_by_serial() {
	for s in /sys/block/*/serial; do
		[ "$(cat "$s" 2>/dev/null)" = "$1" ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return; }
	done
}
protected() { [ "$(cat /sys/firmware/uv/prot_virt_guest 2>/dev/null)" = 1 ]; }
# the test module (module/pvm_test_hooks.c): loaded if this kernel takes it;
# its debugfs directory, or failure where there is none
hooks=/sys/kernel/debug/pvm_test_hooks
test_hooks() {
	[ -d $hooks ] || insmod /pvm/modules/pvm_test_hooks.ko 2>/dev/null
	[ -d $hooks ]
}
# bounce slots in use now (0 without a pool)
pool_used() { u=$(counter /sys/kernel/debug/swiotlb/io_tlb_used); echo "${u:-0}"; }
# the pool check: after the I/O, no more slots in use than $1 before it
slots_given_back() { sleep 1; [ "$(pool_used)" -le "$1" ]; }
# bounded OUT TOOL ARGS...: run TOOL for $bounded_kill s (default 40) at
# most, then SIGKILL it; its output goes to the file OUT (not a pipe:
# tasks a kill leaves behind must not hold the caller). Fails if TOOL is
# still there 10 s after the kill, stuck in the kernel, after printing
# where each of its tasks waits.
bounded() {
	b_out=$1 b_tool=$2 b_kill=${bounded_kill:-40}
	shift
	timeout -s KILL "$b_kill" "$@" > "$b_out" 2>&1 &
	b_pid=$! b_i=0
	while kill -0 "$b_pid" 2>/dev/null; do
		if [ "$b_i" -ge $((b_kill + 10)) ]; then
			for p in $(pidof "$b_tool"); do
				echo "# $b_tool $p: state $(sed -n 's/^State:\t//p' /proc/$p/status)," \
					"waits in $(cat /proc/$p/wchan 2>/dev/null)"
				sed 's/^/#   /' /proc/$p/stack 2>/dev/null
			done
			return 1
		fi
		sleep 1
		b_i=$((b_i + 1))
	done
	wait "$b_pid"
	return 0
}
