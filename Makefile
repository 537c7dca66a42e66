# ocsinventory-agent — build, test, benchmark, install.

CARGO ?= cargo
BIN := target/release/ocsinventory-agent

.PHONY: all build inventory test lint bench

all: build

build:
	$(CARGO) build --release

# This machine's inventory on stdout, with no server.
inventory:
	$(CARGO) run --release --quiet -- --stdout

# The test suite (unit tests and the end-to-end tests in t/).
test:
	$(CARGO) test $(TEST_FLAGS)

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

# Cost against the Debian peers on the same machine, in the same run: the local
# inventory against fusioninventory-agent --local, then the daemon against its daemon.
bench: build
	sh t/bench/inventory.sh
	sh t/bench/daemon.sh $(BIN)

# ---- daemon: install, bench-daemon ----------------------------------------------
# make install PREFIX=/usr DESTDIR=/tmp/pkg   (GNU make; gmake on FreeBSD)
# Installs the binary (and the lean daemon parent in LIBEXECDIR, where
# `ocsinventory-agent --daemon` looks for it: ../libexec/ocsinventory-agent from BINDIR),
# the man page, agent.cfg (never over an existing one), the
# service files of the running system (systemd unit + init.d script on Linux, rc.d
# script on FreeBSD), the logrotate file, the cron example and an empty vardir.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/ocsinventory-agent
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/ocsinventory-agent
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
SYSTEMDUNITDIR ?= /usr/lib/systemd/system
else
SYSCONFDIR ?= $(PREFIX)/etc
LOCALSTATEDIR ?= /var
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
endif
INSTALL ?= install
AGENT_BIN ?= target/release/ocsinventory-agent
DAEMON_BIN ?= target/release/ocsinventory-agent-daemon
# The Linux scripts name /usr/bin and /etc, the FreeBSD one /usr/local/bin and /usr/local/etc.
FIX_LINUX = sed -e 's|/usr/bin/ocsinventory-agent|$(BINDIR)/ocsinventory-agent|g' \
	-e 's|/etc/ocsinventory-agent/agent.cfg|$(SYSCONFDIR)/ocsinventory-agent/agent.cfg|g'
FIX_BSD = sed -e 's|/usr/local/bin/ocsinventory-agent|$(BINDIR)/ocsinventory-agent|g' \
	-e 's|/usr/local/etc/ocsinventory-agent|$(SYSCONFDIR)/ocsinventory-agent|g'

.PHONY: install bench-daemon

install:
	test -x $(AGENT_BIN) && test -x $(DAEMON_BIN) || $(CARGO) build --release
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(SYSCONFDIR)/ocsinventory-agent $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0755 $(AGENT_BIN) $(DESTDIR)$(BINDIR)/ocsinventory-agent
	$(INSTALL) -m 0755 $(DAEMON_BIN) $(DESTDIR)$(LIBEXECDIR)/ocsinventory-agent-daemon
	if [ -f conf/agent.cfg ] && [ ! -e $(DESTDIR)$(SYSCONFDIR)/ocsinventory-agent/agent.cfg ]; then \
		$(INSTALL) -m 0644 conf/agent.cfg $(DESTDIR)$(SYSCONFDIR)/ocsinventory-agent/agent.cfg; \
	fi
	if [ -f man/ocsinventory-agent.1 ]; then \
		$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 && \
		$(INSTALL) -m 0644 man/ocsinventory-agent.1 $(DESTDIR)$(MANDIR)/man1/ocsinventory-agent.1; \
	fi
	if [ "$$(uname -s)" = FreeBSD ]; then \
		$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/rc.d && \
		$(FIX_BSD) conf/rc.d/ocsinventory_agent > $(DESTDIR)$(SYSCONFDIR)/rc.d/ocsinventory_agent && \
		chmod 0755 $(DESTDIR)$(SYSCONFDIR)/rc.d/ocsinventory_agent; \
	else \
		$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/init.d $(DESTDIR)$(SYSTEMDUNITDIR) && \
		$(FIX_LINUX) conf/init.d/ocsinventory-agent > $(DESTDIR)$(SYSCONFDIR)/init.d/ocsinventory-agent && \
		chmod 0755 $(DESTDIR)$(SYSCONFDIR)/init.d/ocsinventory-agent && \
		$(FIX_LINUX) conf/systemd/ocsinventory-agent.service > $(DESTDIR)$(SYSTEMDUNITDIR)/ocsinventory-agent.service && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/ocsinventory-agent.service; \
	fi
	if [ ! -e $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ocsinventory-agent ]; then \
		$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/logrotate.d && \
		$(INSTALL) -m 0644 conf/logrotate.d/ocsinventory-agent $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ocsinventory-agent; \
	fi
	$(FIX_LINUX) conf/cron.d/ocsinventory-agent > $(DESTDIR)$(DOCDIR)/cron.example
	$(INSTALL) -d -m 0750 $(DESTDIR)$(LOCALSTATEDIR)/lib/ocsinventory-agent

# Daemon RSS (start, idle, after RUNS wake-ups) and /status latency with 50 idle
# connections, beside fusioninventory-agent (apt-get install fusioninventory-agent).
bench-daemon:
	$(CARGO) build --release
	sh t/bench/daemon.sh $(AGENT_BIN)
# ---- end of daemon block ----------------------------------------------------------

# ---- integration: the real OCS Inventory server (t/ocs-server/, needs root) -------
# Two server instances (A: 18080/18443/18444, B: 18090/18453/18454), then the
# Cargo test that checks what lands in their databases.
TESTSRV_B = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-b OCS_HTTP_PORT=18090 \
            OCS_HTTPS_PORT=18453 OCS_BADNAME_PORT=18454

.PHONY: integration integration-servers integration-stop
integration: integration-servers
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test integration_ocs -- --test-threads=1

integration-servers:
	bash t/ocs-server/start.sh
	$(TESTSRV_B) bash t/ocs-server/start.sh

integration-stop:
	bash t/ocs-server/stop.sh
	$(TESTSRV_B) bash t/ocs-server/stop.sh
# ---- end of integration block ----------------------------------------------------

# ---- hardening: test profile, fuzzing, kill -9 ------------------------------------
# The test build: optimised, without the shipped binaries' full LTO (Cargo.toml,
# profile test-fast).
TEST_FLAGS ?= --profile test-fast

# Every fuzz target for FUZZ_SECONDS each (fuzz/run.sh: libFuzzer on stable Rust);
# fails on a crash, a timeout or an allocation past the cap. One target for hours:
#   FUZZ_SECONDS=14400 fuzz/run.sh ocs_reply
FUZZ_SECONDS ?= 15
.PHONY: fuzz
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

# kill -9 at random moments against a server instance of its own (200 runs).
TESTSRV_HARD = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-hard OCS_HTTP_PORT=18580 \
               OCS_HTTPS_PORT=18943 OCS_BADNAME_PORT=18944
.PHONY: integration-killnine
integration: integration-killnine
integration-killnine:
	$(TESTSRV_HARD) bash t/ocs-server/start.sh
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test killnine -- --test-threads=1 --nocapture
integration-stop: integration-stop-hard
.PHONY: integration-stop-hard
integration-stop-hard:
	$(TESTSRV_HARD) bash t/ocs-server/stop.sh
# ---- end of hardening block -------------------------------------------------------
