"""The AWS-owned (predefined) patch baselines, one table for every operating system.

AWS publishes one predefined baseline per operating system (three for Windows), owned by an AWS
account of the region and addressed by ARN. Their rules follow the "Predefined and custom patch
baselines" page of the Systems Manager User Guide; descriptions are the ones AWS returns.

moto ships the real per-region ARNs of the default baselines (`ssm/resources/default_baselines.json`):
those are used as they are. The two extra Windows baselines are not in that file: their ids are
derived deterministically from the region and name so they are stable across restarts and resets.
"""

import datetime
import functools
import hashlib

from botocore.loaders import Loader
from moto.utilities.utils import get_partition, load_resource

APPROVE_AFTER_DAYS = 7
COMPLIANCE_LEVEL = "UNSPECIFIED"
# AWS does not publish when its baselines were created; a fixed date keeps responses stable.
CREATED_DATE = datetime.datetime(2018, 1, 1, tzinfo=datetime.timezone.utc)

_WINDOWS_OS_FILTERS = {
    "PRODUCT": ["*"],
    "CLASSIFICATION": ["CriticalUpdates", "SecurityUpdates"],
    "MSRC_SEVERITY": ["Critical", "Important"],
}
_DEBIAN_PRIORITIES = ["Required", "Important", "Standard", "Optional", "Extra"]


def _rule(filters, approve_after_days=APPROVE_AFTER_DAYS, enable_non_security=False):
    return {"filters": filters, "days": approve_after_days, "non_security": enable_non_security}


def _security_and_bugfix(severities):
    return (
        _rule({"PRODUCT": ["*"], "CLASSIFICATION": ["Security"], "SEVERITY": severities}),
        _rule({"PRODUCT": ["*"], "CLASSIFICATION": ["Bugfix"]}),
    )


# Debian-family baselines approve immediately: their repositories carry no reliable release dates,
# which is also why the API refuses an approval delay for them.
_DEBIAN_RULES = (_rule({"PRODUCT": ["*"], "SECTION": ["*"], "PRIORITY": _DEBIAN_PRIORITIES}, None),)

