"""Patch catalogs of the simulated SSM agent: the updates each OS family's repositories publish.

One JSON file per family under `data/catalogs/` (made by `data/catalogs/generate_catalogs.py` with
a fixed seed). A catalog is parsed once per process into `Patch` objects with an index, so per-node
data can be kept as compact byte strings (one code per catalog index).

Release dates: entries with `released_days_ago` are dated back from the *anchor date*, the UTC day
the catalog was first loaded (or `SANDBOX_CATALOG_ANCHOR=YYYY-MM-DD`), so the newest updates are
always a few days old whenever the sandbox runs, and stay fixed while it runs (simulated time moves
past them as it would in AWS).

A node's installed software derives from its id alone (`installed_codes`): for each patch the
package is absent, installed at an older version (the update is available), or already current.
"""

import datetime
import fnmatch
import functools
import hashlib
import json
import os
import random
import re
from pathlib import Path

from sandbox.agent import clock

CATALOG_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogs"

# Operating system -> catalog file. Families without their own data use their closest relative's
# repositories (same package manager and advisory format); SUSE and macOS have none (empty catalog).
CATALOG_FOR_OS = {
    "AMAZON_LINUX_2": "amazon_linux_2",
    "AMAZON_LINUX": "amazon_linux_2",
    "AMAZON_LINUX_2023": "amazon_linux_2023",
    "AMAZON_LINUX_2022": "amazon_linux_2023",
    "REDHAT_ENTERPRISE_LINUX": "redhat_enterprise_linux",
    "CENTOS": "redhat_enterprise_linux",
    "ORACLE_LINUX": "redhat_enterprise_linux",
    "ROCKY_LINUX": "redhat_enterprise_linux",
    "ALMA_LINUX": "redhat_enterprise_linux",
    "UBUNTU": "ubuntu",
    "DEBIAN": "ubuntu",
    "RASPBIAN": "ubuntu",
    "WINDOWS": "windows",
}
# Package manager family: decides the name formats of approved/rejected lists and what "installed
# at an older version" means (Linux: the old package is installed; Windows: the KB is absent).
RPM, DEB, WINDOWS = "rpm", "deb", "windows"
FORMAT_OF_CATALOG = {"amazon_linux_2": RPM, "amazon_linux_2023": RPM, "redhat_enterprise_linux": RPM,
                     "ubuntu": DEB, "windows": WINDOWS}

# Installed codes (one byte per catalog index in a node's installed set).
ABSENT, OUTDATED, CURRENT = 0, 1, 2
EPOCH_ZERO = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_ANCHOR_ENV = "SANDBOX_CATALOG_ANCHOR"


@functools.lru_cache(maxsize=1)
def anchor_date():
    """The UTC day relative release dates count back from: fixed for the process (the day it
    started), so a test advancing the sandbox's clock makes the catalog's patches older, as real
    days passing would."""
    configured = os.environ.get(_ANCHOR_ENV)
    if configured:
        return datetime.date.fromisoformat(configured)
    return clock.origin_date()


class Patch:
    """One update of a catalog, with the fields every reader needs precomputed."""

    __slots__ = (
        "index", "patch_id", "kb_id", "title", "name", "arch", "epoch", "version", "release", "installed_version",
        "installed_release", "classification", "severity", "msrc_severity", "msrc_number", "priority", "section",
        "product", "product_family", "patch_set", "advisory_ids", "cve_ids", "bugzilla_ids", "release_date",
        "reboot", "repository", "security", "has_notice", "presence", "outdated", "description", "vendor",
        "language", "_name_forms",
    )

    def __init__(self, **fields):
        for slot in self.__slots__:
            setattr(self, slot, fields.get(slot))

    @property
    def release_day(self):
        return None if self.release_date is None else self.release_date.date()

    def name_forms(self):
        """Every string an approved/rejected entry may be written as for this patch (AWS's formats)."""
        if self._name_forms is None:
            self._name_forms = _name_forms(self)
        return self._name_forms

    def installed_title(self):
        """Title of the older version a node has when the update is not applied (Linux)."""
        if self.kb_id.startswith("KB"):
            return self.title
        return _rpm_title(self.name, self.arch, self.epoch, self.installed_version, self.installed_release) \
            if self.release is not None else f"{self.name}:{self.installed_version}"

    def to_api(self):
        """The `Patch` structure of DescribeAvailablePatches and DescribeEffectivePatchesForPatchBaseline."""
        item = {
            # Windows: AWS's own id, "not the same as the Microsoft Knowledge Base ID" (API reference,
            # Patch.Id), a UUID in the AWS CLI's describe-available-patches.rst; the KB is KbNumber.
            "Id": self.patch_id or self.title,
            "ReleaseDate": self.release_date,
            "Title": self.title,
            "Description": self.description,
            "ContentUrl": self._content_url(),
            "Vendor": self.vendor,
            "ProductFamily": self.product_family,
            "Product": self.product,
            "Classification": self.classification,
            "MsrcSeverity": self.msrc_severity,
            "KbNumber": self.kb_id if self.kb_id.startswith("KB") else None,
            # Windows patches carry MsrcNumber even when Microsoft gave none: "" (the AWS CLI's
            # describe-available-patches.rst and describe-effective-patches-for-patch-baseline.rst).
            "MsrcNumber": self.msrc_number or ("" if self.kb_id.startswith("KB") else None),
            "Language": self.language,
            "AdvisoryIds": list(self.advisory_ids),
            "BugzillaIds": list(self.bugzilla_ids),
            "CVEIds": list(self.cve_ids),
            "Name": self.name,
            "Epoch": self.epoch,
            "Version": self.version,
            "Release": self.release,
            "Arch": self.arch,
            "Severity": self.severity,
            "Repository": self.repository,
        }
        return {key: value for key, value in item.items()
                if value is not None and (value != "" or key == "MsrcNumber")}

    def _content_url(self):
        if self.kb_id.startswith("KB"):
            # The form AWS gives (the AWS CLI's describe-available-patches.rst: .../en-us/kb/4470788).
            return f"https://support.microsoft.com/en-us/kb/{self.kb_id[2:]}"
        if self.advisory_ids and self.advisory_ids[0].startswith("ALAS"):
            prefix = "AL2" if self.advisory_ids[0].startswith("ALAS2-") else (
                "AL2023" if self.advisory_ids[0].startswith("ALAS2023") else "")
            return f"https://alas.aws.amazon.com/{prefix + '/' if prefix else ''}{self.advisory_ids[0]}.html"
        if self.advisory_ids:
            return f"https://access.redhat.com/errata/{self.advisory_ids[0]}"
        return None


