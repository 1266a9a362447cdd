"""Generate the patch catalogs of the simulated SSM agent (one JSON file per OS family).

Run `python sandbox/data/catalogs/generate_catalogs.py` from the repository root; the output is
committed beside this script. A fixed seed per OS makes the files reproducible byte for byte.

Each catalog is a list of *updates* as the OS's repositories (or Windows Update) publish them. A node
has each package installed or not, at the update's version or an older one; which is derived from
the node id at scan time (see sandbox/agent/patch_catalog.py), using each entry's `presence` (probability
the package is on a node) and `outdated` (probability an installed package lacks the update).

Release dates: most entries carry an absolute date (`released`), but some carry `released_days_ago`
instead, counted back from the day the sandbox loads the catalog (UTC). So the newest updates are
always a few days old, whenever the sandbox runs: AWS-AmazonLinux2DefaultPatchBaseline (approved 7
days after release) and a 0-day custom baseline always disagree on some of them.
"""

import datetime
import json
import random
import uuid
from pathlib import Path

OUT = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------------
# RPM families (Amazon Linux 2, Amazon Linux 2023, RHEL 9)

# Source packages and their binary subpackages; versions are (major.minor) bases the generator bumps.
RPM_PACKAGES = {
    "kernel": ("4.14.336", ["", "-tools", "-headers", "-devel", "-tools-devel"]),
    "glibc": ("2.26", ["", "-common", "-devel", "-headers", "-minimal-langpack", "-locale-source", "-static"]),
    "openssl": ("1.0.2k", ["", "-libs", "-devel", "-static", "-perl"]),
    "systemd": ("219", ["", "-libs", "-sysv", "-devel", "-networkd", "-resolved"]),
    "python": ("2.7.18", ["", "-libs", "-devel", "-tools", "-test"]),
    "python3": ("3.7.16", ["", "-libs", "-devel", "-pip", "-setuptools", "-test"]),
    "curl": ("8.3.0", ["", "-minimal"]),
    "libcurl": ("8.3.0", ["", "-devel", "-minimal"]),
    "bind": ("9.11.4", ["-libs", "-libs-lite", "-license", "-utils", "-export-libs", "-chroot"]),
    "sudo": ("1.9.15", ["", "-devel"]),
    "openssh": ("7.4p1", ["", "-clients", "-server", "-keycat"]),
    "nss": ("3.90.0", ["", "-sysinit", "-tools", "-util", "-softokn", "-softokn-freebl", "-pem"]),
    "krb5": ("1.15.1", ["-libs", "-devel", "-workstation", "-server"]),
    "libxml2": ("2.9.1", ["", "-python", "-devel"]),
    "expat": ("2.1.0", ["", "-devel"]),
    "vim": ("9.0.2153", ["-minimal", "-common", "-enhanced", "-filesystem", "-data"]),
    "git": ("2.40.1", ["", "-core", "-core-doc", "-daemon", "-email", "-svn"]),
    "httpd": ("2.4.58", ["", "-tools", "-filesystem", "-devel", "-manual"]),
    "mod_ssl": ("2.4.58", [""]),
    "nginx": ("1.22.1", ["", "-filesystem", "-mod-stream", "-mod-http-perl"]),
    "php": ("8.2.13", ["-cli", "-common", "-fpm", "-mysqlnd", "-pdo", "-xml", "-mbstring"]),
    "mariadb": ("5.5.68", ["", "-libs", "-server"]),
    "postgresql": ("9.2.24", ["", "-libs", "-server"]),
    "java-11-amazon-corretto": ("11.0.21", ["", "-headless"]),
    "java-17-amazon-corretto": ("17.0.9", ["", "-headless", "-devel"]),
    "docker": ("20.10.25", [""]),
    "containerd": ("1.7.2", [""]),
    "runc": ("1.1.7", [""]),
    "amazon-ssm-agent": ("3.2.1798.0", [""]),
    "ec2-utils": ("1.2", [""]),
    "cloud-init": ("19.3", [""]),
    "awscli": ("1.18.147", [""]),
    "aws-cfn-bootstrap": ("2.0", [""]),
    "tzdata": ("2023c", ["", "-java"]),
    "ca-certificates": ("2023.2.60", [""]),
    "binutils": ("2.29.1", ["", "-devel"]),
    "gcc": ("7.3.1", ["", "-c++", "-gfortran"]),
    "libgcc": ("7.3.1", [""]),
    "libstdc++": ("7.3.1", ["", "-devel"]),
    "zlib": ("1.2.7", ["", "-devel"]),
    "bzip2": ("1.0.6", ["", "-libs", "-devel"]),
    "xz": ("5.2.2", ["", "-libs", "-devel"]),
    "tar": ("1.26", [""]),
    "gzip": ("1.5", [""]),
    "unzip": ("6.0", [""]),
    "rsync": ("3.1.2", [""]),
    "wget": ("1.14", [""]),
    "ntp": ("4.2.8p15", ["", "date"]),
    "chrony": ("4.2", [""]),
    "rpm": ("4.11.3", ["", "-libs", "-build-libs", "-python", "-plugin-systemd-inhibit"]),
    "yum": ("3.4.3", ["", "-utils", "-plugin-priorities"]),
    "dbus": ("1.10.24", ["", "-libs"]),
    "polkit": ("0.112", [""]),
    "pam": ("1.1.8", [""]),
    "shadow-utils": ("4.1.5.1", [""]),
    "util-linux": ("2.30.2", [""]),
    "libblkid": ("2.30.2", [""]),
    "libmount": ("2.30.2", [""]),
    "libuuid": ("2.30.2", [""]),
    "e2fsprogs": ("1.42.9", ["", "-libs"]),
    "xfsprogs": ("5.0.0", [""]),
    "lvm2": ("2.02.187", ["", "-libs"]),
    "device-mapper": ("1.02.170", ["", "-libs"]),
    "grub2": ("2.06", ["", "-tools", "-pc", "-common", "-efi-x64"]),
    "dracut": ("033", ["", "-config-generic"]),
    "iptables": ("1.8.4", ["", "-libs"]),
    "nftables": ("0.9.0", [""]),
    "NetworkManager": ("1.18.4", ["", "-libnm"]),
    "dhclient": ("4.2.5", [""]),
    "bash": ("4.2.46", [""]),
    "coreutils": ("8.22", [""]),
    "findutils": ("4.5.11", [""]),
    "grep": ("2.20", [""]),
    "sed": ("4.2.2", [""]),
    "gawk": ("4.0.2", [""]),
    "less": ("458", [""]),
    "libssh2": ("1.4.3", [""]),
    "gnupg2": ("2.0.22", [""]),
    "gnutls": ("3.3.29", [""]),
    "libgcrypt": ("1.5.3", [""]),
    "sqlite": ("3.7.17", ["", "-devel"]),
    "perl": ("5.16.3", ["", "-libs", "-macros", "-Pod-Escapes"]),
    "ruby": ("2.6.10", ["", "-libs"]),
    "nodejs": ("18.18.2", ["", "-npm"]),
    "golang": ("1.20.10", ["", "-bin", "-src"]),
    "libtiff": ("4.0.3", [""]),
    "libjpeg-turbo": ("2.0.90", [""]),
    "libpng": ("1.5.13", [""]),
    "freetype": ("2.8", [""]),
    "fontconfig": ("2.13.0", [""]),
    "cups-libs": ("1.6.3", [""]),
    "samba-client-libs": ("4.10.16", [""]),
    "libwebp": ("0.3.0", [""]),
    "ImageMagick": ("6.9.10.68", [""]),
    "squid": ("3.5.20", [""]),
    "postfix": ("2.10.1", [""]),
    "cyrus-sasl-lib": ("2.1.26", [""]),
    "openldap": ("2.4.44", ["", "-clients"]),
    "libX11": ("1.6.7", ["", "-common"]),
    "emacs-filesystem": ("27.2", [""]),
    "screen": ("4.1.0", [""]),
    "tmux": ("1.8", [""]),
    "jq": ("1.5", [""]),
    "ec2-instance-connect": ("1.1", [""]),
    "amazon-linux-extras": ("2.0.3", [""]),
    "kmod": ("25", ["", "-libs"]),
    "procps-ng": ("3.3.10", [""]),
    "libselinux": ("2.5", ["", "-utils", "-python"]),
    "audit": ("2.8.1", ["", "-libs"]),
    "rsyslog": ("8.24.0", [""]),
    "logrotate": ("3.8.6", [""]),
    "cronie": ("1.4.11", ["", "-anacron"]),
}
# Packages a node always has (the base system), and those whose update needs a reboot.
CORE = {"kernel", "glibc", "glibc-common", "openssl", "openssl-libs", "systemd", "systemd-libs", "bash",
        "coreutils", "curl", "libcurl", "sudo", "openssh", "openssh-clients", "openssh-server", "nss",
        "python", "python-libs", "yum", "rpm", "rpm-libs", "tzdata", "ca-certificates", "amazon-ssm-agent",
        "ec2-utils", "cloud-init", "grub2-tools", "dracut", "util-linux", "libblkid", "libmount", "libuuid",
        "krb5-libs", "libxml2", "expat", "zlib", "bzip2-libs", "xz-libs", "pam", "shadow-utils", "dbus",
        "kmod", "audit", "rsyslog", "chrony", "vim-minimal", "libgcc", "libstdc++", "kernel-tools"}
