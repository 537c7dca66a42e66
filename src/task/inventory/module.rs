//! The plug-in contract of inventory modules, and the context they read from.
//!
//! A module is one source of facts (`/proc/meminfo`, the dpkg database, `dmidecode`…).
//! It answers two questions: does it apply here (cheap: the OS, a file that exists), and
//! what does it add to the inventory. Modules never touch the system directly: they go
//! through the context's [`Source`], and commands run at most once per inventory
//! (the context caches their output, so two modules reading `dmidecode` cost one run).

use std::any::{Any, TypeId};
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::agent::config::Config;
use crate::source::{Clock, Source, Uname};

use super::generic::dmidecode::{self, Dmi};
use super::model::Inventory;

/// The operating system family the source runs, which picks the OS modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    FreeBsd,
    OpenBsd,
    NetBsd,
    /// macOS (`Darwin`).
    MacOs,
    /// Solaris and illumos (`SunOS`).
    Solaris,
    Aix,
    /// HP-UX (`HP-UX`).
    HpUx,
    Other,
}

impl Os {
    pub fn from_sysname(sysname: &str) -> Os {
        match sysname.trim().to_ascii_lowercase().as_str() {
            "linux" => Os::Linux,
            "freebsd" | "gnu/kfreebsd" | "dragonfly" => Os::FreeBsd,
            "openbsd" => Os::OpenBsd,
            "netbsd" => Os::NetBsd,
            "darwin" => Os::MacOs,
            "sunos" => Os::Solaris,
            "aix" => Os::Aix,
            "hp-ux" => Os::HpUx,
            _ => Os::Other,
        }
    }

    pub fn is_bsd(self) -> bool {
        matches!(self, Os::FreeBsd | Os::OpenBsd | Os::NetBsd)
    }
}

/// What modules read: the source, the configuration, and facts read once for all.
pub struct Context<'a> {
    pub src: &'a dyn Source,
    pub config: &'a Config,
    pub uname: Uname,
    pub clock: Clock,
    pub os: Os,
    commands: RefCell<BTreeMap<String, Option<String>>>,
    dmi: OnceCell<Option<Dmi>>,
    shared: RefCell<BTreeMap<TypeId, Rc<dyn Any>>>,
    files: RefCell<BTreeMap<String, Option<Rc<str>>>>,
}

impl<'a> Context<'a> {
    pub fn new(src: &'a dyn Source, config: &'a Config) -> Context<'a> {
        let uname = src.uname();
        let os = Os::from_sysname(&uname.sysname);
        Context {
            src,
            config,
            clock: src.clock(),
            uname,
            os,
            commands: RefCell::new(BTreeMap::new()),
            dmi: OnceCell::new(),
            shared: RefCell::new(BTreeMap::new()),
            files: RefCell::new(BTreeMap::new()),
        }
    }

    /// The output of a command that exited 0, run at most once per inventory.
    pub fn command(&self, argv: &[&str]) -> Option<String> {
        let key = argv.join("\u{1f}");
        if let Some(cached) = self.commands.borrow().get(&key) {
            return cached.clone();
        }
        let out = self.src.run(argv).ok();
        self.commands.borrow_mut().insert(key, out.clone());
        out
    }

    /// A small file several modules read (`/etc/passwd`, `/proc/meminfo`…), read once
    /// per inventory, so they all see the same snapshot.
    pub fn file(&self, path: &str) -> Option<Rc<str>> {
        if let Some(cached) = self.files.borrow().get(path) {
            return cached.clone();
        }
        let text: Option<Rc<str>> = self.src.read_text(path).map(Rc::from);
        self.files
            .borrow_mut()
            .insert(path.to_string(), text.clone());
        text
    }

    /// The DMI tables from one `dmidecode` run without arguments, parsed once; `None`
    /// when dmidecode is missing or gives nothing (no root, no DMI: ARM, some VMs).
    /// On Linux it runs only where the kernel found a DMI table
    /// (`/sys/firmware/dmi/tables`, or `/sys/class/dmi/id` before Linux 4.2): elsewhere
    /// it would fail anyway, and it is the one program a Linux inventory runs.
    pub fn dmi(&self) -> Option<&Dmi> {
        self.dmi
            .get_or_init(|| {
                if self.os == Os::Linux
                    && !self.src.exists("/sys/firmware/dmi/tables")
                    && !self.src.exists("/sys/class/dmi/id")
                {
                    return None;
                }
                let text = self
                    .command(&["dmidecode"])
                    .filter(|t| t.contains("DMI type"))?;
                let dmi = dmidecode::parse(&text);
                (!dmi.is_empty()).then_some(dmi)
            })
            .as_ref()
    }

    /// A value several modules read, made once per inventory by the first that asks
    /// (the PCI devices and their names, for instance), one per type.
    pub fn shared<T: 'static>(&self, make: impl FnOnce() -> T) -> Rc<T> {
        let key = TypeId::of::<T>();
        if let Some(found) = self
            .shared
            .borrow()
            .get(&key)
            .and_then(|v| v.clone().downcast::<T>().ok())
        {
            return found;
        }
        let value = Rc::new(make());
        self.shared.borrow_mut().insert(key, value.clone());
        value
    }

    /// True when the category is not switched off with `no-category`.
    pub fn wants(&self, category: &str) -> bool {
        !self
            .config
            .list("no-category")
            .iter()
            .any(|c| c.eq_ignore_ascii_case(category))
    }
}

/// One inventory module.
pub struct Module {
    /// Path-like name for logs, e.g. `linux/softwares/dpkg`.
    pub name: &'static str,
    /// The `no-category` that switches it off.
    pub category: &'static str,
    /// Cheap check: does this module apply to this machine?
    pub applies: fn(&Context) -> bool,
    /// Adds what it finds to the inventory.
    pub collect: fn(&Context, &mut Inventory),
}
