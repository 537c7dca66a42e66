//! What the first request reads ahead, so most of an inventory costs one round trip.
//!
//! The remote shell picks the list by its own `uname -s`: files, listings and links the
//! inventory modules of that OS read (as globs, expanded there), the modification times
//! of the package lists, and the few commands every inventory runs. What an inventory
//! still asked for beyond this list is kept per host ([`learned`]) and read ahead too at
//! the next run. Whatever is read ahead but never asked for is only bytes on the wire.

use super::protocol::{Item, Path};

use Path::Glob;

fn files<'a>(globs: &'a [&'static str]) -> impl Iterator<Item = Item> + 'a {
    globs.iter().map(|g| Item::File(Glob(g)))
}

/// Linux: /proc, /sys and /etc as the modules of `os/linux` read them.
fn linux() -> Vec<Item> {
    let mut v: Vec<Item> = [
        "/",
        "/run",
        "/var/run",
        "/var/lib",
        "/etc",
        "/etc/apt",
        "/sys/class/net/*",
        "/proc",
        "/sys/block",
        "/sys/bus/pci/devices",
        "/sys/bus/usb/devices",
        "/sys/class/net",
        "/sys/class/power_supply",
        "/sys/class/drm",
        "/sys/class/dmi/id",
        "/sys/devices/system/cpu/cpu0/cache",
        "/etc/apt/sources.list.d",
        "/dev/disk/by-id",
        "/dev/disk/by-uuid",
        "/dev/disk/by-label",
        "/dev/mapper",
        "/var/lib/dhcp",
        "/var/lib/dhclient",
        "/var/lib/NetworkManager",
        "/var/lib/lxc",
        "/etc/libvirt/qemu",
        "/proc/sys/fs/binfmt_misc",
        "/usr/lib",
        "/usr/lib/sysimage",
    ]
    .iter()
    .map(|d| Item::List(Glob(d)))
    .collect();
    v.extend(files(&[
        "/etc/os-release",
        "/usr/lib/os-release",
        "/etc/debian_version",
        "/etc/*-release",
        "/etc/hostname",
        "/etc/hostid",
        "/etc/machine-id",
        "/etc/passwd",
        "/etc/group",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/apt/sources.list",
        "/etc/apt/sources.list.d/*",
        "/proc/meminfo",
        "/proc/cpuinfo",
        "/proc/cmdline",
        "/proc/uptime",
        "/proc/net/route",
        "/proc/bus/input/devices",
        "/proc/self/status",
        "/proc/self/cgroup",
        "/proc/self/mountinfo",
        "/proc/1/cgroup",
        "/proc/1/environ",
        "/proc/self/environ",
        "/proc/xen/capabilities",
        "/run/utmp",
        "/var/run/utmp",
        "/etc/ufw/ufw.conf",
        "/proc/[0-9]*/cmdline",
        "/sys/class/dmi/id/*",
        "/sys/hypervisor/type",
        "/sys/firmware/acpi/tables/FACP",
        "/var/lib/dpkg/status",
        "/usr/share/misc/pci.ids",
        "/usr/share/hwdata/pci.ids",
    ]));
    v.extend(
        [
            "/proc/[0-9]*/stat",
            "/proc/[0-9]*/status",
            "/sys/bus/pci/devices/*/class",
            "/sys/bus/pci/devices/*/vendor",
            "/sys/bus/pci/devices/*/device",
            "/sys/bus/pci/devices/*/subsystem_vendor",
            "/sys/bus/pci/devices/*/subsystem_device",
            "/sys/bus/pci/devices/*/revision",
            "/sys/class/net/*/address",
            "/sys/class/net/*/ifindex",
            "/sys/class/net/*/mtu",
            "/sys/class/net/*/type",
            "/sys/class/net/*/speed",
            "/sys/class/net/*/operstate",
            "/sys/class/net/*/bonding/slaves",
            "/sys/block/*/model",
            "/sys/block/*/rev",
            "/sys/block/*/firmware_rev",
            "/sys/block/*/wwid",
            "/sys/block/*/device/wwid",
            "/run/systemd/netif/leases/*",
            "/sys/block/*/size",
            "/sys/block/*/removable",
            "/sys/block/*/hidden",
            "/sys/block/*/serial",
            "/sys/block/*/device/model",
            "/sys/block/*/device/vendor",
            "/sys/block/*/device/rev",
            "/sys/block/*/device/type",
            "/sys/block/*/device/serial",
            "/sys/block/*/device/firmware_rev",
            "/sys/block/*/dm/name",
            "/sys/block/*/dm/uuid",
            "/sys/devices/system/cpu/cpu0/cache/index*/level",
            "/sys/devices/system/cpu/cpu0/cache/index*/size",
            "/sys/devices/system/cpu/cpu0/cache/index*/type",
        ]
        .iter()
        .map(|g| Item::Text(Glob(g))),
    );
    v.extend(
        [
            "/sys/bus/pci/devices/*/driver",
            "/sys/class/net/*/device",
            "/sys/class/net/*/master",
            "/sys/class/net/*/device/driver",
            "/sys/block/*",
            "/sys/block/*/device",
            "/sys/block/*/device/subsystem",
        ]
        .iter()
        .map(|g| Item::Link(Glob(g))),
    );
    v.push(Item::Mtimes("/var/lib/dpkg/info/*.list"));
    v
}

/// The BSDs: what `os/bsd` reads besides its commands.
fn bsd() -> Vec<Item> {
    let mut v: Vec<Item> = files(&[
        "/etc/passwd",
        "/etc/group",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/rc.conf",
        "/etc/hostid",
        "/etc/os-release",
        "/var/run/dmesg.boot",
    ])
    .collect();
    v.push(Item::List(Glob("/var/db/pkg")));
    v
}

/// The commands each OS's inventory runs whatever the machine, as its modules spell
/// them (the cache key is the exact argv).
fn commands(os: &str) -> Vec<Vec<&'static str>> {
    match os {
        "linux" => vec![
            vec!["dmidecode"],
            vec!["df", "-P", "-T", "-k"],
            vec!["ip", "addr", "show"],
        ],
        _ => vec![
            vec!["dmidecode"],
            vec!["ifconfig", "-a"],
            vec!["df", "-P", "-k"],
            vec!["mount"],
        ],
    }
}