def _rpm_title(name, arch, epoch, version, release):
    return f"{name}.{arch}:{epoch}:{version}-{release}"


def _name_forms(patch):
    if patch.kb_id.startswith("KB"):
        forms = {patch.kb_id}
        if patch.msrc_number:
            forms.add(patch.msrc_number)
        return tuple(forms)
    name, arch, version = patch.name, patch.arch, patch.version
    if patch.release is None:  # Debian family
        return (name, f"{name}:{arch}", f"{name}={version}", f"{name}:{arch}={version}")
    epoch, release = patch.epoch, patch.release
    vr = f"{version}-{release}"
    return (
        name, f"{name}.{arch}", f"{name}-{version}", f"{name}-{vr}", f"{name}-{vr}.{arch}", version, vr,
        f"{epoch}:{vr}", f"{name}-{epoch}:{vr}", f"{name}-{epoch}:{vr}.{arch}", f"{epoch}:{name}-{vr}.{arch}",
        f"{name}.{arch}:{epoch}:{vr}",
    )


_CVE = re.compile(r"^CVE-\d{4}-\d+$")
_BUGZILLA = re.compile(r"^\d+$")
_ADVISORY = re.compile(r"^(ALAS[0-9]*-\d{4}-\d+|RH[SBE]A-\d{4}:\d+|ELSA-\d{4}-\d+|USN-\d+-\d+)$")


def patch_matches_entry(patch, entry, package_format):
    """True when an ApprovedPatches/RejectedPatches entry designates this patch.

    Linux (YUM/DNF): Bugzilla ids (digits only), CVE ids, advisory ids, or a package name in one of
    AWS's constructions (name, name.arch, name-version-release.arch, epoch:name-version-release.arch,
    ...), any of which may hold a wildcard (`kernel*`). Debian family: name, name:arch, name=version.
    Windows: a KB id or an MSRC bulletin id, exactly.
    """
    if package_format == WINDOWS:
        return entry in patch.name_forms()
    if package_format == RPM:
        if _BUGZILLA.match(entry):
            return entry in patch.bugzilla_ids
        if _CVE.match(entry):
            return entry in patch.cve_ids
        if _ADVISORY.match(entry):
            return entry in patch.advisory_ids
    if "*" in entry or "?" in entry or "[" in entry:
        return any(fnmatch.fnmatchcase(form, entry) for form in patch.name_forms())
    return entry in patch.name_forms()


class Catalog:
    """A parsed catalog: patches in a stable order, and lookups."""

    def __init__(self, key, raw):
        self.key = key
        self.package_format = FORMAT_OF_CATALOG.get(key, RPM)
        self.operating_system = raw.get("operating_system")
        self.products = tuple(raw.get("products", ()))
        self.patches = tuple(_parse_patch(index, entry, raw, self.package_format)
                             for index, entry in enumerate(raw.get("patches", ())))

    def __len__(self):
        return len(self.patches)


def _release_date(entry):
    if entry.get("released_days_ago") is not None:
        day = anchor_date() - datetime.timedelta(days=entry["released_days_ago"])
    elif entry.get("released"):
        day = datetime.date.fromisoformat(entry["released"])
    else:
        return None
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)


