# ocsinventory-agent — build, test, benchmark, install.

CARGO ?= cargo
BIN := target/release/ocsinventory-agent
# The test build (make test, make integration): optimised, without the shipped
# binaries' full LTO (Cargo.toml, profile test-fast).
TEST_FLAGS ?= --profile test-fast

.PHONY: all build inventory test lint bench

all: build

build:
	$(CARGO) build --release

# This machine's inventory on stdout, with no server.
inventory:
	$(CARGO) run --release --quiet -- --stdout

# The test suite (unit tests and the end-to-end tests in t/). First the packages its
# tests need (.ci/packages): installed when run as root, else one apt-get line is
# printed and the tests that need them are marked ignored.
# The suites against real servers (t/servers.rs) are make integration's: not built into
# this run's count, where they could only say "skipped".
test:
	sh .ci/packages.sh build test
	$(CARGO) test $(TEST_FLAGS) --lib --bins --test tests --test daemon

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

# Cost against the Debian peers on the same machine, in the same run: the local
# inventory against fusioninventory-agent --local, then the daemon against its daemon.
bench: build
	sh t/bench/inventory.sh
	sh t/bench/daemon.sh $(BIN)
	sh t/bench/snmp.sh $(BIN)
# ---- discovery ----
	sh t/bench/netdiscovery.sh
# ---- end discovery ----
# ---- remote (SSH) ----
# bench-remote: --remote against the GLPI agent's RemoteInventory (ssh mode), same sshd.
.PHONY: bench-remote
bench: bench-remote
bench-remote: build
	sh t/bench/remote.sh $(BIN)
# ---- end remote ----

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

# `make integration` (root): every real-server and real-peer suite, listed once here;
# each block below defines its own.
.PHONY: integration integration-ocs integration-servers integration-stop
integration: integration-ocs integration-dialect integration-packages integration-deploy \
	integration-snmp integration-killnine

integration-ocs: integration-servers
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers integration_ocs:: -- --test-threads=1
# ---- discovery: IPDISCOVER into netmap (starts its own server instance, 18180) ----
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers ipdiscover_ocs::
# ---- end discovery ----

integration-servers:
	bash t/ocs-server/start.sh
	$(TESTSRV_B) bash t/ocs-server/start.sh

integration-stop:
	bash t/ocs-server/stop.sh
	$(TESTSRV_B) bash t/ocs-server/stop.sh
# ---- end of integration block ----------------------------------------------------

# ---- dialect ----
# Debian's Perl ocsinventory-agent and ours into the same real OCS server (its own
# instance: 18480/18843/18844, started and stopped by the test), every column compared.
.PHONY: integration-dialect
integration-dialect:
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers ocs_dialect:: -- --test-threads=1
# ---- end of dialect ----
# ---- packages ----------------------------------------------------------------------
# make deb: target/debian/ocsinventory-agent_2:<version>+rs-1_<arch>.deb (cargo-deb),
#   named like Debian's Perl agent with a higher version, so apt upgrades over it
#   (README.md, "Packages"). Checks first that Cargo.toml's Recommends is what
#   pkg/debian/recommends.sh reads from pkg/debian/commands (the package of each program
#   the inventory runs: facts, nothing needs to be installed here), then runs lintian
#   when present.
# make rpm: target/generate-rpm/ocsinventory-agent-<version>-1.<arch>.rpm
#   (cargo-generate-rpm); its rpm -qlp listing must be pkg/rpm/files, agent.cfg a
#   config file.
# make package-tools: installs cargo-deb and cargo-generate-rpm (crates.io), once.
# make integration-packages (root, OCS_INTEGRATION=1): the throwaway Debian root test
#   (t/package.rs: mmdebstrap) and the drop-in test against this block's own OCS server
#   (t/dropin.rs: Debian's Perl agent, then ours, on the same state).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
DEB_VERSION := 2:$(VERSION)+rs-1
# The file name leaves the epoch out, as Debian's archive does.
DEB = target/debian/ocsinventory-agent_$(VERSION)+rs-1_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
CARGO_DEB ?= cargo deb
CARGO_RPM ?= cargo generate-rpm
RPM = target/generate-rpm/ocsinventory-agent-$(VERSION)-1.$(shell uname -m).rpm
TESTSRV_PKG = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-pkg OCS_HTTP_PORT=18680 \
              OCS_HTTPS_PORT=19043 OCS_BADNAME_PORT=19044