REBOOT = {"kernel", "glibc", "systemd", "grub2", "dracut", "kmod", "linux-image-aws", "linux-aws",
          "linux-image-generic"}

RPM_FAMILIES = {
    "amazon_linux_2": {
        "operating_system": "AMAZON_LINUX_2", "seed": 2, "count": 300, "release_suffix": "amzn2",
        "advisory": "ALAS2-{year}-{number}", "advisory_kinds": {},
        "severities": ["Critical", "Important", "Medium", "Low"],
        "repositories": ["amzn2-core", "amzn2extra-docker", "amzn2extra-kernel-5.10"],
        "products": ["AmazonLinux2", "AmazonLinux2.0"], "product": "AmazonLinux2.0",
        "vendor": "Amazon Linux", "base_year": 2019,
    },
    "amazon_linux_2023": {
        "operating_system": "AMAZON_LINUX_2023", "seed": 2023, "count": 260, "release_suffix": "amzn2023",
        "advisory": "ALAS2023-{year}-{number}", "advisory_kinds": {},
        "severities": ["Critical", "Important", "Medium", "Low"],
        "repositories": ["amazonlinux"],
        "products": ["AmazonLinux2023"], "product": "AmazonLinux2023",
        "vendor": "Amazon Linux", "base_year": 2023,
    },
    "redhat_enterprise_linux": {
        "operating_system": "REDHAT_ENTERPRISE_LINUX", "seed": 9, "count": 260, "release_suffix": "el9",
        "advisory": "{kind}-{year}:{number}", "advisory_kinds": {"Security": "RHSA", "Bugfix": "RHBA",
                                                                "Enhancement": "RHEA"},
        "severities": ["Critical", "Important", "Moderate", "Low"],
        "repositories": ["rhel-9-baseos-rhui-rpms", "rhel-9-appstream-rhui-rpms"],
        "products": [f"RedhatEnterpriseLinux9.{minor}" for minor in range(5)], "product": "RedhatEnterpriseLinux9.3",
        "vendor": "Red Hat", "base_year": 2022,
    },
}
# Classification mix of advisories; None = a package update with no update notice at all (only
# approved by rules or approved lists that enable non-security updates).
RPM_CLASSIFICATIONS = [("Security", 45), ("Bugfix", 30), ("Enhancement", 8), ("Recommended", 2),
                       ("Newpackage", 2), (None, 13)]