# One row per predefined baseline: (operating system, name, description, is the OS default, rules).
PREDEFINED_BASELINES = (
    ("WINDOWS", "AWS-DefaultPatchBaseline", "Default Patch Baseline Provided by AWS.", True,
     (_rule(_WINDOWS_OS_FILTERS),)),
    ("WINDOWS", "AWS-WindowsPredefinedPatchBaseline-OS",
     "Windows Predefined Patch Baseline for OS Provided by AWS.", False,
     (_rule({"PATCH_SET": ["OS"], **_WINDOWS_OS_FILTERS}),)),
    ("WINDOWS", "AWS-WindowsPredefinedPatchBaseline-OS-Applications",
     "Windows Predefined Patch Baseline for OS and Applications Provided by AWS.", False,
     (_rule({"PATCH_SET": ["OS"], **_WINDOWS_OS_FILTERS}),
      _rule({"PATCH_SET": ["APPLICATION"], "PRODUCT_FAMILY": ["*"], "PRODUCT": ["*"],
             "CLASSIFICATION": ["*"]}))),
    ("AMAZON_LINUX", "AWS-AmazonLinuxDefaultPatchBaseline",
     "Default Patch Baseline for Amazon Linux Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("AMAZON_LINUX_2", "AWS-AmazonLinux2DefaultPatchBaseline",
     "Baseline containing all Security and Bugfix updates approved for Amazon Linux 2 instances", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("AMAZON_LINUX_2022", "AWS-AmazonLinux2022DefaultPatchBaseline",
     "Default Patch Baseline for Amazon Linux 2022 Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("AMAZON_LINUX_2023", "AWS-AmazonLinux2023DefaultPatchBaseline",
     "Default Patch Baseline for Amazon Linux 2023 Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("UBUNTU", "AWS-UbuntuDefaultPatchBaseline", "Default Patch Baseline for Ubuntu Provided by AWS.", True,
     _DEBIAN_RULES),
    ("REDHAT_ENTERPRISE_LINUX", "AWS-RedHatDefaultPatchBaseline",
     "Default Patch Baseline for Redhat Enterprise Linux Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("SUSE", "AWS-SuseDefaultPatchBaseline", "Default Patch Baseline for Suse Provided by AWS.", True,
     (_rule({"PRODUCT": ["*"], "CLASSIFICATION": ["Security"], "SEVERITY": ["Critical", "Important"]}),)),
    ("CENTOS", "AWS-CentOSDefaultPatchBaseline", "Default Patch Baseline for CentOS Provided by AWS.", True,
     (_rule({"PRODUCT": ["*"], "CLASSIFICATION": ["*"], "SEVERITY": ["*"]}, enable_non_security=True),)),
    ("ORACLE_LINUX", "AWS-OracleLinuxDefaultPatchBaseline",
     "Default Patch Baseline for Oracle Linux Server Provided by AWS.", True,
     _security_and_bugfix(["Important", "Moderate"])),
    ("DEBIAN", "AWS-DebianDefaultPatchBaseline", "Default Patch Baseline for Debian Provided by AWS.", True,
     _DEBIAN_RULES),
    ("MACOS", "AWS-MacOSDefaultPatchBaseline", "Default Patch Baseline for MacOS Provided by AWS.", True,
     (_rule({"PRODUCT": ["*"], "CLASSIFICATION": ["Security"]}, 0),
      _rule({"PRODUCT": ["*"], "CLASSIFICATION": ["*"]}, 0))),
    ("RASPBIAN", "AWS-DefaultRaspbianPatchBaseline", "Default Patch Baseline for Raspbian Provided by AWS.",
     True, _DEBIAN_RULES),
    ("ROCKY_LINUX", "AWS-RockyLinuxDefaultPatchBaseline",
     "Default Patch Baseline for Rocky Linux Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
    ("ALMA_LINUX", "AWS-AlmaLinuxDefaultPatchBaseline",
     "Default Patch Baseline for Alma Linux Provided by AWS.", True,
     _security_and_bugfix(["Critical", "Important"])),
)


@functools.lru_cache(maxsize=1)
def ssm_model_shapes():
    """The shapes of botocore's SSM service model, loaded once per process."""
    return Loader().load_service_model("ssm", "service-2")["shapes"]


@functools.lru_cache(maxsize=1)
def operating_systems():
    return tuple(ssm_model_shapes()["OperatingSystem"]["enum"])


@functools.lru_cache(maxsize=1)
def _default_baseline_arns():
    try:
        return load_resource("ssm/resources/default_baselines.json")
    except FileNotFoundError:
        return {}


def _stable_hex(*parts, length):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _owner_account(region, known_arns):
    if known_arns:
        return next(iter(known_arns.values())).split(":")[4]
    # Regions moto has no data for (China, GovCloud, new ones) still need a fixed AWS account.
    return str(int(_stable_hex("account", region, length=12), 16) % 10**12).zfill(12)


def _patch_rule(rule):
    stored = {
        "PatchFilterGroup": {
            "PatchFilters": [{"Key": key, "Values": list(values)} for key, values in rule["filters"].items()]
        },
        "ComplianceLevel": COMPLIANCE_LEVEL,
        "EnableNonSecurity": rule["non_security"],
    }
    if rule["days"] is not None:
        stored["ApproveAfterDays"] = rule["days"]
    return stored


@functools.lru_cache(maxsize=None)
def predefined_baselines(region):
    """The AWS-owned baselines of a region, in the stored form (API member names), ids are ARNs.

    Shared by every account of the region: callers must treat them as read-only.
    """
    known_arns = _default_baseline_arns().get(region, {})
    partition = get_partition(region)
    account = _owner_account(region, known_arns)
    baselines = []
    for operating_system, name, description, is_default, rules in PREDEFINED_BASELINES:
        arn = known_arns.get(operating_system) if is_default else None
        if arn is None:
            arn = (f"arn:{partition}:ssm:{region}:{account}:patchbaseline/"
                   f"pb-0{_stable_hex(region, name, length=16)}")
        baselines.append({
            "BaselineId": arn,
            "Name": name,
            "OperatingSystem": operating_system,
            "GlobalFilters": {"PatchFilters": []},
            "ApprovalRules": {"PatchRules": [_patch_rule(rule) for rule in rules]},
            "ApprovedPatches": [],
            "ApprovedPatchesComplianceLevel": COMPLIANCE_LEVEL,
            "ApprovedPatchesEnableNonSecurity": False,
            "RejectedPatches": [],
            "RejectedPatchesAction": "ALLOW_AS_DEPENDENCY",
            "Description": description,
            "Sources": [],
            "CreatedDate": CREATED_DATE,
            "ModifiedDate": CREATED_DATE,
        })
    return tuple(baselines)


@functools.lru_cache(maxsize=None)
def predefined_defaults(region):
    """{operating system: ARN of the AWS default baseline} for a region."""
    by_name = {b["Name"]: b["BaselineId"] for b in predefined_baselines(region)}
    return {
        operating_system: by_name[name]
        for operating_system, name, _description, is_default, _rules in PREDEFINED_BASELINES
        if is_default
    }
