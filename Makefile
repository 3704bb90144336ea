# Zenith build. `make qemu` boots to the shell, `make test` runs every check.
# Everything is built under build/; `make clean` removes it.

CPUS ?= 3
MEM ?= 128M
ARGS ?=
B := build

TOOLPREFIX ?= riscv64-unknown-elf-
CC := $(TOOLPREFIX)gcc
LD := $(TOOLPREFIX)ld
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
AR := $(TOOLPREFIX)ar
QEMU ?= qemu-system-riscv64
PYTEST ?= /usr/bin/python3 -m pytest
HOSTCC ?= gcc

# Lab build switches (see labs/README.md): the reference tree builds with
# every lab's scaffolding (LAB) and solution (SOL) in; a handout is made with
# unifdef, which removes the markers, so these values no longer matter there.
LABFLAGS ?= -DSOL=99 -DLAB=99

CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -fno-omit-frame-pointer -ggdb \
	-march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax \
	-ffreestanding -fno-common -nostdlib -fno-builtin -fno-stack-protector \
	-fno-pie -no-pie -Wno-unused-parameter -I. -Ikernel $(LABFLAGS)
ASFLAGS := $(CFLAGS) -D__ASSEMBLER__
LDFLAGS := -z max-page-size=4096 --no-warn-rwx-segments

# The kernel is in subsystem folders (kernel/README.md); kernel/*.h at the
# top are the headers user programs include. Kernel code includes a
# subsystem's header by folder ("mm/vm.h"), so the arrows are visible.
KSRCS := $(wildcard kernel/*/*.c)
KASMS := $(wildcard kernel/*/*.S)
KOBJS := $(patsubst kernel/%.S,$(B)/kernel/%.o,$(KASMS)) $(patsubst kernel/%.c,$(B)/kernel/%.o,$(KSRCS))