SEVERITY_WEIGHTS = [4, 10, 8, 3]  # Critical, Important, Medium/Moderate, Low (security notices only)

# The newest updates, dated relative to the day the catalog loads: (package, days ago, classification,
# severity). Nodes nearly always lack them. 0-6 days: approved by a 0-day rule, not by a 7-day one.
RECENT_RPM = [
    ("kernel", 2, "Security", "Important"), ("kernel-tools", 2, "Security", "Important"),
    ("kernel-headers", 2, "Security", "Important"), ("openssl-libs", 1, "Security", "Critical"),
    ("openssl", 1, "Security", "Critical"), ("curl", 3, "Security", "Important"),
    ("libcurl", 3, "Security", "Important"), ("sudo", 4, "Security", "Critical"),
    ("tzdata", 5, "Bugfix", None), ("amazon-ssm-agent", 0, "Enhancement", None),
    ("python3", 6, "Security", "Medium"), ("python3-libs", 6, "Security", "Medium"),
    ("vim-minimal", 5, None, None), ("ca-certificates", 3, "Bugfix", None),
    # Old enough for every delay the workshop uses.
    ("glibc", 9, "Security", "Important"), ("glibc-common", 9, "Security", "Important"),
    ("systemd", 12, "Bugfix", None), ("systemd-libs", 12, "Bugfix", None),
    ("bind-libs", 15, "Security", "Important"), ("nss", 18, "Security", "Critical"),
]