/// One OS's branch of the first request.
pub struct Branch {
    /// The `case` pattern of `uname -s`.
    pub pattern: &'static str,
    pub items: Vec<Item>,
}

/// The first request's branches, commands numbered from `first_command`.
pub fn branches(first_command: usize) -> Vec<Branch> {
    let mut n = first_command;
    let mut with_commands = |mut items: Vec<Item>, os: &str| {
        for argv in commands(os) {
            items.push(Item::Command(
                n,
                argv.iter().map(|s| s.to_string()).collect(),
            ));
            n += 1;
        }
        items
    };
    let linux = with_commands(linux(), "linux");
    let bsd = with_commands(bsd(), "bsd");
    vec![
        Branch {
            pattern: "Linux",
            items: linux,
        },
        Branch {
            pattern: "FreeBSD|OpenBSD|NetBSD|DragonFly|GNU/kFreeBSD",
            items: bsd,
        },
    ]
}

/// The learned list: one item a line, `F path`, `L path`, `K path`, `M path`,
/// `X path` (what it is), `T max path` (a tail), `C arg\x1farg…` (a path with a newline
/// is never kept).
pub fn learned(text: &str) -> Vec<Item> {
    text.lines()
        .filter_map(|l| {
            let (kind, rest) = l.split_once(' ')?;
            if rest.is_empty() {
                return None;
            }
            let p = || Path::Exact(rest.to_string());
            Some(match kind {
                "F" => Item::File(p()),
                "L" => Item::List(p()),
                "K" => Item::Link(p()),
                "M" => Item::Mtime(p()),
                "C" => Item::Command(0, rest.split('\u{1f}').map(str::to_string).collect()),
                "X" => Item::Kind(rest.to_string()),
                "T" => {
                    let (max, path) = rest.split_once(' ')?;
                    Item::Tail(path.to_string(), max.parse().ok()?)
                }
                _ => return None,
            })
        })
        .take(MAX_LEARNED)
        .collect()
}

/// At most this many learned items (a host with thousands of misses is read item by item).
pub const MAX_LEARNED: usize = 5000;

/// One learned line for an item, if it can be kept.
pub fn learned_line(item: &Item) -> Option<String> {
    let (kind, text) = match item {
        Item::File(Path::Exact(p)) => ("F", p.clone()),
        Item::List(Path::Exact(p)) => ("L", p.clone()),
        Item::Link(Path::Exact(p)) => ("K", p.clone()),
        Item::Mtime(Path::Exact(p)) => ("M", p.clone()),
        Item::Command(_, argv) => ("C", argv.join("\u{1f}")),
        Item::Kind(p) => ("X", p.clone()),
        Item::Tail(p, max) => ("T", format!("{max} {p}")),
        _ => return None,
    };
    (!text.contains('\n') && !text.is_empty()).then(|| format!("{kind} {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_round_trip() {
        let items = vec![
            Item::File(Path::Exact("/etc/a b".into())),
            Item::Command(0, vec!["smartctl".into(), "-i".into(), "/dev/sda".into()]),
        ];
        let text: String = items
            .iter()
            .filter_map(learned_line)
            .map(|l| l + "\n")
            .collect();
        assert_eq!(learned(&text), items);
        assert!(learned_line(&Item::File(Path::Exact("a\nb".into()))).is_none());
        assert!(learned("Q y\nF \ngarbage\nT x /a\n").is_empty());
    }

    #[test]
    fn commands_are_numbered_across_branches() {
        let b = branches(3);
        let numbers: Vec<usize> = b
            .iter()
            .flat_map(|b| &b.items)
            .filter_map(|i| match i {
                Item::Command(n, _) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, (3..3 + numbers.len()).collect::<Vec<_>>());
    }
}
