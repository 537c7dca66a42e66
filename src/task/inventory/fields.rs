//! What may appear in an inventory: the allowed fields of each section (the
//! FusionInventory 2.6 table the servers expect), the facts collected only for the OCS
//! dialect ([`OCS_EXTRAS`]), and the category of each section (what `--no-category`
//! switches off).

/// `(section, category, allowed fields)`.
pub const SECTIONS: &[(&str, &str, &[&str])] = &[
    ("ACCESSLOG", "accesslog", &["USERID", "LOGDATE"]),
    (
        "ANTIVIRUS",
        "antivirus",
        &[
            "COMPANY",
            "ENABLED",
            "GUID",
            "NAME",
            "UPTODATE",
            "VERSION",
            "EXPIRATION",
            "BASE_CREATION",
            "BASE_VERSION",
        ],
    ),
    (
        "BATTERIES",
        "battery",
        &[
            "CAPACITY",
            "CHEMISTRY",
            "DATE",
            "NAME",
            "SERIAL",
            "MANUFACTURER",
            "VOLTAGE",
            "REAL_CAPACITY",
        ],
    ),
    (
        "BIOS",
        "bios",
        &[
            "SMODEL",
            "SMANUFACTURER",
            "SSN",
            "BDATE",
            "BVERSION",
            "BMANUFACTURER",
            "MMANUFACTURER",
            "MSN",
            "MMODEL",
            "ASSETTAG",
            "ENCLOSURESERIAL",
            "BIOSSERIAL",
            "TYPE",
            "SKUNUMBER",
        ],
    ),
    (
        "CONTROLLERS",
        "controller",
        &[
            "CAPTION",
            "DRIVER",
            "NAME",
            "MANUFACTURER",
            "PCICLASS",
            "VENDORID",
            "SERIAL",
            "MODEL",
            "PRODUCTID",
            "PCISUBSYSTEMID",
            "PCISLOT",
            "TYPE",
            "REV",
        ],
    ),
    (
        "CPUS",
        "cpu",
        &[
            "CACHE",
            "CORE",
            "DESCRIPTION",
            "MANUFACTURER",
            "NAME",
            "THREAD",
            "SERIAL",
            "STEPPING",
            "FAMILYNAME",
            "FAMILYNUMBER",
            "MODEL",
            "SPEED",
            "ID",
            "EXTERNAL_CLOCK",
            "ARCH",
            "CORECOUNT",
        ],
    ),
    (
        "DRIVES",
        "drive",
        &[
            "CREATEDATE",
            "DESCRIPTION",
            "FREE",
            "FILESYSTEM",
            "LABEL",
            "LETTER",
            "SERIAL",
            "SYSTEMDRIVE",
            "TOTAL",
            "TYPE",
            "VOLUMN",
            "ENCRYPT_NAME",
            "ENCRYPT_ALGO",
            "ENCRYPT_STATUS",
            "ENCRYPT_TYPE",
        ],
    ),
    ("ENVS", "environment", &["KEY", "VAL"]),
    (
        "FIREWALL",
        "firewall",
        &[
            "PROFILE",
            "STATUS",
            "DESCRIPTION",
            "IPADDRESS",
            "IPADDRESS6",
        ],
    ),
    (
        "HARDWARE",
        "hardware",
        &[
            "USERID",
            "OSVERSION",
            "PROCESSORN",
            "OSCOMMENTS",
            "CHECKSUM",
            "PROCESSORT",
            "NAME",
            "PROCESSORS",
            "SWAP",
            "ETIME",
            "TYPE",
            "OSNAME",
            "IPADDR",
            "WORKGROUP",
            "DESCRIPTION",
            "MEMORY",
            "UUID",
            "DNS",
            "LASTLOGGEDUSER",
            "USERDOMAIN",
            "DATELASTLOGGEDUSER",
            "DEFAULTGATEWAY",
            "VMSYSTEM",
            "WINOWNER",
            "WINPRODID",
            "WINPRODKEY",
            "WINCOMPANY",
            "WINLANG",
            "CHASSIS_TYPE",
            "VMNAME",
            "VMHOSTSERIAL",
        ],
    ),
    (
        "INPUTS",
        "input",
        &[
            "NAME",
            "MANUFACTURER",
            "CAPTION",
            "DESCRIPTION",
            "INTERFACE",
            "LAYOUT",
            "POINTINGTYPE",
            "TYPE",
        ],
    ),
    ("LOCAL_GROUPS", "local_group", &["ID", "MEMBER", "NAME"]),
    (
        "LOCAL_USERS",
        "local_user",
        &["HOME", "ID", "LOGIN", "NAME", "SHELL"],
    ),
    (
        "LOGICAL_VOLUMES",
        "lvm",
        &[
            "LV_NAME",
            "VG_NAME",
            "ATTR",
            "SIZE",
            "LV_UUID",
            "SEG_COUNT",
            "VG_UUID",
        ],
    ),
    (
        "PHYSICAL_VOLUMES",
        "lvm",
        &[
            "DEVICE",
            "PV_PE_COUNT",
            "PV_UUID",
            "FORMAT",
            "ATTR",
            "SIZE",
            "FREE",
            "PE_SIZE",
            "VG_UUID",
        ],
    ),
    (
        "VOLUME_GROUPS",
        "lvm",
        &[
            "VG_NAME",
            "PV_COUNT",
            "LV_COUNT",
            "ATTR",
            "SIZE",
            "FREE",
            "VG_UUID",
            "VG_EXTENT_SIZE",
        ],
    ),
    (
        "MEMORIES",
        "memory",
        &[
            "CAPACITY",
            "CAPTION",
            "FORMFACTOR",
            "REMOVABLE",
            "PURPOSE",
            "SPEED",
            "SERIALNUMBER",
            "TYPE",
            "DESCRIPTION",
            "NUMSLOTS",
            "MEMORYCORRECTION",
            "MANUFACTURER",
            "MODEL",
        ],
    ),
    ("MODEMS", "modem", &["DESCRIPTION", "NAME", "TYPE", "MODEL"]),
    (
        "MONITORS",
        "monitor",
        &[
            "BASE64",
            "CAPTION",
            "DESCRIPTION",
            "MANUFACTURER",
            "SERIAL",
            "UUENCODE",
            "NAME",
            "TYPE",
            "ALTSERIAL",
            "PORT",
        ],
    ),
    (
        "NETWORKS",
        "network",
        &[
            "DESCRIPTION",
            "MANUFACTURER",
            "MODEL",
            "MANAGEMENT",
            "TYPE",
            "VIRTUALDEV",
            "MACADDR",
            "WWN",
            "DRIVER",
            "FIRMWARE",
            "PCIID",
            "PCISLOT",
            "PNPDEVICEID",
            "MTU",
            "SPEED",
            "STATUS",
            "SLAVES",
            "BASE",
            "IPADDRESS",
            "IPSUBNET",
            "IPMASK",
            "IPDHCP",
            "IPGATEWAY",
            "IPADDRESS6",
            "IPSUBNET6",
            "IPMASK6",
            "WIFI_BSSID",
            "WIFI_SSID",
            "WIFI_MODE",
            "WIFI_VERSION",
        ],
    ),
    (
        "OPERATINGSYSTEM",
        "os",
        &[
            "KERNEL_NAME",
            "KERNEL_VERSION",
            "NAME",
            "VERSION",
            "FULL_NAME",
            "SERVICE_PACK",
            "INSTALL_DATE",
            "FQDN",
            "DNS_DOMAIN",
            "HOSTID",
            "SSH_KEY",
            "ARCH",
            "BOOT_TIME",
            "TIMEZONE",
        ],
    ),
    ("PORTS", "port", &["CAPTION", "DESCRIPTION", "NAME", "TYPE"]),
    (
        "POWERSUPPLIES",
        "psu",
        &[
            "PARTNUM",
            "SERIALNUMBER",
            "MANUFACTURER",
            "POWER_MAX",
            "NAME",
            "HOTREPLACEABLE",
            "PLUGGED",
            "STATUS",
            "LOCATION",
            "MODEL",
        ],
    ),
    (
        "PRINTERS",
        "printer",
        &[
            "COMMENT",
            "DESCRIPTION",
            "DRIVER",
            "NAME",
            "NETWORK",
            "PORT",
            "RESOLUTION",
            "SHARED",
            "STATUS",
            "ERRSTATUS",
            "SERVERNAME",
            "SHARENAME",
            "PRINTPROCESSOR",
            "SERIAL",
        ],
    ),
    (
        "PROCESSES",
        "process",
        &[
            "USER",
            "PID",
            "CPUUSAGE",
            "MEM",
            "VIRTUALMEMORY",
            "TTY",
            "STARTED",
            "CMD",
        ],
    ),
    (
        "SLOTS",
        "slot",
        &["DESCRIPTION", "DESIGNATION", "NAME", "STATUS"],
    ),
    (
        "SOFTWARES",
        "software",
        &[
            "COMMENTS",
            "FILESIZE",
            "FOLDER",
            "FROM",
            "HELPLINK",
            "INSTALLDATE",
            "NAME",
            "NO_REMOVE",
            "RELEASE_TYPE",
            "PUBLISHER",
            "UNINSTALL_STRING",
            "URL_INFO_ABOUT",
            "VERSION",
            "VERSION_MINOR",
            "VERSION_MAJOR",
            "GUID",
            "ARCH",
            "USERNAME",
            "USERID",
            "SYSTEM_CATEGORY",
        ],
    ),
    (
        "SOUNDS",
        "sound",
        &["CAPTION", "DESCRIPTION", "MANUFACTURER", "NAME"],
    ),
    (
        "STORAGES",
        "storage",
        &[
            "DESCRIPTION",
            "DISKSIZE",
            "INTERFACE",
            "MANUFACTURER",
            "MODEL",
            "NAME",
            "TYPE",
            "SERIAL",
            "SERIALNUMBER",
            "FIRMWARE",
            "SCSI_COID",
            "SCSI_CHID",
            "SCSI_UNID",
            "SCSI_LUN",
            "WWN",
            "ENCRYPT_NAME",
            "ENCRYPT_ALGO",
            "ENCRYPT_STATUS",
            "ENCRYPT_TYPE",
        ],
    ),
    (
        "USBDEVICES",
        "usb",
        &[
            "VENDORID",
            "PRODUCTID",
            "MANUFACTURER",
            "CAPTION",
            "SERIAL",
            "CLASS",
            "SUBCLASS",
            "NAME",
        ],
    ),
    ("USERS", "user", &["LOGIN", "DOMAIN"]),
    (
        "VIDEOS",
        "video",
        &[
            "CHIPSET",
            "MEMORY",
            "NAME",
            "RESOLUTION",
            "PCISLOT",
            "PCIID",
        ],
    ),
    (
        "VIRTUALMACHINES",
        "virtualmachine",
        &[
            "MEMORY",
            "NAME",
            "UUID",
            "STATUS",
            "SUBSYSTEM",
            "VMTYPE",
            "VCPU",
            "MAC",
            "COMMENT",
            "OWNER",
            "SERIAL",
            "IMAGE",
        ],
    ),
    (
        "VERSIONPROVIDER",
        "",
        &["NAME", "VERSION", "COMMENTS", "PROGRAM"],
    ),
    ("ACCOUNTINFO", "", &["KEYNAME", "KEYVALUE"]),
];