ULIB_SRCS := $(wildcard user/lib/*.c)
ULIB_OBJS := $(patsubst user/lib/%.c,$(B)/user/lib/%.o,$(ULIB_SRCS)) $(B)/user/lib/usys.o
# Programs link start.o and take from the archive only the library objects
# they use (the service library alone would not fit every program on disk).
ULIB_START := $(B)/user/lib/start.o
ULIB_AR := $(B)/user/libzenith.a
# Programs live in user/cmd, user/services, user/tests and user/labs
# (user/README.md); each becomes $(B)/user/_NAME, whatever its folder.
UPROG_DIRS := cmd services tests labs
UPROG_SRCS := $(foreach d,$(UPROG_DIRS),$(wildcard user/$(d)/*.c))
UPROGS := $(patsubst %.c,$(B)/user/_%,$(notdir $(UPROG_SRCS)))

DEPCHECK := $(B)/.deps-ok

.PHONY: all kernel fs qemu qemu-gdb qemu-disk clean-disk test test-host grade bench gradebench replay replay-gdb schedbench sched-trace campaign clean deps \
	handout verify-labs gradescope selftest fuzz crashtest race docs

all: $(B)/kernel.elf $(B)/fs.img

kernel: $(B)/kernel.elf
fs: $(B)/fs.img

# Install missing Debian packages once (tools/deps.sh says what it does).
$(DEPCHECK): tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(B) && touch $@
deps:
	@tools/deps.sh

$(B)/kernel/%.o: kernel/%.c | $(DEPCHECK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/kernel/%.o: kernel/%.S | $(DEPCHECK)
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -MMD -MP -c -o $@ $<

$(B)/kernel.elf: $(KOBJS) kernel/boot/kernel.ld
	$(LD) $(LDFLAGS) -T kernel/boot/kernel.ld -o $@ $(KOBJS)
	$(OBJDUMP) -S $@ > $(B)/kernel.asm
	$(OBJDUMP) -t $@ | sed '1,/SYMBOL TABLE/d; s/ .* / /; /^$$/d' > $(B)/kernel.sym

# User library and programs. Every user/{cmd,services,tests,labs}/*.c is a
# program; user/lib/ is the library.
$(B)/user/lib/usys.S: user/lib/syscalls.txt user/lib/gen_usys.sh kernel/syscall.h
	@mkdir -p $(dir $@)
	sh user/lib/gen_usys.sh user/lib/syscalls.txt > $@

$(B)/user/lib/usys.o: $(B)/user/lib/usys.S | $(DEPCHECK)
	$(CC) $(ASFLAGS) -c -o $@ $<

$(B)/user/lib/%.o: user/lib/%.c | $(DEPCHECK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

define UPROG_DIR_RULES
$(B)/user/$(1)/%.o: user/$(1)/%.c | $(DEPCHECK)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -MMD -MP -c -o $$@ $$<

$(B)/user/_%: $(B)/user/$(1)/%.o $$(ULIB_START) $$(ULIB_AR) user/user.ld
	$$(LD) $$(LDFLAGS) -T user/user.ld -o $$@ $$< $$(ULIB_START) $$(ULIB_AR)
	$$(OBJDUMP) -S $$@ > $(B)/user/$$*.asm
endef
$(foreach d,$(UPROG_DIRS),$(eval $(call UPROG_DIR_RULES,$(d))))

$(ULIB_AR): $(filter-out $(ULIB_START),$(ULIB_OBJS))
	rm -f $@
	$(AR) rcs $@ $^

# Programs in xv6's style (user/xv6/*.c; book 2, "Running xv6 programs"):
# xv6's own warning set (-Wall -Werror, no -Wextra) and printf without format
# checking (XV6_COMPAT in user/user.h); their calls to xv6's system calls
# are then renamed to the compatibility shim (user/xv6/compat/: -1 and errno
# on failure, names cut to DIRSIZ, 100 ms ticks), which is linked in with a
# manifest giving them the directories and their own processes.
XV6_CFLAGS := $(filter-out -Wextra -Werror -Wall,$(CFLAGS)) -Wall -Werror \
	-Wno-infinite-recursion -DXV6_COMPAT
XV6_SRCS := $(wildcard user/xv6/*.c)
XV6_PROGS := $(patsubst user/xv6/%.c,$(B)/user/_%,$(XV6_SRCS))
XV6_SHIM := $(B)/user/xv6/compat/xv6compat.o $(B)/user/xv6/compat/manifest.o

$(B)/user/xv6/%.o: user/xv6/%.c user/xv6/compat/rename.syms | $(DEPCHECK)
	@mkdir -p $(dir $@)
	$(CC) $(XV6_CFLAGS) -MMD -MP -c -o $@ $<
	$(OBJCOPY) --redefine-syms=user/xv6/compat/rename.syms $@

$(B)/user/xv6/compat/%.o: user/xv6/compat/%.c | $(DEPCHECK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(XV6_PROGS): $(B)/user/_%: $(B)/user/xv6/%.o $(XV6_SHIM) $(ULIB_START) $(ULIB_AR) user/user.ld
	$(LD) $(LDFLAGS) -T user/user.ld -o $@ $< $(XV6_SHIM) $(ULIB_START) $(ULIB_AR)
	$(OBJDUMP) -S $@ > $(B)/user/$*.asm

.PRECIOUS: $(B)/user/%.o $(B)/user/lib/%.o $(B)/user/xv6/%.o \
	$(foreach d,$(UPROG_DIRS),$(B)/user/$(d)/%.o)

# Host tool that builds the disk image.
$(B)/mkfs: mkfs/mkfs.c kernel/fs_format.h kernel/stat.h kernel/param.h user/lib/syscaps.h
	@mkdir -p $(B)
	$(HOSTCC) -Wall -Wextra -Werror -O2 -I. -o $@ mkfs/mkfs.c

FSFILES := user/files/README user/files/syscaps.conf user/files/services.conf user/files/svcquar.conf user/files/svcfatal.conf
# build/fs.img is the clean disk: made here from the sources and never booted
# in place (the tests and the grader boot copies of it). Its SHA-256 is
# written next to it, so the grader can tell it was not changed since mkfs
# (grade/zenith.py rebuilds it when it was).
$(B)/fs.img: $(B)/mkfs $(UPROGS) $(XV6_PROGS) $(FSFILES)
	rm -f $@ $@.sha256
	$(B)/mkfs $@ $(FSFILES) $(UPROGS) $(XV6_PROGS)
	sha256sum $@ > $@.sha256

# `make qemu` boots a working copy of it, which keeps what you do at the shell
# from one interactive boot to the next. When the programs change (fs.img is
# newer) a fresh copy is made and the previous one kept as QEMU_DISK.old;
# `make clean-disk` resets it by hand.
QEMU_DISK ?= $(B)/qemu-fs.img
qemu-disk: $(B)/fs.img
	@if [ ! -f $(QEMU_DISK) ]; then \
		cp $(B)/fs.img $(QEMU_DISK); \
		echo "*** New working disk $(QEMU_DISK), a copy of $(B)/fs.img."; \
	elif [ $(B)/fs.img -nt $(QEMU_DISK) ]; then \
		mv $(QEMU_DISK) $(QEMU_DISK).old; cp $(B)/fs.img $(QEMU_DISK); \
		echo "*** The programs changed: fresh working disk $(QEMU_DISK);"; \
		echo "*** the one you used before (your files in it) is $(QEMU_DISK).old."; \
	fi

clean-disk:
	rm -f $(QEMU_DISK) $(QEMU_DISK).old
	@echo "*** Working disk removed: the next \`make qemu\` boots a fresh copy of $(B)/fs.img."

# DISK_CACHE=writeback (the default): QEMU keeps the guest's writes in the
# host's page cache and syncs them to the host's disk when the kernel sends a
# flush, which its log does around each commit point (VIRTIO_BLK_F_FLUSH,
# book 5.3): what fsync promised survives a crash of the host too.
# DISK_CACHE=unsafe ignores the flushes: faster, durable only while the host
# stays up. The grader always uses unsafe (grade/zenith.py) and puts its own
# copy of build/fs.img in place of QEMU_DISK.
DISK_CACHE ?= writeback
QEMUOPTS = -machine virt -bios default -kernel $(B)/kernel.elf -m $(MEM) -smp $(CPUS) \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(QEMU_DISK),if=none,format=raw,id=x0,cache=$(DISK_CACHE) \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0 -no-reboot

# An interactive boot runs the supervisor and its services (svc=on, before
# ARGS so that ARGS="svc=off" wins; init reads the last svc= option).
QEMU_APPEND = svc=on $(ARGS)
# ICOUNT=1: QEMU counts instructions as the grader's one-hart tests do
# (grade/zenith.py ICOUNT_ARGS), so `make qemu CPUS=1 ICOUNT=1
# ARGS="run=CMD"` boots the way such a test does, tick for tick.
QEMU_ICOUNT = $(if $(ICOUNT),-icount shift=0$(COMMA)align=off$(COMMA)sleep=off)
COMMA := ,

qemu: all qemu-disk
	@echo "*** Booting Zenith on $(CPUS) hart(s). Quit: type 'halt', or Ctrl-A then x."
	$(QEMU) $(QEMUOPTS) $(QEMU_ICOUNT) -nographic -append "$(QEMU_APPEND)"

qemu-gdb: all qemu-disk
	@tools/qemu-gdb.sh $(QEMU) $(QEMUOPTS) $(QEMU_ICOUNT) -nographic -append "$(QEMU_APPEND)"

# The whole suite: host tests for mkfs, then the QEMU tests of the system
# (grade/tests) and of every lab (grade/labs: the reference tree passes them
# all), in parallel (JOBS=N workers, default one per core). pytest exits
# non-zero, so make fails, when a test fails or when no test ran (status 5).
# In a lab handout (labs/HANDOUT exists) the lab tests are what `make grade`
# is for, and verify-labs needs the reference: `make test` runs the rest.
HANDOUT_LAB := $(wildcard labs/HANDOUT)
LAB_TESTS := $(if $(HANDOUT_LAB),,$(wildcard grade/labs))

# The reference tree's run also builds the course website first (`make
# docs`); tools/tests/test_docs_site.py opens it in Chromium. A handout
# leaves the website out: a student's `make test` needs no browser.
test: all $(if $(HANDOUT_LAB),,docs)
	$(PYTEST) -q -p no:cacheprovider mkfs/tests tools/tests grade/tests grade/selftest $(LAB_TESTS) \
		-n $(or $(JOBS),auto) --durations=25
	$(if $(HANDOUT_LAB),,@$(MAKE) --no-print-directory verify-labs VERIFY_FLAGS="--skip-reference --quick")

# The course website: the book, the lab handouts, the guides and the results
# pages as static HTML in build/docs (open build/docs/index.html), built by
# Sphinx with MyST from the configuration in docs/site/. Every warning fails
# the build: a broken link or anchor, and inline code naming a repository
# file that does not exist. The Debian packages come from tools/deps.sh docs.
DOCS_DEPS := $(B)/.deps-docs-ok
$(DOCS_DEPS): tools/deps.sh
	@tools/deps.sh docs
	@mkdir -p $(B) && touch $@

docs: $(DOCS_DEPS)
	rm -rf $(B)/docs $(B)/docs-doctrees
	$(PYTHON) -m sphinx -b html -c docs/site -W --keep-going -n -q -d $(B)/docs-doctrees . $(B)/docs
	@echo "docs: the site is in $(B)/docs (start page: $(B)/docs/index.html)"

# Labs (labs/README.md). `make grade [LAB=name]` grades the labs on this tree;
# `make handout LAB=name [OUT=dir]` writes a student tree (build/handout/name);
# `make verify-labs` checks every handout against its lab's tests, and that
# the reference passes them all (reference tree only; `make test` skips the
# reference part, its pytest run just did it, and grades on each handout only
# the lab before it and its own: --quick; LAB=name: that lab only); `make gradescope LAB=name`
# builds build/gradescope-name.zip.
PYTHON ?= /usr/bin/python3

grade:
	$(PYTHON) grade/run_grade.py $(if $(LAB),--lab $(LAB)) -n $(or $(JOBS),auto)

handout:
	@test -n "$(LAB)" || { echo "usage: make handout LAB=<name> [OUT=dir]" >&2; exit 2; }
	$(PYTHON) tools/handout.py $(LAB) $(if $(OUT),--out $(OUT))

verify-labs:
	$(PYTHON) tools/verify_labs.py $(if $(LAB),--lab $(LAB)) $(VERIFY_FLAGS)

gradescope:
	@test -n "$(LAB)" || { echo "usage: make gradescope LAB=<name>" >&2; exit 2; }
	$(PYTHON) tools/gradescope.py $(LAB)

# The lab machinery's slow end-to-end checks (grade/batch on a class of six
# varied submissions, the Gradescope zip on a fake /autograder, and the cheat
# corpus grade/selftest/cheats/: every cheat scores 0 on its targets): minutes.
selftest: all
	ZENITH_SLOW_SELFTEST=1 $(PYTEST) -q -p no:cacheprovider grade/selftest

bench: all
	/usr/bin/python3 tools/bench.py

# Replay a boot the grader recorded (ZENITH_RECORD=1: one-hart tests under
# -icount, with QEMU's record/replay; grade/replay.py): `make replay TEST=NAME`
# replays it and compares the console, `make replay-gdb TEST=NAME` replays it
# waiting for GDB. NAME: a folder of grade/out/replay/ (a failure names it).
replay:
	/usr/bin/python3 tools/replay.py $(TEST)

replay-gdb:
	/usr/bin/python3 tools/replay.py --gdb $(TEST)

# How long grading one submission takes, lab by lab (the reference tree, -n 2):
# tools/gradebench.py; GRADEBENCH_FLAGS=--write puts it in docs/results/grading.md.
gradebench: all
	/usr/bin/python3 tools/gradebench.py $(GRADEBENCH_FLAGS)

# The scheduler benchmark (figures, not tests; about 15 minutes): every
# policy on every workload of user/tests/schedbench.c, written to
# docs/results/scheduler.md with plots (python3-matplotlib, installed here
# if missing; without it the page has tables only). Real-time multi-hart
# figures are not published when the host's 1-minute load average went above
# its core count: it prints why and what it would have written, and the page
# keeps the last published ones (tools/schedbench_publish.py).
schedbench: all
	@tools/deps.sh plots || echo "schedbench: could not install python3-matplotlib: tables only"
	/usr/bin/python3 tools/schedbench.py $(SCHEDBENCH_FLAGS)

# Boot, run a short workload under POLICY (default adaptive), pull the
# scheduler's trace off the guest, print wake-to-run latencies per class and
# draw the timeline (docs/results/scheduler/trace-POLICY.png).
POLICY ?= adaptive
sched-trace: all
	@tools/deps.sh plots || echo "sched-trace: could not install python3-matplotlib: no picture"
	/usr/bin/python3 tools/sched_trace.py --policy $(POLICY)

# The system-call fuzzer's long run (figures, not a test; book 5.16):
# seeded campaigns of user/tests/fuzz.c on 1 hart (-icount) and 3 harts, the disk
# checked by grade/fsck.py after each, figures in docs/results/reliability.md.
# A panic is saved under grade/out/fuzz/ for tools/fuzz_reduce.py. FUZZ_FLAGS
# passes options (tools/fuzz.py --help), e.g. FUZZ_FLAGS="--seeds 9 --gens 50".
fuzz: all
	/usr/bin/python3 tools/fuzz.py --jobs 2 --results docs/results/reliability.md $(FUZZ_FLAGS)

# The crash campaign (figures, not a test; book 5.18): 100 power cuts at
# seeded random moments amid user/tests/fuzzcrash.c's writers (1 hart and 3), each
# disk checked by grade/fsck.py and against the durability contract of book
# 5.5 (grade/crashcheck.py); figures in docs/results/reliability.md.
# CRASH_FLAGS passes options (tools/crashtest.py --help).
crashtest: all
	/usr/bin/python3 tools/crashtest.py --results docs/results/reliability.md $(CRASH_FLAGS)

# Repeat one in-guest suite N times on CPUS harts (default 3) in real time,
# where interleavings change from boot to boot: `make race SUITE=celltest
# N=20`. Suites: usertests captest chantest dirtest celltest killtest
# selfheal xv6tests schedtest fuzz crash, or all (tools/race.py). A failing run is named with its seed; its console
# log stays in grade/out/logs/race-SUITE-RUN.log. RACE_FLAGS passes options,
# e.g. RACE_FLAGS="--results docs/results/reliability.md" writes the figures.
SUITE ?= usertests
N ?= 10
race: all
	/usr/bin/python3 tools/race.py $(SUITE) -n $(N) --cpus $(CPUS) $(RACE_FLAGS)

# The self-healing campaign alone (part of make bench): 200 injections.
campaign: all
	/usr/bin/python3 tools/bench.py --only campaign

# `make print-VAR` prints a variable (tools/tests reads the two flag sets).
print-%:
	@echo '$($*)'

clean:
	rm -rf $(B) .gdb-port compile_commands.json grade/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

-include $(wildcard $(B)/kernel/*/*.d $(B)/user/*/*.d $(B)/user/xv6/*.d \
	$(B)/user/xv6/compat/*.d)
