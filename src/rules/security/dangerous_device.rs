//! SEC013 dangerous-device.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::mounts::devices;
use crate::facts::privileges::adds;
use crate::facts::service::Service;
use crate::facts::values::is_true;
use crate::rules::{Context, Rule};

rule_info!(
    DangerousDevice,
    INFO,
    "SEC013",
    "dangerous-device",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// Host devices that give raw access to disks or the kernel, by path prefix (compose-lint
/// CL-0016's list); `exact` ones match only themselves, the others anything that starts so.
const DEVICES: [(&str, bool, &str); 25] = [
    ("/dev", true, "every host device, every disk included"),
    ("/dev/sd", false, "a SCSI/SATA disk"),
    ("/dev/nvme", false, "an NVMe disk"),
    ("/dev/vd", false, "a virtio disk"),
    ("/dev/xvd", false, "a Xen disk"),
    ("/dev/hd", false, "an IDE disk"),
    ("/dev/mmcblk", false, "an SD/eMMC disk"),
    ("/dev/md", false, "a software RAID array"),
    ("/dev/disk/", false, "a disk"),
    ("/dev/block/", false, "a block device"),
    (
        "/dev/loop",
        false,
        "a loop device (it mounts any disk image)",
    ),
    ("/dev/dm-", false, "a device-mapper disk"),
    ("/dev/mapper/", false, "a device-mapper disk"),
    ("/dev/zfs", true, "ZFS pool control"),
    ("/dev/zd", false, "a ZFS volume"),
    ("/dev/zvol/", false, "a ZFS volume"),
    ("/dev/rbd", false, "a Ceph block device"),
    ("/dev/nbd", false, "a network block device"),
    ("/dev/mtdblock", false, "a flash block device"),
    ("/dev/kmsg", true, "the kernel log, read and written"),
    ("/dev/char/1:11", true, "the kernel log, read and written"),
    ("/dev/char/10:237", true, "loop device control"),
    ("/dev/mem", true, "physical memory"),
    ("/dev/kmem", true, "kernel memory"),
    ("/dev/port", true, "I/O ports"),
];

/// Devices the kernel opens only for a process with `SYS_RAWIO`.
const RAWIO: [&str; 3] = ["/dev/mem", "/dev/kmem", "/dev/port"];

impl Rule for DangerousDevice {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let spec = service.spec;
        let rawio = adds(spec, "SYS_RAWIO") || spec.get("privileged").is_some_and(is_true);
        for device in devices(spec) {
            let host = device.host.as_str();
            let Some((_, _, what)) = DEVICES.iter().find(|(p, exact, _)| {
                if *exact {
                    host == *p
                } else {
                    host.starts_with(p)
                }
            }) else {
                continue;
            };
            if RAWIO.contains(&host) && !rawio {
                continue;
            }
            // Permissions without read or write (`m` alone) reach nothing.
            if device
                .permissions
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty() && !p.contains(['r', 'w', 'W']))
            {
                continue;
            }
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    device.value,
                    format!(
                        "device `{host}` gives `{}` raw access to {what} of the host, past every \
                         file permission",
                        service.name
                    ),
                )
                .help("remove the device, or pass only the partition or device node the service needs"),
            );
        }
    }
}
