//! Field types of the GLPI native inventory format, per section (lower-case names), as
//! the glpi-project/inventory_format JSON schema declares them. Fields not listed are
//! left out of `--json` output. Generated once from the schema's `properties`.

/// How a JSON value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Boolean,
    /// `YYYY-MM-DD`
    Date,
    /// `YYYY-MM-DD HH:MM:SS`
    DateTime,
    /// either of the two above
    DateOrDateTime,
    /// a list of strings
    List,
    /// a nested object
    Object,
}

use Kind::*;

/// The fields of one section and their kinds.
pub type Fields = &'static [(&'static str, Kind)];

/// `(section, is a list, fields)`.
#[rustfmt::skip]
pub const SECTIONS: &[(&str, bool, Fields)] = &[
    ("accesslog", false, &[("logdate", DateTime), ("userid", Text)]),
    ("antivirus", true, &[("company", Text), ("enabled", Boolean), ("guid", Text), ("name", Text), ("uptodate", Boolean), ("version", Text), ("expiration", Date), ("base_creation", Date), ("base_version", Text)]),
    ("batteries", true, &[("capacity", Integer), ("real_capacity", Integer), ("date", Date), ("chemistry", Text), ("manufacturer", Text), ("name", Text), ("serial", Text), ("voltage", Integer)]),
    ("bios", false, &[("assettag", Text), ("bdate", DateOrDateTime), ("bmanufacturer", Text), ("bversion", Text), ("mmanufacturer", Text), ("mmodel", Text), ("msn", Text), ("skunumber", Text), ("smanufacturer", Text), ("smodel", Text), ("ssn", Text), ("biosserial", Text), ("enclosureserial", Text), ("secure_boot", Text)]),
    ("cameras", true, &[("resolution", List), ("lensfacing", Text), ("designation", Text), ("flashunit", Boolean), ("imageformats", List), ("orientation", Text), ("focallength", Text), ("sensorsize", Text), ("manufacturer", Text), ("resolutionvideo", List), ("model", Text), ("supports", List)]),
    ("controllers", true, &[("caption", Text), ("driver", Text), ("manufacturer", Text), ("name", Text), ("pcisubsystemid", Text), ("pciclass", Text), ("pcislot", Text), ("productid", Text), ("rev", Text), ("type", Text), ("vendorid", Text), ("model", Text), ("serial", Text)]),
    ("cpus", true, &[("arch", Text), ("core", Integer), ("corecount", Integer), ("description", Text), ("external_clock", Integer), ("familyname", Text), ("familynumber", Text), ("id", Text), ("manufacturer", Text), ("model", Text), ("name", Text), ("serial", Text), ("speed", Integer), ("stepping", Integer), ("thread", Integer), ("cache", Text)]),
    ("databases_services", true, &[("type", Text), ("name", Text), ("version", Text), ("manufacturer", Text), ("port", Integer), ("path", Text), ("size", Integer), ("is_active", Boolean), ("is_onbackup", Boolean), ("last_boot_date", DateTime), ("last_backup_date", DateTime), ("databases", List)]),
    ("drives", true, &[("description", Text), ("letter", Text), ("systemdrive", Boolean), ("filesystem", Text), ("free", Integer), ("serial", Text), ("total", Integer), ("type", Text), ("volumn", Text), ("createdate", Text), ("label", Text), ("encrypt_name", Text), ("encrypt_algo", Text), ("encrypt_status", Text), ("encrypt_type", Text)]),
    ("envs", true, &[("key", Text), ("val", Text)]),
    ("firewalls", true, &[("description", Text), ("ipaddress", Text), ("ipaddress6", Text), ("profile", Text), ("status", Text)]),
    ("firmwares", true, &[("name", Text), ("description", Text), ("type", Text), ("version", Text), ("date", Date), ("manufacturer", Text)]),
    ("hardware", false, &[("chassis_type", Text), ("datelastloggeduser", Text), ("defaultgateway", Text), ("dns", Text), ("lastloggeduser", Text), ("memory", Integer), ("name", Text), ("swap", Integer), ("uuid", Text), ("vmsystem", Text), ("workgroup", Text), ("type", Text), ("description", Text), ("winprodid", Text), ("winowner", Text), ("winprodkey", Text), ("wincompany", Text), ("winlang", Text)]),
    ("inputs", true, &[("caption", Text), ("description", Text), ("type", Text), ("name", Text), ("manufacturer", Text), ("interface", Text), ("layout", Text), ("pointingtype", Text)]),
    ("licenseinfos", true, &[("name", Text), ("fullname", Text), ("key", Text), ("components", Text), ("trial", Boolean), ("update", Text), ("activation_date", DateTime), ("productid", Text)]),
    ("local_groups", true, &[("id", Text), ("members", List), ("name", Text)]),
    ("local_users", true, &[("home", Text), ("id", Text), ("login", Text), ("name", Text), ("shell", Text)]),
    ("logical_volumes", true, &[("attr", Text), ("lv_name", Text), ("lv_uuid", Text), ("seg_count", Integer), ("size", Integer), ("vg_uuid", Text), ("vg_name", Text)]),
    ("memories", true, &[("capacity", Integer), ("caption", Text), ("description", Text), ("manufacturer", Text), ("memorycorrection", Text), ("numslots", Integer), ("serialnumber", Text), ("model", Text), ("speed", Text), ("type", Text), ("formfactor", Text), ("purpose", Text), ("removable", Boolean)]),
    ("modems", true, &[("name", Text), ("description", Text), ("type", Text), ("model", Text), ("manufacturer", Text), ("serial", Text), ("imei", Text)]),
    ("monitors", true, &[("base64", Text), ("caption", Text), ("description", Text), ("manufacturer", Text), ("serial", Text), ("altserial", Text), ("port", Text), ("uuencode", Text), ("name", Text), ("type", Text)]),
    ("networks", true, &[("description", Text), ("management", Boolean), ("ipaddress", Text), ("ipaddress6", Text), ("ipdhcp", Text), ("ipgateway", Text), ("ipmask", Text), ("ipmask6", Text), ("ipsubnet", Text), ("ipsubnet6", Text), ("mac", Text), ("pciid", Text), ("pnpdeviceid", Text), ("speed", Text), ("status", Text), ("type", Text), ("virtualdev", Boolean), ("manufacturer", Text), ("model", Text), ("wwn", Text), ("driver", Text), ("firmware", Text), ("pcislot", Text), ("mtu", Integer), ("slaves", Text), ("base", Text), ("wifi_ssid", Text), ("wifi_bssid", Text), ("wifi_mode", Text), ("wifi_version", Text)]),
    ("operatingsystem", false, &[("arch", Text), ("boot_time", DateTime), ("dns_domain", Text), ("fqdn", Text), ("full_name", Text), ("hostid", Text), ("install_date", DateOrDateTime), ("kernel_name", Text), ("kernel_version", Text), ("name", Text), ("ssh_key", Text), ("service_pack", Text), ("timezone", Object), ("version", Text)]),
    ("physical_volumes", true, &[("attr", Text), ("device", Text), ("format", Text), ("free", Integer), ("pe_size", Integer), ("pv_pe_count", Integer), ("pv_uuid", Text), ("size", Integer), ("vg_uuid", Text)]),
    ("ports", true, &[("caption", Text), ("description", Text), ("name", Text), ("type", Text)]),
    ("powersupplies", true, &[("name", Text), ("power_max", Integer), ("serialnumber", Text), ("manufacturer", Text), ("partnum", Text), ("model", Text), ("hotreplaceable", Boolean), ("plugged", Boolean), ("status", Text), ("location", Text)]),
    ("printers", true, &[("description", Text), ("driver", Text), ("name", Text), ("network", Boolean), ("port", Text), ("printprocessor", Text), ("resolution", Text), ("shared", Boolean), ("status", Text), ("comment", Text), ("errstatus", Text), ("servername", Text), ("sharename", Text), ("serial", Text)]),
    ("processes", true, &[("cmd", Text), ("cpuusage", Text), ("mem", Text), ("pid", Integer), ("started", DateTime), ("tty", Text), ("user", Text), ("virtualmemory", Integer)]),
    ("remote_mgmt", true, &[("id", Text), ("type", Text), ("version", Text)]),
    ("sensors", true, &[("name", Text), ("manufacturer", Text), ("type", Text), ("version", Text)]),
    ("simcards", true, &[("serial", Text), ("phone_number", Text), ("iccid", Text), ("state", Text), ("country", Text), ("operator_code", Text), ("operator_name", Text), ("subscriber_id", Text)]),
    ("slots", true, &[("description", Text), ("designation", Text), ("name", Text), ("status", Text)]),
    ("softwares", true, &[("arch", Text), ("comments", Text), ("filesize", Integer), ("from", Text), ("guid", Text), ("install_date", DateOrDateTime), ("name", Text), ("publisher", Text), ("system_category", Text), ("uninstall_string", Text), ("url_info_about", Text), ("version", Text), ("folder", Text), ("helplink", Text), ("no_remove", Boolean), ("release_type", Text), ("version_minor", Text), ("version_major", Text), ("username", Text), ("userid", Text)]),
    ("sounds", true, &[("caption", Text), ("description", Text), ("manufacturer", Text), ("name", Text)]),
    ("storages", true, &[("description", Text), ("disksize", Integer), ("firmware", Text), ("interface", Text), ("manufacturer", Text), ("model", Text), ("name", Text), ("scsi_coid", Text), ("scsi_lun", Text), ("scsi_unid", Text), ("scsi_chid", Text), ("serial", Text), ("type", Text), ("wwn", Text), ("encrypt_name", Text), ("encrypt_algo", Text), ("encrypt_status", Text), ("encrypt_type", Text)]),
    ("usbdevices", true, &[("caption", Text), ("class", Text), ("manufacturer", Text), ("name", Text), ("productid", Text), ("subclass", Text), ("vendorid", Text), ("serial", Text)]),
    ("users", true, &[("domain", Text), ("login", Text)]),
    ("versionprovider", false, &[("comments", List), ("name", Text), ("perl_args", Text), ("perl_config", List), ("perl_exe", Text), ("perl_inc", Text), ("perl_module", List), ("perl_version", Text), ("program", Text), ("etime", Integer), ("version", Text)]),
    ("videos", true, &[("name", Text), ("chipset", Text), ("memory", Integer), ("resolution", Text), ("pcislot", Text)]),
    ("virtualmachines", true, &[("image", Text), ("ipaddress", Text), ("memory", Integer), ("name", Text), ("operatingsystem", Object), ("status", Text), ("subsystem", Text), ("uuid", Text), ("vcpu", Integer), ("vmtype", Text), ("mac", Text), ("comment", Text), ("owner", Text), ("serial", Text)]),
    ("volume_groups", true, &[("attr", Text), ("free", Integer), ("lv_count", Integer), ("pv_count", Integer), ("size", Integer), ("vg_extent_size", Text), ("vg_name", Text), ("vg_uuid", Text)]),
];

/// The fields of a section, `None` when the format has no such section.
pub fn section(name: &str) -> Option<(bool, Fields)> {
    SECTIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, l, f)| (*l, *f))
}