/// Facts the FusionInventory table has no field for, collected for the OCS dialect
/// (`dialect::ocs`), which the FusionInventory XML and GLPI JSON writers leave out:
/// `(section, category, fields)`. A section listed here but not in [`SECTIONS`] exists
/// only in the OCS dialect.
pub const OCS_EXTRAS: &[(&str, &str, &[&str])] = &[
    // L2CACHE in KB; CURRENT_SPEED in MHz (cpuinfo); VOLTAGE, SOCKET from dmidecode.
    (
        "CPUS",
        "cpu",
        &["L2CACHE", "CURRENT_SPEED", "VOLTAGE", "SOCKET"],
    ),
    // UPTIME in seconds (for the OCS `arch/uptime` DESCRIPTION).
    ("HARDWARE", "hardware", &["UPTIME"]),
    // The os-release VERSION_ID (`12`), when VERSION is more precise (`12.11`).
    ("OPERATINGSYSTEM", "os", &["VERSION_ID"]),
    // YYYY-MM-DD HH:MM:SS, where INSTALLDATE only has the day.
    ("SOFTWARES", "software", &["INSTALLTIME"]),
    // Package sources (apt, pkg): NAME, BASEURL, the FILENAME that declares it.
    ("REPOSITORY", "software", &["NAME", "BASEURL", "FILENAME"]),
    // Hosts found by the network discovery: I (IP), M (MAC), N (name).
    ("IPDISCOVER", "", &["I", "M", "N"]),
];

