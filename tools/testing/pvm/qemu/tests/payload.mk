# SPDX-License-Identifier: GPL-2.0
# How a freestanding s390x payload is built (the emulator's test payloads,
# the loaders of tools/testing/pvm/seimg). Set PAYLOAD_LIB to this
# directory, then $(O)/NAME.elf builds from NAME.c with the start code and
# library here.
CROSS_COMPILE ?= s390x-linux-gnu-
CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
# O= relative to where make was started (also with make -C)
ifeq ($(origin O),command line)
ifneq ($(filter /%,$(O)),$(O))
override O := $(PWD)/$(O)
endif
else
O := .
endif
# no FPRs (CR0 AFP is off), stores to lowcore address 0 are intended
CFLAGS := -O2 -g -march=z10 -m64 -msoft-float -fno-delete-null-pointer-checks \
	-ffreestanding -fno-builtin -nostdlib -static -I$(PAYLOAD_LIB) \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Wno-unused-parameter --param=min-pagesize=0
LDFLAGS := -no-pie -Wl,-T,$(PAYLOAD_LIB)/payload.lds -Wl,--build-id=none
PAYLOAD_COMMON := $(addprefix $(PAYLOAD_LIB)/,start.S lib.c lib.h payload.lds payload.mk) \
	Makefile

$(O)/%.elf: %.c $(PAYLOAD_COMMON)
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PAYLOAD_LIB)/start.S $(PAYLOAD_LIB)/lib.c $< -lgcc