.PHONY: deb rpm package-tools integration-packages

# --debug: they build in 60 % of the time (1m02 against 1m41 for cargo-deb) and make the
# same packages as fast (the compression is C code either way).
package-tools:
	command -v cargo-deb >/dev/null || $(CARGO) install --locked --debug cargo-deb
	command -v cargo-generate-rpm >/dev/null || $(CARGO) install --locked --debug cargo-generate-rpm

deb: build
	@want=$$(sh pkg/debian/recommends.sh) && \
	have=$$(sed -n 's/^recommends = "\(.*\)"/\1/p' Cargo.toml) && \
	if [ "$$want" != "$$have" ]; then \
		echo "Cargo.toml [package.metadata.deb] recommends must be: \"$$want\" (is \"$$have\")" >&2; \
		exit 1; \
	fi
	$(CARGO_DEB) --no-build --deb-version '$(DEB_VERSION)' --output $(DEB)
	if command -v lintian >/dev/null; then \
		lintian --fail-on error --suppress-tags-from-file pkg/debian/lintian-suppress $(DEB); \
	fi

rpm: build
	$(CARGO_RPM)
	rpm -qlp $(RPM) | diff -u pkg/rpm/files -
	rpm -qcp $(RPM) | grep -qx /etc/ocsinventory-agent/agent.cfg
	rpm -qp --recommends $(RPM)
	ls -l $(RPM)

integration-packages: deb
	$(TESTSRV_PKG) bash t/ocs-server/start.sh
	status=0; OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers \
		-- package:: dropin:: --test-threads=1 --nocapture || status=$$?; \
	$(TESTSRV_PKG) bash t/ocs-server/stop.sh; exit $$status

# ---- end of packages block ---------------------------------------------------------
# ---- deploy ----------------------------------------------------------------------
# The Deploy task against its own real OCS server instance (packages made by
# t/ocs-server/make-package.sh, P2P between two agents on loopback), and the bench of
# a 50 MB package beside the Debian (Perl) ocsinventory-agent.
TESTSRV_DEPLOY = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-deploy OCS_HTTP_PORT=18380 \
                 OCS_HTTPS_PORT=18743 OCS_BADNAME_PORT=18744

.PHONY: integration-deploy bench-deploy
integration-deploy:
	$(TESTSRV_DEPLOY) bash t/ocs-server/start.sh
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers deploy_ocs:: -- --test-threads=1

bench: bench-deploy
bench-deploy: build
	$(TESTSRV_DEPLOY) bash t/bench/deploy.sh $(BIN)
# ---- end of deploy block ---------------------------------------------------------
# ---- snmp ----------------------------------------------------------------------------
# The SNMP inventory against live peers (needs root): snmpd and the reference agent
# (snmp_live, snmp_jobs), snmpsim recordings of real devices (the first run installs
# snmpsim from PyPI into $(SNMPSIM_DIR)), and the real OCS server with its SNMP feature
# on its own instance (snmp_ocs). `make integration` runs it too.
SNMPSIM_DIR ?= /var/lib/snmpsim-test-snmp
TESTSRV_SNMP = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-snmp OCS_HTTP_PORT=18280 \
               OCS_HTTPS_PORT=18643 OCS_BADNAME_PORT=18644

.PHONY: integration-snmp integration-snmp-stop
integration-snmp:
	SNMPSIM_DIR=$(SNMPSIM_DIR) bash t/snmpsim/serve.sh list >/dev/null 2>&1 || true
	SNMP_LIVE=1 SNMPSIM_DIR=$(SNMPSIM_DIR) $(CARGO) test $(TEST_FLAGS) --test servers snmp_live:: -- --test-threads=1
	$(TESTSRV_SNMP) bash t/ocs-server/start.sh
	$(TESTSRV_SNMP) SNMP_OCS=1 $(CARGO) test $(TEST_FLAGS) --test servers snmp_ocs:: -- --test-threads=1