def _weighted(rng, table):
    values, weights = zip(*table)
    return rng.choices(values, weights=weights)[0]


def _bump(rng, version):
    """A newer version string than `version` (last numeric component raised)."""
    head, _, tail = version.rpartition(".")
    digits = "".join(ch for ch in tail if ch.isdigit()) or "0"
    suffix = tail[len(digits):] if tail.startswith(digits) else ""
    new_tail = f"{int(digits) + rng.randint(1, 9)}{suffix}"
    return f"{head}.{new_tail}" if head else new_tail


def _cves(rng, year, count):
    return sorted({f"CVE-{year - rng.randint(0, 1)}-{rng.randint(1000, 52999)}" for _ in range(count)})


def _rpm_catalog(key, family):
    rng = random.Random(family["seed"])
    names = [(f"{source}{suffix}", source, base) for source, (base, suffixes) in RPM_PACKAGES.items()
             for suffix in suffixes]
    rng.shuffle(names)
    recent = {name: rest for name, *rest in RECENT_RPM}
    chosen = [entry for entry in names if entry[0] in recent]
    chosen += [entry for entry in names if entry[0] not in recent][: family["count"] - len(chosen)]
    chosen.sort()
    entries, advisory_numbers, source_versions = [], {}, {}
    for name, source, base in chosen:
        if name in recent:
            days_ago, classification, severity = recent[name]
            released = None
        else:
            days_ago = None
            classification = _weighted(rng, RPM_CLASSIFICATIONS)
            severity = None
            start = datetime.date(family["base_year"], 1, 1)
            released = (start + datetime.timedelta(days=rng.randint(0, 365 * 2 + 300))).isoformat()
        if classification == "Security" and severity is None:
            severity = rng.choices(family["severities"], weights=SEVERITY_WEIGHTS)[0]
        elif classification == "Security":
            severity = family["severities"][["Critical", "Important", "Medium", "Low"].index(severity)]
        year = int(released[:4]) if released else 2025
        advisory = None
        if classification is not None:
            # Subpackages of one source package share its advisory, as in updateinfo.xml.
            number = advisory_numbers.setdefault((source, classification), rng.randint(1000, 2600))
            kind = family["advisory_kinds"].get(classification, "RHBA")
            advisory = family["advisory"].format(year=year, number=number, kind=kind)
        # Subpackages of one source package share its version and release, as yum repositories have.
        version, release_number, installed_number = source_versions.setdefault(
            source, (_bump(rng, base), rng.randint(41, 300), None))
        if installed_number is None:
            installed_number = release_number - rng.randint(1, 40)
            source_versions[source] = (version, release_number, installed_number)
        arch = "noarch" if name in {"tzdata", "ca-certificates", "awscli", "aws-cfn-bootstrap", "ec2-utils",
                                    "amazon-linux-extras", "cloud-init", "emacs-filesystem",
                                    "kernel-headers"} else "x86_64"
        entries.append({
            "name": name,
            "arch": arch,
            "epoch": 1 if source in {"openssl", "bind", "mariadb", "perl"} else 0,
            "version": version,
            "release": f"{release_number}.{family['release_suffix']}",
            "installed_version": base,
            "installed_release": f"{installed_number}.{family['release_suffix']}",
            "advisory_id": advisory,
            "classification": classification or "",
            "severity": severity or "",
            "released": released,
            "released_days_ago": days_ago,
            "cve_ids": _cves(rng, year, rng.randint(1, 4)) if classification == "Security" else [],
            "bugzilla_ids": [str(rng.randint(1000000, 2299999))] if classification in ("Bugfix", "Security")
            and rng.random() < 0.5 else [],
            "reboot": source in REBOOT or name in REBOOT,
            "repository": family["repositories"][0] if rng.random() < 0.85 else rng.choice(family["repositories"]),
            "presence": 1.0 if name in CORE else round(rng.choice([0.2, 0.35, 0.5, 0.65, 0.8]), 2),
            # Recent updates are missing almost everywhere; older ones were mostly applied already.
            "outdated": 0.97 if days_ago is not None else round(rng.choice([0.05, 0.1, 0.15, 0.25, 0.4]), 2),
            "description": f"{'Security update' if classification == 'Security' else 'Update'} for {name}.",
        })
    return {
        "operating_system": family["operating_system"],
        "vendor": family["vendor"],
        "products": family["products"],
        "product": family["product"],
        "patches": entries,
    }


