# SPDX-License-Identifier: GPL-2.0
# pvguest: s390 protected virtualization guest series + its test environment.
#
#   make            build our kernel and boot it, run the in-guest suites
#   make check      everything: series export/apply/checkpatch, both
#                   kernels, host tests, boots, suites; ends "N passed, N failed"
#   make deps       install what a fresh Debian bookworm machine lacks (root)
#   make tree | upstream-tree | series | kernel | upstream-kernel |
#        initramfs | qemu | clean
#   make se-boots   protected boot (SE) images built and booted
#   make bench      what protection costs (not part of check)
#   make series-steps   each patch of the series builds (not part of check)
#   make qemu-steps     each patch of the emulator's series builds (ditto)
#
# Outputs go to $(BUILD); caches (ccache, QEMU source and build) to $(PVM_CACHE).

BUILD     ?= build
PVM_CACHE ?= $(HOME)/.cache/pvguest
JOBS      ?= $(shell nproc)
export PVM_CACHE JOBS

PVM      := tools/testing/pvm
RUN      := python3 $(PVM)/pvm-run
RESULTS  := $(BUILD)/results
OURS     := $(BUILD)/linux
UPSTREAM := $(BUILD)/linux-upstream
INITRD   := $(BUILD)/initramfs.cpio.gz
# Every boot, protected or not, ours or upstream, uses the same emulator:
# QEMU 10.0 (bookworm-backports) with our software Ultravisor
# (tools/testing/pvm/qemu: whole new files plus patches to QEMU's files).
QEMU     ?= $(BUILD)/qemu/qemu-system-s390x
PAYLOADS := $(BUILD)/payloads
BASE_TARBALL := /usr/src/linux-source-6.12.tar.xz