integration-snmp-stop:
	$(TESTSRV_SNMP) bash t/ocs-server/stop.sh

# Every snmpsim recording beside the reference: agreement and time per device (hours).
.PHONY: bench-snmpsim
bench: bench-snmpsim
bench-snmpsim:
	SNMPSIM_DIR=$(SNMPSIM_DIR) sh t/bench/snmpsim.sh
# ---- end snmp ------------------------------------------------------------------------
# ---- hardening: fuzzing, kill -9 ---------------------------------------------------

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
integration-killnine:
	$(TESTSRV_HARD) bash t/ocs-server/start.sh
	OCS_INTEGRATION=1 $(CARGO) test $(TEST_FLAGS) --test servers killnine:: -- --test-threads=1 --nocapture
integration-stop: integration-stop-hard
.PHONY: integration-stop-hard
integration-stop-hard:
	$(TESTSRV_HARD) bash t/ocs-server/stop.sh
# ---- end of hardening block -------------------------------------------------------
# ---- conformance: the non-Linux parsers against a folder of fixtures-unix's layout ------
# make conformance-unix [FIXTURES_UNIX=DIR] (default ../shared/fixtures-unix): every case
# compared field by field with the reference's expectations; the last line printed is
# `fixtures-unix: A of B fields agree`.
FIXTURES_UNIX ?= $(abspath ../shared/fixtures-unix)
.PHONY: conformance-unix
conformance-unix:
	@OCS_FIXTURES_UNIX_DIR=$(FIXTURES_UNIX) $(CARGO) test $(TEST_FLAGS) --test tests \
		conformance_unix:: -- --nocapture > target/conformance-unix.log 2>&1; status=$$?; \
	grep -E '^(MISMATCH|known#|[a-z]+_[a-z0-9_]+ +[0-9]+ )' target/conformance-unix.log; \
	grep '^fixtures-unix:' target/conformance-unix.log || tail -20 target/conformance-unix.log; \
	exit $$status
# ---- end conformance ---------------------------------------------------------------------
# ---- platforms: make check-targets (docs/PLATFORMS.md) ------------------------------
# cargo check, then clippy -D warnings, of the agent and the lean daemon for each UNIX
# target below, from this Linux machine. Needs rustup (the targets' standard libraries)
# and, for FreeBSD and illumos, where native-tls is OpenSSL: the host's OpenSSL headers
# (libssl-dev, found by pkg-config) and its C compiler. openssl-sys's build script only
# preprocesses them for the version macros, and a check links nothing. macOS needs
# neither (Security.framework: Cargo.toml says why). Each target builds in
# target/<triple>/, beside the host's target/debug/.
CHECK_TARGETS ?= x86_64-unknown-freebsd x86_64-unknown-illumos x86_64-apple-darwin aarch64-apple-darwin
RUSTUP ?= rustup
CHECK_OPENSSL_LIB = $(shell pkg-config --variable=libdir openssl)
CHECK_OPENSSL_INCLUDE = $(shell pkg-config --variable=includedir openssl)

.PHONY: check-targets
check-targets:
	$(RUSTUP) target add $(CHECK_TARGETS)
	@set -e; for t in $(CHECK_TARGETS); do \
		T=$$(echo $$t | tr 'a-z-' 'A-Z_'); \
		echo "check-targets: $$t"; \
		env $${T}_OPENSSL_LIB_DIR='$(CHECK_OPENSSL_LIB)' \
			$${T}_OPENSSL_INCLUDE_DIR='$(CHECK_OPENSSL_INCLUDE)' \
			$(CARGO) check --quiet --target $$t --lib --bins; \
		env $${T}_OPENSSL_LIB_DIR='$(CHECK_OPENSSL_LIB)' \
			$${T}_OPENSSL_INCLUDE_DIR='$(CHECK_OPENSSL_INCLUDE)' \
			$(CARGO) clippy --quiet --target $$t --lib --bins -- -D warnings; \
	done
	@echo "check-targets: $(words $(CHECK_TARGETS)) targets checked, clippy clean"
# ---- end of platforms block ---------------------------------------------------------