# ---------------------------------------------------------------------------------------------------
# Ubuntu 22.04

DEB_PACKAGES = [
    "linux-image-aws", "linux-aws", "linux-headers-aws", "linux-modules-extra-aws", "libc6", "libc-bin",
    "openssl", "libssl3", "openssh-client", "openssh-server", "openssh-sftp-server", "sudo", "curl",
    "libcurl4", "libcurl3-gnutls", "systemd", "libsystemd0", "udev", "libudev1", "python3.10",
    "libpython3.10", "python3.10-minimal", "libpython3.10-minimal", "libpython3.10-stdlib", "python3-urllib3",
    "python3-requests", "python3-cryptography", "python3-jinja2", "python3-yaml", "bash", "coreutils",
    "tar", "gzip", "bzip2", "xz-utils", "liblzma5", "zlib1g", "libxml2", "libexpat1", "vim", "vim-tiny",
    "vim-common", "vim-runtime", "git", "git-man", "apache2", "apache2-bin", "apache2-data", "apache2-utils",
    "nginx", "nginx-common", "libnginx-mod-http-geoip2", "php8.1-cli", "php8.1-common", "php8.1-fpm",
    "mysql-client-8.0", "mysql-server-8.0", "postgresql-14", "postgresql-client-14", "libpq5",
    "openjdk-11-jre-headless", "openjdk-17-jre-headless", "docker.io", "containerd", "runc",
    "snapd", "cloud-init", "amazon-ec2-utils", "tzdata", "ca-certificates", "binutils", "gcc-12-base",
    "libgcc-s1", "libstdc++6", "perl", "perl-base", "perl-modules-5.34", "libperl5.34", "ruby3.0",
    "nodejs", "golang-1.18", "libtiff5", "libjpeg-turbo8", "libpng16-16", "libfreetype6", "fontconfig",
    "libcups2", "samba-libs", "libwebp7", "imagemagick", "squid", "postfix", "libsasl2-2", "libldap-2.5-0",
    "libx11-6", "libx11-data", "screen", "tmux", "jq", "libjq1", "ec2-instance-connect", "kmod", "libkmod2",
    "procps", "libprocps8", "libselinux1", "auditd", "libaudit1", "rsyslog", "logrotate", "cron", "grub-efi-amd64-signed",
    "grub-common", "grub2-common", "shim-signed", "initramfs-tools", "iptables", "libip4tc2", "nftables",
    "netplan.io", "isc-dhcp-client", "libnss3", "libgnutls30", "libgcrypt20", "libsqlite3-0", "gnupg",
    "gpgv", "dirmngr", "libssh-4", "libkrb5-3", "libgssapi-krb5-2", "libk5crypto3", "libkrb5support0",
    "libpam-modules", "libpam0g", "passwd", "login", "util-linux", "libblkid1", "libmount1", "libuuid1",
    "e2fsprogs", "libext2fs2", "xfsprogs", "lvm2", "dmsetup", "libdevmapper1.02.1", "less", "wget", "rsync",
    "unzip", "zip", "dbus", "libdbus-1-3", "policykit-1", "libpolkit-gobject-1-0", "apt", "libapt-pkg6.0",
    "dpkg", "ubuntu-advantage-tools", "update-notifier-common", "landscape-common", "libglib2.0-0",
    "libnghttp2-14", "libzstd1", "libarchive13", "libtasn1-6", "libksba8", "libsqlite3-dev", "libc6-dev",
    "linux-libc-dev", "libnetplan0", "libncurses6", "libtinfo6", "ncurses-base", "ncurses-bin", "openssl-dev",
    "libldap-common", "libmysqlclient21", "git-lfs", "libpcre2-8-0", "libpcre3", "libseccomp2", "bind9-host",
    "bind9-libs", "bind9-dnsutils", "libuv1", "libjson-c5", "libsnmp40", "snmp", "ntp", "chrony", "sosreport",
    "python3-distupgrade", "ubuntu-release-upgrader-core", "apport", "python3-apport", "libmagic1", "file",
    "libsmartcols1", "fdisk", "libfdisk1", "mdadm", "open-iscsi", "multipath-tools", "libnss-systemd",
    "libpam-systemd", "systemd-timesyncd", "systemd-sysv", "libgnutls-openssl27", "libnettle8", "libhogweed6",
    "libgmp10", "libidn2-0", "libunistring2", "libpsl5", "publicsuffix", "libbrotli1", "librtmp1",
    "libssh2-1", "xxd", "libgpm2", "libsodium23", "libevent-2.1-7", "libutempter0", "libonig5",
    "libreadline8", "readline-common", "libcap2", "libcap2-bin", "libcap-ng0", "libacl1", "libattr1",
    "libffi8", "libyaml-0-2", "libmpdec3", "libexpat1-dev",
]
DEB_PRIORITIES = [("Required", 10), ("Important", 20), ("Standard", 25), ("Optional", 40), ("Extra", 5)]
DEB_SECTIONS = ["admin", "libs", "net", "utils", "web", "database", "devel", "python", "kernel", "editors",
                "httpd", "interpreters", "java", "mail", "shells", "text", "vcs"]