def _parse_patch(index, entry, raw, package_format):
    common = {
        "index": index, "cve_ids": tuple(entry.get("cve_ids", ())), "release_date": _release_date(entry),
        "reboot": bool(entry.get("reboot")), "presence": float(entry["presence"]),
        "outdated": float(entry["outdated"]), "description": entry.get("description"), "vendor": raw.get("vendor"),
        "bugzilla_ids": tuple(entry.get("bugzilla_ids", ())),
    }
    if package_format == WINDOWS:
        security = entry["classification"] == "SecurityUpdates"
        return Patch(
            patch_id=entry["id"], kb_id=entry["kb"], title=entry["title"], name=entry["kb"], classification=entry["classification"],
            severity=entry["msrc_severity"], msrc_severity=entry["msrc_severity"], msrc_number=entry.get("msrc_number"),
            product=entry["product"], product_family=entry["product_family"], patch_set=entry["patch_set"],
            advisory_ids=(), security=security, has_notice=True, language=entry.get("language"), **common,
        )
    if package_format == DEB:
        return Patch(
            kb_id=entry["name"], title=f"{entry['name']}:{entry['version']}", name=entry["name"], arch=entry["arch"],
            version=entry["version"], installed_version=entry["installed_version"], classification="",
            severity=entry["priority"], priority=entry["priority"], section=entry["section"],
            product=raw.get("product"), repository=entry["repository"], advisory_ids=(),
            # Debian-family "security" is the -security pocket; nothing else has an update notice.
            security=bool(entry["security"]), has_notice=bool(entry["security"]), **common,
        )
    advisory = entry.get("advisory_id")
    return Patch(
        kb_id=f"{entry['name']}.{entry['arch']}",
        title=_rpm_title(entry["name"], entry["arch"], entry["epoch"], entry["version"], entry["release"]),
        name=entry["name"], arch=entry["arch"], epoch=entry["epoch"], version=entry["version"],
        release=entry["release"], installed_version=entry["installed_version"],
        installed_release=entry["installed_release"], classification=entry["classification"],
        severity=entry["severity"], product=raw.get("product"), repository=entry["repository"],
        advisory_ids=(advisory,) if advisory else (), security=entry["classification"] == "Security",
        # Updates without an entry in updateinfo.xml are "non-security" in the EnableNonSecurity sense.
        has_notice=advisory is not None, **common,
    )


@functools.lru_cache(maxsize=None)
def load_catalog(key):
    if key is None:
        return Catalog(None, {"patches": []})
    raw = json.loads((CATALOG_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return Catalog(key, raw)


def catalog_for(operating_system):
    """The Catalog a node of this operating system is patched from (empty when there is none)."""
    return load_catalog(CATALOG_FOR_OS.get(operating_system))


_WINDOWS_PRODUCT = re.compile(r"Windows Server (\d{4})( R2)?")


def node_products(node):
    """The PRODUCT values a node answers to (what approval rules' PRODUCT filter is compared with)."""
    operating_system = node.operating_system
    version = node.platform_version or ""
    if operating_system == "AMAZON_LINUX_2":
        return ("AmazonLinux2", "AmazonLinux2.0")
    if operating_system in ("AMAZON_LINUX_2023", "AMAZON_LINUX_2022"):
        return (f"AmazonLinux{operating_system[-4:]}",)
    if operating_system == "AMAZON_LINUX":
        return (f"AmazonLinux{version}",)
    if operating_system == "WINDOWS":
        match = _WINDOWS_PRODUCT.search(node.platform_name or "")
        return (f"WindowsServer{match.group(1)}{'R2' if match.group(2) else ''}",) if match else ("WindowsServer2022",)
    prefixes = {"REDHAT_ENTERPRISE_LINUX": "RedhatEnterpriseLinux", "UBUNTU": "Ubuntu", "DEBIAN": "Debian",
                "CENTOS": "CentOS", "ORACLE_LINUX": "OracleLinux", "ROCKY_LINUX": "RockyLinux",
                "ALMA_LINUX": "AlmaLinux", "SUSE": "Suse", "RASPBIAN": "Raspbian", "MACOS": "MacOS"}
    return (f"{prefixes.get(operating_system, operating_system)}{version}",)


def installed_codes(node_id, catalog, products=()):
    """The node's installed set, derived from its id alone: one code per catalog index.

    ABSENT: the package (or Windows product/application) is not on the node; OUTDATED: installed at
    an older version (Windows: the KB is applicable but not installed); CURRENT: the update is in.
    A Windows OS patch is only applicable to the node's own Windows product.
    """
    digest = hashlib.blake2b(f"{catalog.key}/{node_id}".encode(), digest_size=8).digest()
    draw = random.Random(int.from_bytes(digest, "big")).random
    codes = bytearray(len(catalog.patches))
    windows = catalog.package_format == WINDOWS
    for patch in catalog.patches:
        present, old = draw(), draw()
        if windows and patch.patch_set == "OS" and patch.product not in products:
            continue
        if present < patch.presence:
            codes[patch.index] = OUTDATED if old < patch.outdated else CURRENT
    return codes


def installed_time(node_id, patch, now):
    """When a package already current on a node was installed (deterministic, before `now`)."""
    base = patch.release_date or EPOCH_ZERO
    digest = hashlib.blake2b(f"{node_id}/{patch.index}".encode(), digest_size=4).digest()
    candidate = base + datetime.timedelta(hours=6 + int.from_bytes(digest, "big") % (24 * 20))
    return min(candidate, now) if now is not None else candidate
