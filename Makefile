# SPDX-License-Identifier: GPL-2.0
# pvguest: s390 protected virtualization guest series + its test environment.
#
#   make            build our kernel and boot it, run the in-guest suites
#   make check      everything: series export/apply/checkpatch, both
#                   kernels, host tests, boots, suites; ends "N passed, N failed"
#   (both install what a fresh Debian bookworm machine lacks first, as root;
#   make deps does only that)
#   make tree | upstream-tree | series | kernel | upstream-kernel |
#        initramfs | qemu | clean
#   make se-boots   protected boot (SE) images built and booted
#   make boots ONLY=ours-pv-negative,upstream-pv   boots of the table
#                   (tools/testing/pvm/boots) by name
#   make bench      what protection costs (not part of check)
#   make series-steps   each patch of the series builds (not part of check;
#                       PVM_STEPS=FIRST-LAST builds only those)
#   make qemu-steps     each patch of the emulator's series builds (ditto)
#   make fuzz           the hostile host, fuzzed: a campaign (not part of check)
#   make distro-build   defconfig and Debian's config, W=1, warnings against
#                       upstream's (not part of check)
#
# Outputs go to $(BUILD); caches (ccache, QEMU source and build) to $(PVM_CACHE).

BUILD     ?= build
PVM_CACHE ?= $(HOME)/.cache/pvguest
JOBS      ?= $(shell nproc)
export PVM_CACHE JOBS

PVM      := tools/testing/pvm
RUN      := /usr/bin/python3 $(PVM)/pvm-run
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

# Kernel command line of the SE images' kernels (the table's boots get it
# from pvm-run matrix); pvm.* options are read by init.
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
# The boots are a table, tools/testing/pvm/boots (one line per boot; the
# format is in tools/testing/pvm/pvm/matrix.py): MATRIX runs a group of it.
MATRIX   = $(RUN) matrix --table $(PVM)/boots --qemu $(QEMU) --results $(RESULTS) \
	   --ours $(OURS) --upstream $(UPSTREAM) --initrd $(INITRD) --se $(SE) \
	   --suites $(subst $() ,$(comma),$(SUITES)) --set PV_FACILITIES=$(PV_FACILITIES) \
	   --set PV_FACILITIES_NOSECRETS=$(PV_FACILITIES_NOSECRETS) \
	   --set PV_FACILITIES_NORETRIEVE=$(PV_FACILITIES_NORETRIEVE) \
	   --set SE_SUITES=$(subst $() ,$(comma),$(SE_SUITES)) --host-key $(HOST_KEY)
comma := ,

.PHONY: need-deps distro-build fuzz fuzz-kernels keys se-images se-boots boots bench series-steps kernel-nopvguest kernel-sections qemu qemu-checkpatch qemu-steps payloads emu-tests all boot check deps tree upstream-tree series series-check kernel \
	upstream-kernel initramfs host-tests summary clean distclean help

all: boot

help:
	@sed -n '2,19p' Makefile

deps:
	@bash $(PVM)/deps.sh

# make and make check start here: nothing to do when everything is
# installed; as root the missing packages are installed, else the message
# says what to run
need-deps:
	@bash $(PVM)/deps.sh --ensure

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

# our kernel with CONFIG_DEBUG_SECTION_MISMATCH: fails on any section
# mismatch (built in make check, never booted)
kernel-sections: tree
	@KOUT=.out-sections bash $(PVM)/kernel.sh $(OURS) -sections \
		$(PVM)/config/pvm-test-ours.config $(PVM)/config/pvm-test-sections.config

# our kernel without the guest side (CONFIG_PROTECTED_VIRTUALIZATION_GUEST=n)
kernel-nopvguest: tree
	@KOUT=.out-nopvguest bash $(PVM)/kernel.sh $(OURS) -nopvguest $(PVM)/config/pvm-test-nopvguest.config

upstream-kernel: upstream-tree
	@bash $(PVM)/kernel.sh $(UPSTREAM) -upstream

# the kernels of make fuzz: KASAN, UBSAN, lockdep (config/pvm-fuzz.config)
fuzz-kernels: tree upstream-tree
	@KOUT=.out-fuzz bash $(PVM)/kernel.sh $(OURS) -pvguest-fuzz \
		$(PVM)/config/pvm-test-ours.config $(PVM)/config/pvm-fuzz.config
	@KOUT=.out-fuzz bash $(PVM)/kernel.sh $(UPSTREAM) -upstream-fuzz $(PVM)/config/pvm-fuzz.config