def _ubuntu_catalog():
    rng = random.Random(2204)
    entries = []
    for name in sorted(DEB_PACKAGES):
        security = rng.random() < 0.55
        version = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        build = rng.randint(1, 12)
        section = "kernel" if name.startswith("linux-") else rng.choice(DEB_SECTIONS)
        entries.append({
            "name": name,
            "arch": "all" if name.endswith(("-common", "-data", "-base", "tzdata")) or name == "ca-certificates"
            else "amd64",
            "version": f"{version}-{build}ubuntu0.22.04.{rng.randint(1, 5)}",
            "installed_version": f"{version}-{max(1, build - rng.randint(1, 3))}ubuntu0.22.04.1",
            "priority": _weighted(rng, DEB_PRIORITIES),
            "section": section,
            "repository": "jammy-security" if security else "jammy-updates",
            "security": security,
            "cve_ids": _cves(rng, 2024, rng.randint(1, 3)) if security else [],
            "reboot": name.startswith(("linux-image", "linux-aws", "libc6", "systemd")),
            "presence": 1.0 if name in {"libc6", "openssl", "libssl3", "bash", "coreutils", "systemd", "sudo",
                                         "linux-image-aws", "linux-aws", "apt", "dpkg", "openssh-server",
                                         "openssh-client", "tzdata", "ca-certificates", "snapd", "curl"}
            else round(rng.choice([0.3, 0.5, 0.7, 0.9]), 2),
            "outdated": round(rng.choice([0.05, 0.1, 0.2, 0.3, 0.5]), 2),
            "description": f"{'Security update' if security else 'Update'} for {name}.",
        })
    return {"operating_system": "UBUNTU", "vendor": "Canonical", "products": ["Ubuntu22.04"],
            "product": "Ubuntu22.04", "patches": entries}