OVERLAY_ROOTS := arch drivers include kernel lib mm Documentation tools/testing/selftests
OVERLAY  := $(shell find $(OVERLAY_ROOTS) -type f 2>/dev/null)
PATCHES  := patches/series patches/cover-letter $(wildcard patches/*.patch)

# Kernel command line of every test boot; pvm.* options are read by init.
APPEND   = console=ttysclp0 pvm.kid=$$(cat $(1)/.out/pvm-kid) pvm.expect=$(2)
SUITES   := smoke blk exposure pool access restrict kselftest kunit
# What the emulated Ultravisor advertises to a protected guest: Query, Set
# and Remove Shared Access, attestation and the secret store (installed-calls
# bits 0, 8, 9, 28-31, Retrieve Secret 33 and Query Ultravisor Keys 34).
PV_FACILITIES := 80c0000f60000000
# the same without the secret store and Query Ultravisor Keys
# (query-drop-secrets=on, query-drop-keys=on): /dev/uv and sysfs must
# report exactly that
PV_FACILITIES_NOSECRETS := 80c0000800000000
# the same with the secret store but without Retrieve Secret
PV_FACILITIES_NORETRIEVE := 80c0000f20000000
# BOOT tree,run-name,pv|nonpv[,pvm-run options[,kernel command line[,suites]]]
BOOT     = $(RUN) boot --qemu $(QEMU) --initrd $(INITRD) --results $(RESULTS) \
	   $(foreach s,$(or $(6),$(SUITES)),--expect-suite $(s)) \
	   $(if $(findstring pv,$(3)),$(if $(findstring nonpv,$(3)),,--pv)) $(4) \
	   --append "$(call APPEND,$(1),$(3)) $(5) pvm.suites=$(subst $() ,$(comma),$(or $(6),$(SUITES)))" \
	   --kernel $(1)/.out/arch/s390/boot/bzImage --name $(2)
# The boots of make check: both kernels, normal and protected, plus a
# protected boot whose Ultravisor does not list Remove Shared Access, a
# normal boot with the Ultravisor present (the only UV call is the Query),
# and our kernel built without the guest side, which must refuse a PVM.
# Protected boots get 2 GiB, where ours boots with the swiotlb default of
# 64 MiB and adds pools on demand (the sizing rule's 128 MiB without
# SWIOTLB_DYNAMIC; upstream keeps 64 MiB), 256 MiB of block I/O in 4 streams,
# a tiny-pool boot, fault-injection boots, and a hostile host that sets
# indicator bits of no virtqueue. A negative boot lets the scratch disk
# bypass the bounce buffers and executes a storage key instruction: the
# emulator must flag both. Reboot and kexec round trips check the PV
# restrictions on the way out and that the next kernel works.
# Upstream gets the same checks; its known deviations are listed in
# tools/testing/pvm/expected-failures.
# A protected guest shares and unshares each page once: a redundant call
# is a bookkeeping bug of the guest (the Ultravisor would accept it).
NO_REDUNDANT := --expect-counter share-redundant=0 --expect-counter unshare-redundant=0
PV_COUNTERS := --expect-counter violations=0 --expect-counter key-traps=0 \
	       --expect-counter stale-bytes=0 $(NO_REDUNDANT)
# our guest counts what it shares; the count must agree with the emulator's
OURS_COUNTERS := --expect-counter guest-shared-pages=shared-now
# our protected guest exposes none of the run's canary: no page the host
# can read holds it, the console does not show it (upstream's numbers are
# reported in the summary, not asserted)
EXPOSED_NONE := --expect-counter exposed-pages=0 --expect-counter host-exposed-console=0
# without facility 158 (not a protected guest) no UV call at all
UV_ONLY_COUNTERS := --expect-counter uvc-query=0 --expect-counter uvc-share=0 \
	       --expect-counter uvc-unshare=0 --expect-counter uvc-other=0
PV_MEM   := --memory 2048
# round trips: reboot (re-IPL) and kexec inside the protected guest; the
# second stage runs these suites (reported as after-reboot.* / after-kexec.*)
AFTER    := smoke blk exposure restrict
ROUND_TRIP = --expect-counter key-traps=0 --expect-counter violations=0 \
	     --expect-counter stale-bytes=0 --expect-counter diag308-refused=0 $(NO_REDUNDANT) \
	     $(foreach s,$(AFTER),--expect-suite after-$(1).$(s))
REBOOT   := --allow-reboot $(call ROUND_TRIP,reboot) '--expect-counter=memory-clears>=1'
KEXEC    := --kexec-images $(call ROUND_TRIP,kexec)
AFTER_APPEND = pvm.then=$(1) pvm.after=$(subst $() ,$(comma),$(AFTER))
# before kexec, ours makes every page it shared secure again: the reset
# that kexec does finds nothing shared
UNSHARED := --expect-counter shared-at-reset=0
# a hostile host's stray indicator bit must be noticed and ignored
STRAY_SEEN := --expect-console 'ignoring (adapter )?indicator [0-9]+ without a virtqueue'
# a disk without VIRTIO_F_ACCESS_PLATFORM: a protected guest must refuse it
NOIOMMU  := --qemu-arg '-blockdev driver=null-co,node-name=noiommu,read-zeroes=on \
	    -device virtio-blk-ccw,drive=noiommu,serial=pvmnoiommu,iommu_platform=off'
PV_APPEND := pvm.facilities=$(PV_FACILITIES) pvm.blk=256,4 pvm.pool=64
TINY_POOL := swiotlb=1024 pvm.pool=2 pvm.tinypool=1
# a newer Ultravisor: its Query block is longer than the guest's, which
# gets rc 0x100 (more data) and must take the answer
NEWER_UV := --pv-opt query-len=0x140 '--expect-counter=rc-query-0x0100>=1'
# the negative boot's deliberate leak (the canary on the disk, on the
# console and in a datagram) must be found
LEAKS_CAUGHT := '--expect-counter=exposed-pool>=1' '--expect-counter=exposed-net>=1' \
	'--expect-counter=host-exposed-console>=1'
# "swiotlb=" naming swiotlb's own default size must still win over the rule
# (a 384 MiB guest, where the rule gives 48 MiB)
DEFAULT_POOL := swiotlb=32768 pvm.pool=64
DEFAULT_POOL_MEM := --memory 384
# A guest that rightly refuses PV mode on a protected machine shares
# nothing: with mode=hardware its devices would see ciphertext and stop
# it, as on a real machine.  The boot checks the refusal, so its devices
# get the plaintext (audit).
NOT_PV_AUDIT := --pv-opt mode=audit
# fault injection: Set/Remove Shared Access refused at random (seeded)
FAULTS    = --pv-opt fail-percent=$(1) --pv-opt fail-cmd=$(2) --pv-opt fail-seed=7 \
	    --expect-counter violations=0 --expect-counter stale-bytes=0 $(NO_REDUNDANT) \
	    '--expect-counter=faults-injected>=1'
FAULT_COUNTERS := $(OURS_COUNTERS) --expect-counter guest-uv-errors=faults-injected
# the two boots of the main job ("make"), also the first of make check
define MAIN_BOOTS
	@$(call BOOT,$(OURS),ours-pv,pv,$(EXPOSED_NONE) $(PV_MEM) $(NOIOMMU) $(PV_COUNTERS) $(OURS_COUNTERS),$(PV_APPEND))
	@$(call BOOT,$(OURS),ours-nonpv,nonpv,$(NOIOMMU))
endef
define BOOTS
	$(MAIN_BOOTS)
	@$(call BOOT,$(UPSTREAM),upstream-nonpv,nonpv,$(NOIOMMU))
	@$(call BOOT,$(OURS),ours-nonpv-uv,nonpv,--uv $(UV_ONLY_COUNTERS),,smoke kselftest)
	@$(call BOOT,$(UPSTREAM),upstream-nonpv-uv,nonpv,--uv $(UV_ONLY_COUNTERS),,smoke kselftest)
	@$(call BOOT,$(UPSTREAM),upstream-pv,pv,$(PV_MEM) $(NOIOMMU) $(PV_COUNTERS),$(PV_APPEND))
	@$(call BOOT,$(OURS),ours-pv-tinypool,pv,$(EXPOSED_NONE) $(PV_COUNTERS) $(OURS_COUNTERS) $(NEWER_UV),$(TINY_POOL),smoke pool)
	@$(call BOOT,$(UPSTREAM),upstream-pv-tinypool,pv,$(PV_COUNTERS) $(NEWER_UV),$(TINY_POOL),smoke pool)
	@$(call BOOT,$(OURS),ours-pv-swiotlb-default,pv,$(EXPOSED_NONE) $(DEFAULT_POOL_MEM) $(PV_COUNTERS) $(OURS_COUNTERS),$(DEFAULT_POOL),smoke pool)
	@$(call BOOT,$(OURS),ours-pv-fail-share-1,pv,$(EXPOSED_NONE) $(call FAULTS,1,share) $(FAULT_COUNTERS),,faults)
	@$(call BOOT,$(OURS),ours-pv-fail-share-10,pv,$(EXPOSED_NONE) $(call FAULTS,10,share) $(FAULT_COUNTERS),,faults)
	@$(call BOOT,$(OURS),ours-pv-fail-all-100,pv,$(EXPOSED_NONE) $(call FAULTS,100,both) $(FAULT_COUNTERS),,faults)
	@$(call BOOT,$(OURS),ours-pv-fail-unshare-100,pv,$(EXPOSED_NONE) $(call FAULTS,100,unshare) $(FAULT_COUNTERS),pvm.leaks=1,faults)
	@$(call BOOT,$(UPSTREAM),upstream-pv-fail-share-10,pv,$(call FAULTS,10,share),,faults)
	@$(call BOOT,$(OURS),ours-pv-stray,pv,$(EXPOSED_NONE) $(PV_COUNTERS) --pv-opt stray-indicators=on '--expect-counter=stray-bits>=1' $(STRAY_SEEN),,smoke blk)
	@$(call BOOT,$(UPSTREAM),upstream-pv-stray,pv,$(PV_COUNTERS) --pv-opt stray-indicators=on '--expect-counter=stray-bits>=1' $(STRAY_SEEN),,smoke blk)
	@$(call BOOT,$(OURS),ours-pv-reboot,pv,$(EXPOSED_NONE) $(REBOOT) $(OURS_COUNTERS),$(call AFTER_APPEND,reboot),smoke)
	@$(call BOOT,$(UPSTREAM),upstream-pv-reboot,pv,$(REBOOT),$(call AFTER_APPEND,reboot),smoke)
	@$(call BOOT,$(OURS),ours-pv-kexec,pv,$(EXPOSED_NONE) $(KEXEC) $(OURS_COUNTERS) $(UNSHARED),$(call AFTER_APPEND,kexec),smoke)
	@$(call BOOT,$(UPSTREAM),upstream-pv-kexec,pv,$(KEXEC) $(UNSHARED),$(call AFTER_APPEND,kexec),smoke)
	@$(call BOOT,$(OURS),ours-pv-negative,pv,'--expect-counter=violations>=1' '--expect-counter=key-traps>=1' --expect-counter stale-bytes=0 $(LEAKS_CAUGHT) --pv-opt mode=audit,,negative)
	@$(call BOOT,$(OURS),ours-pv-nosecrets,pv,$(EXPOSED_NONE) --pv-opt query-drop-secrets=on --pv-opt query-drop-keys=on $(PV_COUNTERS),pvm.facilities=$(PV_FACILITIES_NOSECRETS),smoke kselftest)
	@$(call BOOT,$(OURS),ours-pv-noretrieve,pv,$(EXPOSED_NONE) --pv-opt query-drop-retrieve=on $(PV_COUNTERS),pvm.facilities=$(PV_FACILITIES_NORETRIEVE),smoke kselftest)
	@$(call BOOT,$(OURS),ours-pv-nounshare,pv,--pv-opt query-drop-unshare=on $(NOT_PV_AUDIT),pvm.expect=nonpv pvm.why=without_Remove_Shared_Access,smoke kselftest)
	@$(RUN) boot --qemu $(QEMU) --results $(RESULTS) --name ours-nopvguest-pv --pv --timeout 120 \
		--kernel $(OURS)/.out-nopvguest/arch/s390/boot/bzImage --append console=ttysclp0 \
		--expect-refusal 'built without CONFIG_PROTECTED_VIRTUALIZATION_GUEST'
endef
comma := ,

.PHONY: se-images se-boots bench series-steps kernel-nopvguest qemu qemu-checkpatch qemu-steps payloads emu-tests all boot check deps tree upstream-tree series series-check kernel \
	upstream-kernel initramfs host-tests summary clean distclean help

all: boot

help:
	@sed -n '2,15p' Makefile

deps:
	@bash $(PVM)/deps.sh

# ---- trees ---------------------------------------------------------------
$(BUILD)/linux.version: $(PATCHES) $(OVERLAY) $(PVM)/tree.sh $(BASE_TARBALL)
	@bash $(PVM)/tree.sh ours $(BUILD)

$(BUILD)/linux-upstream.version: $(PVM)/tree.sh $(BASE_TARBALL)
	@bash $(PVM)/tree.sh upstream $(BUILD)

tree: $(BUILD)/linux.version
upstream-tree: $(BUILD)/linux-upstream.version

# ---- the series as git am-able patches -----------------------------------
$(BUILD)/series/.stamp: $(BUILD)/linux.version $(PVM)/series.sh
	@bash $(PVM)/series.sh export $(BUILD)
	@touch $@

series: $(BUILD)/series/.stamp

series-check: series
	@$(RUN) tap --name host.series --results $(RESULTS) -- bash $(PVM)/series.sh verify $(BUILD)

# each patch of the series builds (one incremental build per patch)
series-steps: series
	@$(RUN) tap --name host.series-steps --results $(RESULTS) -- bash $(PVM)/series.sh steps $(BUILD)

# ---- kernels and initramfs ------------------------------------------------
kernel: tree
	@bash $(PVM)/kernel.sh $(OURS) -pvguest $(PVM)/config/pvm-test-ours.config

# our kernel without the guest side (CONFIG_PROTECTED_VIRTUALIZATION_GUEST=n)
kernel-nopvguest: tree
	@KOUT=.out-nopvguest bash $(PVM)/kernel.sh $(OURS) -nopvguest $(PVM)/config/pvm-test-nopvguest.config

upstream-kernel: upstream-tree
	@bash $(PVM)/kernel.sh $(UPSTREAM) -upstream

$(INITRD): $(BUILD)/linux.version $(PVM)/initramfs.sh $(PVM)/initramfs/init \
	   $(wildcard $(PVM)/guest/*)
	@bash $(PVM)/initramfs.sh $(OURS) $@

initramfs: $(INITRD)

# ---- the emulator: QEMU with the software Ultravisor --------------------
qemu:
	@bash $(PVM)/qemu/build.sh $(BUILD)/qemu

# each patch of the emulator's series builds (not part of check)
qemu-steps:
	@$(RUN) tap --name host.qemu-steps --results $(RESULTS) -- bash $(PVM)/qemu/steps.sh

# QEMU's checkpatch on the emulator's overlay files and patches
qemu-checkpatch:
	@$(RUN) tap --name host.qemu-checkpatch --results $(RESULTS) -- bash $(PVM)/qemu/checkpatch.sh

payloads:
	@$(MAKE) -s -C $(PVM)/qemu/tests O=$(abspath $(PAYLOADS))

# ---- protected (SE) boot images: tools/testing/pvm/seimg ------------------
# our kernel and initramfs as an SE image that enters protected mode itself
# (diag 308 subcodes 8 and 10), a test payload as one, and broken images
SE       := $(BUILD)/se
SEIMG    = $(PVM)/seimg/pvm-seimg --stage3a $(SE)/stage3a.elf --stage3b $(SE)/stage3b.bin
SE_SUITES := smoke blk kselftest
SE_DAMAGE := header hash misalign key pcf
se-images: kernel upstream-kernel initramfs
	@$(MAKE) -s -C $(PVM)/seimg O=$(abspath $(SE))
	@$(SEIMG) --kernel $(OURS)/.out/arch/s390/boot/bzImage --initrd $(INITRD) -o $(SE)/ours.img \
		--cmdline "$(call APPEND,$(OURS),pv) pvm.facilities=$(PV_FACILITIES) pvm.blk=64,2 pvm.suites=$(subst $() ,$(comma),$(SE_SUITES))"
	@$(SEIMG) --kernel $(UPSTREAM)/.out/arch/s390/boot/bzImage --initrd $(INITRD) -o $(SE)/upstream.img \
		--cmdline "$(call APPEND,$(UPSTREAM),pv) pvm.suites=smoke"
	@$(SEIMG) --kernel $(SE)/inside.elf -o $(SE)/inside.img
	@for d in $(SE_DAMAGE); do $(SEIMG) --kernel $(OURS)/.out/arch/s390/boot/bzImage \
		--initrd $(INITRD) --cmdline console=ttysclp0 --damage $$d -o $(SE)/bad-$$d.img || exit 1; done

# SE_BOOT name,image,pvm-run options: an SE image boots with the Ultravisor
# present but not protected; the image makes the machine protected
SE_BOOT  = $(RUN) boot --qemu $(QEMU) --results $(RESULTS) --uv --memory 2048 \
	   --kernel $(SE)/$(2) --name $(1) $(3)
# what a refused image must print (stage3a decodes R1 + 1), and counters
SE_REFUSED = --timeout 120 --expect-counter protected=0 --expect-counter se-unpacks=0 \
	   --expect-refusal '$(1)'
define SE_BOOTS
	@$(call SE_BOOT,ours-se,ours.img,$(foreach s,$(SE_SUITES),--expect-suite $(s)) $(PV_COUNTERS) $(OURS_COUNTERS) --expect-counter se-unpacks=1 --expect-counter protected=1)
	@$(call SE_BOOT,upstream-se,upstream.img,--expect-suite smoke $(PV_COUNTERS) --expect-counter se-unpacks=1 --expect-counter protected=1)
	@$(call SE_BOOT,se-inside,inside.img,--raw --expect-counter se-unpacks=1 --expect-counter diag308-refused=2)
	@$(call SE_BOOT,se-bad-header,bad-header.img,$(call SE_REFUSED,subcode 10 failed: 0x00020000010a0a02 .command 2$(comma) UV rc 0x010a))
	@$(call SE_BOOT,se-bad-hash,bad-hash.img,$(call SE_REFUSED,subcode 10 failed: 0x0004001b01020a02 .command 4$(comma) UV rc 0x0102 rrc 0x001b))
	@$(call SE_BOOT,se-bad-key,bad-key.img,$(call SE_REFUSED,subcode 10 failed: 0x0002000001080a02 .command 2$(comma) UV rc 0x0108))
	@$(call SE_BOOT,se-bad-pcf,bad-pcf.img,$(call SE_REFUSED,subcode 10 failed: 0x0002000001060a02 .command 2$(comma) UV rc 0x0106))
	@$(call SE_BOOT,se-misaligned,bad-misalign.img,$(call SE_REFUSED,subcode 8 failed: rc 0x402))
endef

se-boots: se-images qemu
	$(SE_BOOTS)

emu-tests: qemu payloads
	@$(RUN) payloads --qemu $(QEMU) --dir $(PAYLOADS) --cases $(PVM)/qemu/tests/cases \
		--results $(RESULTS)

# ---- tests ------------------------------------------------------------------
host-tests:
	@$(RUN) tap --name host.tap-parser --results $(RESULTS) -- python3 $(PVM)/tests/test_tap.py

boot: kernel initramfs qemu
	@rm -rf $(RESULTS)
	$(MAIN_BOOTS)
	@$(RUN) summary $(RESULTS)

# check runs every step even when one fails, records each as TAP, and
# prints one summary at the end; it fails if anything failed.
check:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@$(RUN) step --name build.tree --results $(RESULTS) -- $(MAKE) -s tree
	@$(RUN) step --name build.upstream-tree --results $(RESULTS) -- $(MAKE) -s upstream-tree
	@$(RUN) step --name build.series --results $(RESULTS) -- $(MAKE) -s series
	@$(RUN) tap --name host.series --results $(RESULTS) -- bash $(PVM)/series.sh verify $(BUILD)
	@$(MAKE) -s host-tests
	@$(RUN) step --name build.kernel --results $(RESULTS) -- $(MAKE) -s kernel
	@$(RUN) step --name build.upstream-kernel --results $(RESULTS) -- $(MAKE) -s upstream-kernel
	@$(RUN) step --name build.kernel-nopvguest --results $(RESULTS) -- $(MAKE) -s kernel-nopvguest
	@$(RUN) step --name build.initramfs --results $(RESULTS) -- $(MAKE) -s initramfs
	@$(RUN) step --name build.qemu --results $(RESULTS) -- $(MAKE) -s qemu
	@$(MAKE) -s qemu-checkpatch
	@$(RUN) step --name build.payloads --results $(RESULTS) -- $(MAKE) -s payloads
	@$(MAKE) -s emu-tests
	@$(RUN) step --name build.se-images --results $(RESULTS) -- $(MAKE) -s se-images
	$(SE_BOOTS)
	$(BOOTS)
	@$(RUN) summary $(RESULTS)

summary:
	@$(RUN) summary $(RESULTS)

# make bench: ours and upstream, normal and protected, in one run; ratios
# in build/bench/results.md (not part of make check). BENCH_REPS, BENCH_MIB.
BENCH_REPS ?= 5
BENCH_MIB  ?= 256
bench: kernel upstream-kernel initramfs qemu
	@$(RUN) bench --qemu $(QEMU) --initrd $(INITRD) --out $(BUILD)/bench \
		--ours $(OURS)/.out/arch/s390/boot/bzImage \
		--upstream $(UPSTREAM)/.out/arch/s390/boot/bzImage \
		--reps $(BENCH_REPS) --mib $(BENCH_MIB)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(PVM_CACHE)