# the patched and the base tree with s390 defconfig and Debian's s390x
# configuration (+ pv_guest.config), W=1 for the series' files: no error,
# no warning upstream's build lacks (not part of make check; long: all of
# Debian's modules). DISTRO_CONFIGS picks defconfig and/or debian.
DISTRO_CONFIGS ?= defconfig debian
distro-build: tree upstream-tree
	@bash $(PVM)/distro-build.sh $(BUILD) $(DISTRO_CONFIGS)

# ---- host keys of the emulated Ultravisor ---------------------------------
# made once per build directory: two EC P-521 key pairs (host and backup)
# and their host-key documents, which images and requests are sealed for
KEYS     := $(BUILD)/keys
HOST_KEY := $(KEYS)/host.key:$(KEYS)/backup.key
HKD      := $(KEYS)/host.crt
keys: $(HKD)
$(HKD):
	@$(PVM)/seimg/pvm-hostkey $(KEYS)

# the test module in it is built against our kernel (initramfs.sh says so
# if that is not built yet): a rebuilt kernel rebuilds it
$(INITRD): $(BUILD)/linux.version $(PVM)/initramfs.sh $(PVM)/initramfs/init \
	   $(wildcard $(PVM)/guest/* $(PVM)/guest/lib/* $(PVM)/module/*) \
	   $(wildcard $(OURS)/.out/arch/s390/boot/bzImage) $(HKD)
	@PVM_HOST_KEYS=$$($(PVM)/seimg/pvm-hostkey --hashes $(KEYS)) \
		bash $(PVM)/initramfs.sh $(OURS) $@

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
# (diag 308 subcodes 8 and 10), a test payload as one, and broken images.
# ours.img keeps its header and customer communication key beside it, and
# its secret control flags ask for CCK-derived extension secrets: the
# runner makes the boot's add-secret requests for it from these
SE       := $(BUILD)/se
SEIMG    = $(PVM)/seimg/pvm-seimg --stage3a $(SE)/stage3a.elf --stage3b $(SE)/stage3b.bin \
	   --host-key-document $(HKD)
SE_SUITES := smoke blk kselftest
SE_DAMAGE := header hash misalign key pcf tag
se-images: kernel upstream-kernel initramfs keys
	@$(MAKE) -s -C $(PVM)/seimg O=$(abspath $(SE))
	@head -c 32 /dev/urandom > $(SE)/ours.cck
	@$(SEIMG) --kernel $(OURS)/.out/arch/s390/boot/bzImage --initrd $(INITRD) -o $(SE)/ours.img \
		--header-out $(SE)/ours.hdr --comm-key $(SE)/ours.cck --cck-extension \
		--cmdline "$(call APPEND,$(OURS),pv) pvm.facilities=$(PV_FACILITIES) pvm.blk=64,2 pvm.suites=$(subst $() ,$(comma),$(SE_SUITES))"
	@$(SEIMG) --kernel $(UPSTREAM)/.out/arch/s390/boot/bzImage --initrd $(INITRD) -o $(SE)/upstream.img \
		--cmdline "$(call APPEND,$(UPSTREAM),pv) pvm.suites=smoke"
	@$(SEIMG) --kernel $(SE)/inside.elf -o $(SE)/inside.img
	@$(SEIMG) --kernel $(SE)/inside.elf --no-encrypt -o $(SE)/inside-plain.img
	@$(PVM)/seimg/pvm-seimg --stage3a $(SE)/stage3a.elf --stage3b $(SE)/stage3b.bin \
		--host-key-document $(KEYS)/backup.crt --kernel $(SE)/inside.elf -o $(SE)/inside-backup.img
	@for d in $(SE_DAMAGE); do $(SEIMG) --kernel $(OURS)/.out/arch/s390/boot/bzImage \
		--initrd $(INITRD) --cmdline console=ttysclp0 --damage $$d -o $(SE)/bad-$$d.img || exit 1; done


se-boots: se-images qemu
	@$(MATRIX) --group se

# boots of the table by name: make boots ONLY=ours-pv-negative,upstream-pv
boots: kernel upstream-kernel initramfs qemu keys
	@mkdir -p $(RESULTS)
	@$(MATRIX) --only $(ONLY)

emu-tests: qemu payloads keys
	@$(RUN) payloads --qemu $(QEMU) --dir $(PAYLOADS) --cases $(PVM)/qemu/tests/cases \
		--host-key $(HOST_KEY) --results $(RESULTS)

# ---- tests ------------------------------------------------------------------
host-tests:
	@$(RUN) tap --name host.tap-parser --results $(RESULTS) -- python3 $(PVM)/tests/test_tap.py
	@$(RUN) tap --name host.boot-table --results $(RESULTS) -- python3 $(PVM)/tests/test_matrix.py
	@$(RUN) tap --name host.secure --results $(RESULTS) -- /usr/bin/python3 $(PVM)/tests/test_secure.py
	@$(RUN) tap --name host.fuzz-judge --results $(RESULTS) -- python3 $(PVM)/tests/test_fuzz.py

boot: need-deps kernel initramfs qemu keys
	@rm -rf $(RESULTS)
	@$(MATRIX) --group main
	@$(RUN) summary $(RESULTS)

# check runs every step even when one fails, records each as TAP, and
# prints one summary at the end; it fails if anything failed.
check: need-deps
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@$(RUN) step --name build.tree --results $(RESULTS) -- $(MAKE) -s tree
	@$(RUN) step --name build.upstream-tree --results $(RESULTS) -- $(MAKE) -s upstream-tree
	@$(RUN) step --name build.series --results $(RESULTS) -- $(MAKE) -s series
	@$(RUN) tap --name host.series --results $(RESULTS) -- bash $(PVM)/series.sh verify $(BUILD)
	@$(MAKE) -s host-tests
	@$(RUN) step --name build.kernel --results $(RESULTS) -- $(MAKE) -s kernel
	@$(RUN) step --name build.upstream-kernel --results $(RESULTS) -- $(MAKE) -s upstream-kernel
	@$(RUN) step --name build.kernel-nopvguest --results $(RESULTS) -- $(MAKE) -s kernel-nopvguest
	@$(RUN) step --name build.kernel-sections --results $(RESULTS) -- $(MAKE) -s kernel-sections
	@$(RUN) step --name build.initramfs --results $(RESULTS) -- $(MAKE) -s initramfs
	@$(RUN) tap --name host.kselftest-build --results $(RESULTS) -- \
		bash $(PVM)/kselftest-build.sh $(OURS) $(BUILD)/kselftest-host
	@$(RUN) step --name build.qemu --results $(RESULTS) -- $(MAKE) -s qemu
	@$(MAKE) -s qemu-checkpatch
	@$(RUN) step --name build.payloads --results $(RESULTS) -- $(MAKE) -s payloads
	@$(MAKE) -s emu-tests
	@$(RUN) step --name build.se-images --results $(RESULTS) -- $(MAKE) -s se-images
	@$(MATRIX) --group se
	@$(MATRIX) --group main,check
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

# make fuzz: protected boots of ours and upstream under the emulator's
# fuzzing host (pvm/fuzz.py), FUZZ_BOOTS per kernel from seed FUZZ_SEED;
# the table, the plot and a reproducing command per bad boot in
# build/fuzz/ (not part of make check). FUZZ_ARGS adds pvm-run fuzz
# options: --resume boots only the seeds that have no finished boot in
# build/fuzz/ yet (a campaign run in parts, with the same kernels),
# --report-only makes the report again from the boots already there,
# --jobs, --timeout, --classes, --rate.
FUZZ_BOOTS ?= 200
FUZZ_SEED  ?= 1
FUZZ_KERNELS ?= ours,upstream
FUZZ_ARGS ?=
fuzz: fuzz-kernels initramfs qemu
	@$(RUN) fuzz --qemu $(QEMU) --initrd $(INITRD) --out $(BUILD)/fuzz \
		--ours $(OURS)/.out-fuzz/arch/s390/boot/bzImage \
		--upstream $(UPSTREAM)/.out-fuzz/arch/s390/boot/bzImage \
		--kernels $(FUZZ_KERNELS) --boots $(FUZZ_BOOTS) --seed $(FUZZ_SEED) \
		$(FUZZ_ARGS)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(PVM_CACHE)
