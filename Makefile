# SPDX-License-Identifier: GPL-2.0
#
# vpm-linux top-level Makefile.  `make` builds the modules for KDIR and the
# user-space tools; `make check` and `make demo` do all the set-up
# themselves (see README.md).

# Default: the headers of the newest installed Debian kernel (the host's
# own kernel has no headers on these machines).
KDIR ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))

# The one version number of the tree (scripts/version-check).
VERSION := $(shell sed -n '/^[0-9]/p' VERSION)

# Pass W= and C= on to kbuild, so `make W=1` and `make C=2` work;
# VPM_NO_TEST=1 leaves test_vpm.ko out (the DKMS build).
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) \
	$(if $(VPM_NO_TEST),VPM_NO_TEST=$(VPM_NO_TEST))

# The tools are static by default (the test VM runs them without the
# host's libraries); STATIC= builds them dynamically (the Debian package).
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line
# (dpkg-buildflags' hardening flags) are added.
STATIC ?= -static
TOOLS_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -Iinclude $(STATIC)
TOOLS := $(patsubst tools/%.c,build/tools/%,$(wildcard tools/*.c))

# What `make install` installs (tools to $(PREFIX)/sbin, man pages) and
# what `make install-dkms` copies to /usr/src/vpm-linux-$(VERSION)/ for
# DKMS: the module sources and their build scripts, not test_vpm.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DKMS_SRCDIR ?= /usr/src/vpm-linux-$(VERSION)
SBIN_TOOLS := mkfs.vpmfs fsck.vpmfs vpmstat
MANPAGES := $(wildcard man/*.[0-9])
DKMS_FILES := Kbuild Makefile VERSION dkms.conf $(wildcard include/vpm/*.h) \
	$(wildcard vpm/*.h vpm/core/*.[ch] vpm/fs/*.[ch]) \
	scripts/build-modules scripts/compat-gen $(wildcard scripts/probes/*.c)

# Selftest programs: each selftests/*.c is one static binary, built with the
# kselftest headers from the linux-source package (scripts/deps unpacks it).
KSFT_DIR ?= /usr/src/linux-source-6.1/tools/testing/selftests
SELFTESTS := $(patsubst selftests/%.c,build/tools/%,$(wildcard selftests/*.c))

.PHONY: all modules tools sbin-tools install install-dkms deb check \
	version-check version crashtest demo vm bench deps clean

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps or set KDIR" >&2; exit 1; }
	scripts/build-modules $(KDIR) $(KBUILD_ARGS)

tools: $(TOOLS) $(SELFTESTS)

# Only the tools that `make install` installs.
sbin-tools: $(addprefix build/tools/,$(SBIN_TOOLS))

build/tools/%: tools/%.c $(wildcard include/vpm/*.h)
	@mkdir -p build/tools
	$(CC) $(TOOLS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

build/tools/%: selftests/%.c $(wildcard include/vpm/*.h)
	@mkdir -p build/tools
	$(CC) $(TOOLS_CFLAGS) -I$(KSFT_DIR) -pthread -o $@ $<

# make install [DESTDIR=...] [PREFIX=/usr]: the tools and the man pages.
install: sbin-tools
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(addprefix build/tools/,$(SBIN_TOOLS)) $(DESTDIR)$(SBINDIR)/
	set -e; for m in $(MANPAGES); do \
		s=$${m##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done

# make install-dkms [DESTDIR=...]: the module sources for DKMS; then
# dkms install vpm-linux/$(VERSION) (README.md).
install-dkms:
	set -e; for f in $(DKMS_FILES); do \
		install -D -m $$(if [ -x $$f ]; then echo 0755; else echo 0644; fi) \
			$$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; \
	done

# make deb: the Debian packages (debian/), built with dpkg-buildpackage in
# a copy of the tree under build/deb/, so the .debs land in build/deb/.
deb:
	rm -rf build/deb
	mkdir -p build/deb/vpm-linux-$(VERSION)
	tar -c --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.ko' . | \
		tar -x -C build/deb/vpm-linux-$(VERSION)
	cd build/deb/vpm-linux-$(VERSION) && dpkg-buildpackage -us -uc -b
	rm -rf build/deb/vpm-linux-$(VERSION)
	ls build/deb/*.deb

version-check:
	scripts/version-check

version:
	@echo $(VERSION)

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