# ---------------------------------------------------------------------------------------------------
# Windows Server

WINDOWS_PRODUCTS = [("WindowsServer2016", "1607", "Windows Server 2016"),
                    ("WindowsServer2019", "1809", "Windows Server 2019"),
                    ("WindowsServer2022", "21H2", "Microsoft server operating system version 21H2")]
WINDOWS_KINDS = [
    # (classification, title template, msrc severity choices, share, needs reboot)
    ("SecurityUpdates", "{month} Cumulative Update for {label} for x64-based Systems ({kb})",
     ["Critical", "Important"], 22, True),
    ("SecurityUpdates", "{month} Security Update for {label} for x64-based Systems ({kb})",
     ["Critical", "Important", "Moderate", "Low"], 20, False),
    ("SecurityUpdates", "{month} Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for {label} for x64 ({kb})",
     ["Important", "Moderate"], 10, False),
    ("CriticalUpdates", "{month} Update for {label} for x64-based Systems ({kb})", ["Unspecified"], 10, True),
    ("Updates", "{month} Update for {label} for x64-based Systems ({kb})", ["Unspecified"], 15, False),
    ("UpdateRollups", "Windows Malicious Software Removal Tool x64 - v5.{minor} ({kb})", ["Unspecified"], 8, False),
    ("DefinitionUpdates", "Security Intelligence Update for Microsoft Defender Antivirus - {kb} (Version 1.{minor}.0)",
     ["Unspecified"], 8, False),
    ("ServicePacks", "Servicing Stack Update for {label} for x64-based Systems ({kb})", ["Unspecified"], 7, False),
]
WINDOWS_APPLICATIONS = [("Microsoft SQL Server 2019", "SQL Server"), ("Office 2016", "Office"),
                        ("Microsoft SQL Server 2022", "SQL Server")]
RECENT_WINDOWS_DAYS = [1, 3, 5, 10, 16]


# Patches an AWS example names, as the example shows them (Id, KB, title, product, classification,
# MSRC severity, release day): awscli/examples/ssm/describe-available-patches.rst, second example
# (PATCH_ID=KB4480979, ReleaseDate 1546970408 = 2019-01-08).
DOCUMENTED_WINDOWS_PATCHES = [
    {"id": "680861e3-fb75-432e-818e-d72e5f2be719", "kb": "KB4480979",
     "title": "2019-01 Security Update for Adobe Flash Player for Windows Server 2016 for x64-based Systems (KB4480979)",
     "product": "WindowsServer2016", "product_family": "Windows", "patch_set": "OS",
     "classification": "SecurityUpdates", "msrc_severity": "Critical", "msrc_number": "", "released": "2019-01-08",
     "released_days_ago": None, "cve_ids": [], "reboot": False, "presence": 1.0, "outdated": 0.05,
     "language": "All",
     "description": "A security issue has been identified in a Microsoft software product that could affect your "
                    "system. You can help protect your system by installing this update from Microsoft. For a "
                    "complete listing of the issues that are included in this update, see the associated Microsoft "
                    "Knowledge Base article. After you install this update, you may have to restart your system."},
]


