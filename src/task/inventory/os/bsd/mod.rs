//! FreeBSD / OpenBSD inventory modules.
