# SPDX-License-Identifier: GPL-2.0
#
# vpm-linux top-level Makefile.  `make` builds the modules for KDIR and the
# user-space tools; `make check` and `make demo` do all the set-up
# themselves (see README.md).

# Default: the headers of the newest installed Debian kernel (the host's
# own kernel has no headers on these machines).
KDIR ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))

# Pass W= and C= on to kbuild, so `make W=1` and `make C=2` work.
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C))

TOOLS_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Iinclude -static
TOOLS := $(patsubst tools/%.c,build/tools/%,$(wildcard tools/*.c))

# Selftest programs: each selftests/*.c is one static binary, built with the
# kselftest headers from the linux-source package (scripts/deps unpacks it).
KSFT_DIR ?= /usr/src/linux-source-6.1/tools/testing/selftests
SELFTESTS := $(patsubst selftests/%.c,build/tools/%,$(wildcard selftests/*.c))

.PHONY: all modules tools check crashtest demo vm bench deps clean

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps or set KDIR" >&2; exit 1; }
	scripts/build-modules $(KDIR) $(KBUILD_ARGS)

tools: $(TOOLS) $(SELFTESTS)

build/tools/%: tools/%.c $(wildcard include/vpm/*.h)
	@mkdir -p build/tools
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

build/tools/%: selftests/%.c $(wildcard include/vpm/*.h)
	@mkdir -p build/tools
	$(CC) $(TOOLS_CFLAGS) -I$(KSFT_DIR) -pthread -o $@ $<

deps:
	scripts/deps

check:
	@scripts/check

# All one- and two-operation crash-consistency workloads (scripts/crashtest);
# CRASHTEST_ARGS, e.g. "--kernel backports".
crashtest: tools
	scripts/crashtest $(CRASHTEST_ARGS)

demo:
	scripts/demo

bench:
	scripts/bench

vm: deps
	scripts/vmtest --interactive

clean:
	rm -rf build