def _windows_catalog():
    rng = random.Random(2022)
    entries, kb_numbers = [], set()
    kinds = [(kind, kind[3]) for kind in WINDOWS_KINDS]
    for index in range(270):
        kb = rng.randint(5000000, 5049999)
        while kb in kb_numbers:
            kb = rng.randint(5000000, 5049999)
        kb_numbers.add(kb)
        kb_id = f"KB{kb}"
        application = index % 9 == 0
        if application:
            product, family = rng.choice(WINDOWS_APPLICATIONS)
            label, classification = product, rng.choice(["SecurityUpdates", "Updates", "CriticalUpdates"])
            title = f"Security Update for {product} ({kb_id})"
            msrc = rng.choice(["Important", "Moderate"]) if classification == "SecurityUpdates" else "Unspecified"
            reboot, patch_set = False, "APPLICATION"
        else:
            product, _version, label = rng.choice(WINDOWS_PRODUCTS)
            family = "Windows"
            kind = _weighted(rng, kinds)
            classification, template, severities, _share, reboot = kind
            msrc = rng.choice(severities)
            patch_set = "OS"
        recent = index < len(RECENT_WINDOWS_DAYS) * 3 and not application
        days_ago = RECENT_WINDOWS_DAYS[index % len(RECENT_WINDOWS_DAYS)] if recent else None
        released = None if recent else (
            datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1000))).isoformat()
        month = (released or "2025-06-10")[:7]
        if not application:
            title = template.format(month=month, label=label, kb=kb_id, minor=rng.randint(100, 140))
        entries.append({
            "kb": kb_id,
            "title": title,
            "product": product,
            "product_family": family,
            "patch_set": patch_set,
            "classification": classification,
            "msrc_severity": msrc,
            "msrc_number": f"MS{(released or '2025')[2:4]}-{rng.randint(1, 99):03d}" if classification
            == "SecurityUpdates" and rng.random() < 0.2 else "",
            "released": released,
            "released_days_ago": days_ago,
            "cve_ids": _cves(rng, int((released or "2025")[:4]), rng.randint(1, 6))
            if classification == "SecurityUpdates" else [],
            "reboot": reboot,
            "presence": 0.5 if application else 1.0,
            "outdated": 0.95 if recent else round(rng.choice([0.05, 0.1, 0.2, 0.3]), 2),
            "language": "All",
            "description": f"Install this update to resolve issues in {label}.",
        })
    entries.extend(DOCUMENTED_WINDOWS_PATCHES)
    # AWS's Windows patch Id is its own: "This ID isn't the same as the Microsoft Knowledge Base ID"
    # (API reference, Patch.Id); the AWS CLI's describe-available-patches.rst shows UUIDs
    # (fe6bd8c2-3752-4c8b-ab3e-1a7ed08767ba). A generator of its own keeps the other draws unchanged.
    ids = random.Random("windows-patch-ids")
    for entry in entries:
        entry.setdefault("id", str(uuid.UUID(int=ids.getrandbits(128), version=4)))
    return {"operating_system": "WINDOWS", "vendor": "Microsoft", "products": [p for p, _, _ in WINDOWS_PRODUCTS],
            "product": None, "patches": entries}


def main():
    catalogs = {key: _rpm_catalog(key, family) for key, family in RPM_FAMILIES.items()}
    catalogs["ubuntu"] = _ubuntu_catalog()
    catalogs["windows"] = _windows_catalog()
    for key, catalog in catalogs.items():
        path = OUT / f"{key}.json"
        path.write_text(json.dumps(catalog, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(catalog['patches'])} patches")


if __name__ == "__main__":
    main()