/// The OCS-only fields of a section.
pub fn ocs_extras(section: &str) -> &'static [&'static str] {
    OCS_EXTRAS
        .iter()
        .find(|(s, _, _)| *s == section)
        .map(|(_, _, f)| *f)
        .unwrap_or(&[])
}

/// True when `field` may be collected in `section` (either dialect's).
pub fn collectable(section: &str, field: &str) -> bool {
    allowed(section).is_some_and(|f| f.contains(&field)) || ocs_extras(section).contains(&field)
}

/// True when the section is known to either dialect.
pub fn known(section: &str) -> bool {
    allowed(section).is_some() || OCS_EXTRAS.iter().any(|(s, _, _)| *s == section)
}

/// The allowed fields of a section, `None` for an unknown section.
pub fn allowed(section: &str) -> Option<&'static [&'static str]> {
    SECTIONS
        .iter()
        .find(|(s, _, _)| *s == section)
        .map(|(_, _, f)| *f)
}

/// The category of a section.
pub fn category(section: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .chain(OCS_EXTRAS)
        .find(|(s, _, _)| *s == section)
        .map(|(_, c, _)| *c)
        .filter(|c| !c.is_empty())
}

/// Every category, sorted, once.
pub fn categories() -> Vec<&'static str> {
    let mut all: Vec<&str> = SECTIONS
        .iter()
        .map(|(_, c, _)| *c)
        .filter(|c| !c.is_empty())
        .collect();
    all.sort();
    all.dedup();
    all
}
