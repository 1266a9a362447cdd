"""Managed nodes: what SSM's DescribeInstanceInformation sees, and the Python API later features use.

Two kinds of node, as in AWS:

* **EC2 instances** (`ResourceType=EC2Instance`): every *running* instance in moto's EC2 backend of the
  same account and region that has an IAM instance profile is a managed node. Nodes are derived live
  on every call, so a stopped or terminated instance (or one whose profile is disassociated)
  disappears at once. Platform fields come from the instance's AMI (`classify_image`); the sandbox
  keeps per-instance overrides (ping status, agent version, operating system) in the SSM backend.
  Their tags are the EC2 tags (so EC2 CreateTags puts them in patch groups).
* **Hybrid nodes** (`ResourceType=ManagedInstance`, ids `mi-` + 17 hex), registered through the
  control API (`POST /_sandbox/nodes/register`) and removed by `DeregisterManagedInstance`. Their tags
  are SSM tags, kept where moto keeps them: `backend._resource_tags["ManagedInstance"][node_id]`.

`seed_nodes` creates N nodes of one Patch Manager operating system, of either kind. EC2-kind seeding
builds real moto EC2 instances (reservation, root volume, network interface, instance profile
association) but through a bulk path: moto's RunInstances looks every AMI up by a linear filter scan
and every instance up by a linear search, which makes 10,000 instances take minutes; the bulk path
uses dictionary lookups for those two calls only while it runs.

State lives on the SSM backend instance (`sandbox.ssm.store`: "hybrid_nodes", "ec2_node_state" and
caches), so `POST /moto-api/reset` clears it with everything else.

Python API: `get_managed_node(backend, node_id)`, `iter_managed_nodes(backend)`,
`register_hybrid_node(backend, ...)`, `seed_nodes(backend, ...)`, `update_managed_node(backend, node_id,
...)`, `deregister_hybrid_node(backend, node_id)`; `backend` is an SSM backend
(`ssm_backends[account][region]`).
"""

import datetime
import re
import secrets
import threading
import uuid

import botocore.session
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami
from moto.ec2.models.iam_instance_profile import IamInstanceProfileAssociation
from moto.ec2.models.instances import Instance, Reservation
from moto.ec2.utils import random_ami_id, random_iam_instance_profile_association_id, random_reservation_id
from moto.iam.models import iam_backends

from sandbox.agent import clock
from sandbox.moto_fixes import speedups, ssm_tagging
from sandbox.wire.errors import (
    InvalidFilterKey,
    InvalidInstanceId,
    InvalidInstanceInformationFilterValue,
    ValidationException,
)
from sandbox.wire.paging import page_bounds, paginate
from sandbox.ssm.store import backend_state, existing_state, replace_state

_SSM_MODEL = botocore.session.get_session().get_service_model("ssm")
OPERATING_SYSTEMS = tuple(_SSM_MODEL.shape_for("OperatingSystem").enum)
PING_STATUSES = tuple(_SSM_MODEL.shape_for("PingStatus").enum)
PLATFORM_TYPES = tuple(_SSM_MODEL.shape_for("PlatformType").enum)
RESOURCE_TYPES = ("EC2Instance", "ManagedInstance")

LATEST_AGENT_VERSION = "3.3.1142.0"
DEFAULT_IAM_ROLE = "SSMServiceRole"
SANDBOX_INSTANCE_PROFILE = "SandboxManagedInstanceProfile"
SANDBOX_INSTANCE_ROLE = "SandboxManagedInstanceRole"

HYBRID_ID = re.compile(r"^mi-[0-9a-f]{17}$")
ANY_NODE_ID = re.compile(r"^(i-(\w{8}|\w{17})|mi-\w{17})$")

# Operating system -> (PlatformType, PlatformName, PlatformVersion) as the agent reports them, plus
# the AMI name and description the sandbox registers when moto has no AMI for that system.
OS_PROFILES = {
    "WINDOWS": ("Windows", "Microsoft Windows Server 2022 Datacenter", "10.0.20348",
                "Windows_Server-2022-English-Full-Base-sandbox", "Microsoft Windows Server 2022 Full Locale English AMI"),
    "AMAZON_LINUX": ("Linux", "Amazon Linux AMI", "2018.03",
                     "amzn-ami-hvm-2018.03.0-x86_64-gp2-sandbox", "Amazon Linux AMI 2018.03.0 x86_64 HVM gp2"),
    "AMAZON_LINUX_2": ("Linux", "Amazon Linux", "2",
                       "amzn2-ami-hvm-2.0-x86_64-gp2-sandbox", "Amazon Linux 2 AMI 2.0 x86_64 HVM gp2"),
    "AMAZON_LINUX_2022": ("Linux", "Amazon Linux", "2022",
                          "al2022-ami-2022.0-x86_64-sandbox", "Amazon Linux 2022 AMI x86_64 HVM"),
    "AMAZON_LINUX_2023": ("Linux", "Amazon Linux", "2023",
                          "al2023-ami-2023.6-x86_64-sandbox", "Amazon Linux 2023 AMI x86_64 HVM"),
    "UBUNTU": ("Linux", "Ubuntu", "22.04",
               "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-sandbox", "Canonical, Ubuntu, 22.04 LTS, amd64"),
    "REDHAT_ENTERPRISE_LINUX": ("Linux", "Red Hat Enterprise Linux", "9.3",
                                "RHEL-9.3.0_HVM-x86_64-sandbox", "Provided by Red Hat, Inc."),
    "SUSE": ("Linux", "SLES", "15.5",
             "suse-sles-15-sp5-hvm-ssd-x86_64-sandbox", "SUSE Linux Enterprise Server 15 SP5 (HVM, 64-bit, SSD-Backed)"),
    "CENTOS": ("Linux", "CentOS Linux", "7.9.2009", "CentOS-7-x86_64-sandbox", "CentOS Linux 7 x86_64"),
    "ORACLE_LINUX": ("Linux", "Oracle Linux Server", "8.9", "OL8.9-x86_64-HVM-sandbox", "Oracle Linux 8 update 9"),
    "DEBIAN": ("Linux", "Debian GNU/Linux", "12", "debian-12-amd64-sandbox", "Debian 12 (bookworm) amd64"),
    "MACOS": ("MacOS", "macOS", "14.2", "amzn-ec2-macos-14.2-sandbox", "macOS Sonoma 14.2"),
    "RASPBIAN": ("Linux", "Raspbian GNU/Linux", "11", "raspbian-11-armhf-sandbox", "Raspbian GNU/Linux 11 (bullseye)"),
    "ROCKY_LINUX": ("Linux", "Rocky Linux", "9.3", "Rocky-9-EC2-Base-9.3-x86_64-sandbox", "Rocky Linux 9.3 x86_64"),
    "ALMA_LINUX": ("Linux", "AlmaLinux", "9.3", "AlmaLinux OS 9.3.20231113 x86_64-sandbox", "AlmaLinux OS 9.3 x86_64"),
}
# An instance is a managed node only when the sandbox knows its system from its AMI (name,
# description, platform; an image made by CreateImage has its instance's system). An AMI that names
# no system the sandbox knows gets no simulated SSM Agent, so its instances never report, as an
# instance without the agent does on AWS ("Setting up managed nodes": the agent must be installed
# and running). RunInstances with an AMI that does not exist fails as on AWS (sandbox.moto_fixes.ec2_lifecycle).

_WINDOWS_VERSIONS = {
    ("2022", ""): "10.0.20348", ("2019", ""): "10.0.17763", ("2016", ""): "10.0.14393",
    ("2012", " R2"): "6.3.9600", ("2012", ""): "6.2.9200", ("2008", " R2"): "6.1.7601",
    ("2008", ""): "6.0.6002", ("2003", " R2"): "5.2.3790", ("2003", ""): "5.2.3790",
}
_WINDOWS_RELEASE = re.compile(r"(?:Windows[_ ]Server[-_ ]|Windows Server )(20\d\d)([-_ ]R2)?", re.IGNORECASE)


def platform_for(operating_system):
    """(PlatformType, PlatformName, PlatformVersion) the agent reports on a node of this system."""
    profile = OS_PROFILES.get(operating_system)
    if profile is None:
        return "Linux", operating_system.replace("_", " ").title(), ""
    return profile[:3]


def _windows_platform(text):
    match = _WINDOWS_RELEASE.search(text)
    if match:
        year, r2 = match.group(1), " R2" if match.group(2) else ""
        version = _WINDOWS_VERSIONS.get((year, r2))
        if version:
            return "Windows", f"Microsoft Windows Server {year}{r2} Datacenter", version
    return platform_for("WINDOWS")


def classify_image(name, description, platform):
    """(OperatingSystem, PlatformType, PlatformName, PlatformVersion) of a node launched from an AMI,
    or None when nothing identifies the system."""
    name = name or ""
    text = f"{name} {description or ''}"
    lowered = text.lower()
    if (platform or "").lower() == "windows" or lowered.startswith("windows") or "microsoft windows" in lowered:
        return ("WINDOWS", *_windows_platform(name or text))
    if "macos" in lowered:
        return ("MACOS", *platform_for("MACOS"))
    amazon_linux = re.search(r"\bal(20\d\d)\b|\bal(20\d\d)-|amazon linux (20\d\d)", lowered)
    if amazon_linux:
        year = next(group for group in amazon_linux.groups() if group)
        system = f"AMAZON_LINUX_{year}"
        if system not in OPERATING_SYSTEMS:
            # A release newer than the API's enum: report it as the newest Amazon Linux the API knows.
            system = "AMAZON_LINUX_2023"
        return (system, "Linux", "Amazon Linux", year)
    if "amzn2" in lowered or "amazon linux 2" in lowered or "amazonlinux2" in lowered:
        return ("AMAZON_LINUX_2", *platform_for("AMAZON_LINUX_2"))
    if "amzn-ami" in lowered or "amazon linux" in lowered:
        version = re.search(r"(20\d\d\.\d\d)", text)
        return ("AMAZON_LINUX", "Linux", "Amazon Linux AMI", version.group(1) if version else "2018.03")
    if "ubuntu" in lowered:
        version = re.search(r"(\d\d\.\d\d)", text)
        return ("UBUNTU", "Linux", "Ubuntu", version.group(1) if version else platform_for("UBUNTU")[2])
    if "rhel" in lowered or "red hat" in lowered:
        version = re.search(r"RHEL-(\d+\.\d+)", name)
        return ("REDHAT_ENTERPRISE_LINUX", "Linux", "Red Hat Enterprise Linux",
                version.group(1) if version else platform_for("REDHAT_ENTERPRISE_LINUX")[2])
    if "sles" in lowered or "suse" in lowered:
        version = re.search(r"sles-(\d+)(?:-sp(\d+))?", lowered)
        release = f"{version.group(1)}.{version.group(2) or 0}" if version else platform_for("SUSE")[2]
        return ("SUSE", "Linux", "SLES", release)
    for system, markers in (
        ("CENTOS", ("centos",)),
        ("ORACLE_LINUX", ("oracle", "ol8", "ol9", "ol7")),
        ("DEBIAN", ("debian",)),
        ("RASPBIAN", ("raspbian",)),
        ("ROCKY_LINUX", ("rocky",)),
        ("ALMA_LINUX", ("almalinux",)),
    ):
        if any(marker in lowered for marker in markers):
            return (system, *platform_for(system))
    return None


def _now():
    return clock.utcnow()


class ManagedNode:
    """One managed node as SSM sees it. EC2-backed nodes are fresh views built on each call."""

    __slots__ = (
        "instance_id", "resource_type", "operating_system", "platform_type", "platform_name",
        "platform_version", "ping_status", "last_ping", "agent_version", "name", "ip_address",
        "computer_name", "iam_role", "activation_id", "registration_date", "association_status",
        "_tags",
    )

    def __init__(self, instance_id, resource_type, operating_system, platform_type, platform_name,
                 platform_version, ping_status, last_ping, agent_version, ip_address, computer_name, name=None,
                 iam_role=None, activation_id=None, registration_date=None, association_status=None, _tags=None):
        self.instance_id = instance_id
        self.resource_type = resource_type
        self.operating_system = operating_system
        self.platform_type = platform_type
        self.platform_name = platform_name
        self.platform_version = platform_version
        self.ping_status = ping_status
        self.last_ping = last_ping
        self.agent_version = agent_version
        self.ip_address = ip_address
        self.computer_name = computer_name
        self.name = name
        self.iam_role = iam_role
        self.activation_id = activation_id
        self.registration_date = registration_date
        self.association_status = association_status
        self._tags = {} if _tags is None else _tags

    @property
    def tags(self):
        """The node's tags: EC2 tags for EC2 instances, SSM tags for hybrid nodes (a copy)."""
        return dict(self._tags)

    @property
    def is_latest_version(self):
        return self.agent_version == LATEST_AGENT_VERSION

    def to_api(self, associations=None, now=None):
        """The InstanceInformation structure of DescribeInstanceInformation; `associations`: the
        backend's association store, whose results on this node give its association members; `now`:
        the clock's now for an Online node's LastPingDateTime (read here when not given)."""
        last_ping = (now or _now()) if self.ping_status == "Online" else self.last_ping
        item = {
            "InstanceId": self.instance_id,
            "PingStatus": self.ping_status,
            "LastPingDateTime": last_ping,
            "AgentVersion": self.agent_version,
            "IsLatestVersion": self.is_latest_version,
            "PlatformType": self.platform_type,
            "PlatformName": self.platform_name,
            "PlatformVersion": self.platform_version,
            "ResourceType": self.resource_type,
            "IPAddress": self.ip_address,
            "ComputerName": self.computer_name,
            "SourceId": self.instance_id,
        }
        if self.resource_type == "ManagedInstance":
            item.update(
                Name=self.name,
                ActivationId=self.activation_id,
                IamRole=self.iam_role,
                RegistrationDate=self.registration_date,
                SourceType="AWS::SSM::ManagedInstance",
            )
        else:
            item["SourceType"] = "AWS::EC2::Instance"
        if self.association_status:
            item["AssociationStatus"] = self.association_status
        item.update(_association_members(associations, self.instance_id))
        return {key: value for key, value in item.items() if value is not None}


def _association_members(associations, node_id):
    """LastAssociationExecutionDate, LastSuccessfulAssociationExecutionDate and AssociationOverview of
    a node from the latest result of every association that ran on it (describe-instance-information.rst
    Example 3: two associations that succeeded give {"DetailedStatus": "Success",
    "InstanceAssociationStatusAggregatedCount": {"Success": 2}}). The store is read, not imported
    (sandbox.ssm.associations builds on this module): each association's `node_results` maps a node
    id to (Status, DetailedStatus, epoch seconds, execution id)."""
    if associations is None:
        return {}
    results = [association.node_results[node_id] for association in list(associations.associations.values())
               if node_id in association.node_results]
    if not results:
        return {}
    counts = {}
    for status, *_rest in results:
        counts[status] = counts.get(status, 0) + 1
    succeeded = [when for status, _detailed, when, _execution in results if status == "Success"]
    members = {
        "LastAssociationExecutionDate": _utc(max(when for _status, _detailed, when, _execution in results)),
        "AssociationOverview": {"DetailedStatus": "Failed" if "Failed" in counts else "Success",
                                "InstanceAssociationStatusAggregatedCount": counts},
    }
    if succeeded:
        members["LastSuccessfulAssociationExecutionDate"] = _utc(max(succeeded))
    return members


def _utc(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


# ---------------------------------------------------------------------------------------------
# state kept on the SSM backend


def _hybrid_nodes(backend):
    return backend_state(backend, "hybrid_nodes", dict)


def _ec2_state(backend):
    return backend_state(backend, "ec2_node_state", dict)


def _image_cache(backend):
    return backend_state(backend, "image_platforms", dict)


def _ec2_backend(backend):
    return ec2_backends[backend.account_id][backend.region_name]


def _ssm_tags(backend, node_id):
    # .get, not [], on moto's defaultdicts: reading must not create entries.
    return backend._resource_tags.get("ManagedInstance", {}).get(node_id, {})


def _platform_of_image(ec2, image_id):
    """The system of an AMI, following CreateImage back to the instance it was made from; None for an
    AMI that does not exist (any more) or names no system the sandbox knows."""
    seen = set()
    while image_id and image_id not in seen:
        seen.add(image_id)
        ami = ec2.amis.get(image_id)
        if ami is None:
            return None
        platform = classify_image(ami.name, ami.description, ami.platform)
        if platform is not None:
            return platform
        source = getattr(ami, "instance", None)
        image_id = getattr(source, "image_id", None)
    return None


def _image_platform(backend, ec2, image_id):
    """Cached per image id once known: an instance keeps its system if its AMI is deregistered later."""
    cache = _image_cache(backend)
    platform = cache.get(image_id)
    if platform is None:
        platform = _platform_of_image(ec2, image_id)
        if platform is not None:
            cache[image_id] = platform
    return platform


def _windows_computer_name(instance_id):
    return "EC2AMAZ-" + instance_id[-7:].upper()


def _is_managed_instance(instance):
    return instance.state == "running" and bool(getattr(instance, "iam_instance_profile", None))


def _ec2_node(backend, ec2, instance, state):
    """The node an EC2 instance is, or None when its AMI gives the sandbox no agent to simulate."""
    overrides = state.get(instance.id, {})
    platform = _image_platform(backend, ec2, instance.image_id)
    if platform is None:
        return None
    system, platform_type, platform_name, platform_version = platform
    system = overrides.get("operating_system", system)
    if "operating_system" in overrides:
        platform_type, platform_name, platform_version = platform_for(system)
    if platform_type == "Windows":
        computer_name = _windows_computer_name(instance.id)
    else:
        computer_name = instance.private_dns_name
    return ManagedNode(
        instance_id=instance.id,
        resource_type="EC2Instance",
        operating_system=system,
        platform_type=platform_type,
        platform_name=platform_name,
        platform_version=platform_version,
        ping_status=overrides.get("ping_status", "Online"),
        last_ping=overrides.get("last_ping", instance.launch_time),
        agent_version=overrides.get("agent_version", LATEST_AGENT_VERSION),
        ip_address=instance.private_ip,
        computer_name=computer_name,
        association_status=overrides.get("association_status"),
        _tags=ec2.tags.get(instance.id, {}),
    )


def _node_cache(backend):
    """{instance id: (moto instance, node)}: an EC2 node's view only changes through its tags (read
    live) and update_managed_node (which drops the entry), so DescribeInstanceInformation over
    10,000 nodes need not rebuild 10,000 views on every page."""
    return backend_state(backend, "ec2_node_cache", dict)


def _cached_ec2_node(backend, ec2, instance, state, cache):
    entry = cache.get(instance.id)
    if entry is not None and entry[0] is instance:
        node = entry[1]
        node._tags = ec2.tags.get(instance.id, {})
        return node
    node = _ec2_node(backend, ec2, instance, state)
    if node is not None:
        cache[instance.id] = (instance, node)
    return node


def _hybrid_view(backend, node):
    node._tags = _ssm_tags(backend, node.instance_id)
    return node


def _iter_ec2_nodes(backend):
    ec2 = _ec2_backend(backend)
    state = _ec2_state(backend)
    cache = _node_cache(backend)
    for reservation in list(ec2.reservations.values()):
        for instance in list(reservation.instances):
            if _is_managed_instance(instance):
                node = _cached_ec2_node(backend, ec2, instance, state, cache)
                if node is not None:
                    yield node


def iter_managed_nodes(backend):
    """Every managed node of an SSM backend's account and region: EC2 instances, then hybrid nodes."""
    yield from _iter_ec2_nodes(backend)
    for node in list(_hybrid_nodes(backend).values()):
        yield _hybrid_view(backend, node)


def _find_instance(backend, ec2, instance_id):
    """moto has no index of instances by id; one kept here is rebuilt when an id is not in it."""
    index = existing_state(backend, "instance_index")
    if index is None or instance_id not in index:
        index = replace_state(backend, "instance_index", {
            instance.id: instance for reservation in list(ec2.reservations.values()) for instance in reservation.instances
        })
    return index.get(instance_id)


def get_managed_node(backend, node_id):
    """The managed node with this id (`i-...` or `mi-...`) in the backend's region, or None."""
    if not isinstance(node_id, str):
        return None
    if node_id.startswith("mi-"):
        node = _hybrid_nodes(backend).get(node_id)
        return None if node is None else _hybrid_view(backend, node)
    ec2 = _ec2_backend(backend)
    instance = _find_instance(backend, ec2, node_id)
    if instance is None or not _is_managed_instance(instance):
        return None
    return _cached_ec2_node(backend, ec2, instance, _ec2_state(backend), _node_cache(backend))


_UPDATABLE = ("ping_status", "agent_version", "operating_system", "association_status", "last_ping")


def update_managed_node(backend, node_id, **fields):
    """Change what the agent reports for a node (ping status, agent version, operating system...)."""
    unknown = set(fields) - set(_UPDATABLE)
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    if "ping_status" in fields and fields["ping_status"] not in PING_STATUSES:
        raise ValueError(f"ping_status must be one of {PING_STATUSES}")
    if "operating_system" in fields and fields["operating_system"] not in OPERATING_SYSTEMS:
        raise ValueError(f"operating_system must be one of {OPERATING_SYSTEMS}")
    node = get_managed_node(backend, node_id)
    if node is None:
        raise KeyError(node_id)
    if fields.get("ping_status") not in (None, "Online") and "last_ping" not in fields:
        fields["last_ping"] = _now()
    if node.resource_type == "ManagedInstance":
        stored = _hybrid_nodes(backend)[node_id]
        for name, value in fields.items():
            setattr(stored, name, value)
        if "operating_system" in fields:
            stored.platform_type, stored.platform_name, stored.platform_version = platform_for(
                fields["operating_system"]
            )
    else:
        _ec2_state(backend).setdefault(node_id, {}).update(fields)
        _node_cache(backend).pop(node_id, None)
    return get_managed_node(backend, node_id)


def new_hybrid_id():
    return "mi-" + secrets.token_hex(9)[:17]


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def register_hybrid_node(backend, operating_system="AMAZON_LINUX_2", *, name=None, tags=None,
                         ping_status="Online", ip_address=None, computer_name=None, iam_role=DEFAULT_IAM_ROLE,
                         agent_version=LATEST_AGENT_VERSION, instance_id=None, platform_name=None,
                         platform_version=None, _now_value=None):
    """Register an on-premises (hybrid) node, as activation + agent registration would."""
    _check_choice("operating_system", operating_system, OPERATING_SYSTEMS)
    _check_choice("ping_status", ping_status, PING_STATUSES)
    nodes = _hybrid_nodes(backend)
    if instance_id is None:
        instance_id = new_hybrid_id()
        while instance_id in nodes:
            instance_id = new_hybrid_id()
    elif not HYBRID_ID.match(instance_id):
        raise ValueError("instance_id must be mi- followed by 17 hexadecimal digits")
    elif instance_id in nodes:
        raise ValueError(f"{instance_id} is already registered")
    platform_type, default_name, default_version = platform_for(operating_system)
    now = _now_value or _now()
    suffix = instance_id[3:]
    if ip_address is None:
        number = int(suffix[-6:], 16)
        ip_address = f"192.168.{(number >> 8) % 256}.{number % 254 + 1}"
    if computer_name is None:
        computer_name = (name or f"onprem-{suffix[-8:]}") + (".localdomain" if platform_type != "Windows" else "")
    node = ManagedNode(
        instance_id=instance_id,
        resource_type="ManagedInstance",
        operating_system=operating_system,
        platform_type=platform_type,
        platform_name=platform_name or default_name,
        platform_version=platform_version or default_version,
        ping_status=ping_status,
        last_ping=now,
        agent_version=agent_version,
        name=name,
        ip_address=ip_address,
        computer_name=computer_name,
        iam_role=iam_role,
        activation_id=str(uuid.uuid4()),
        registration_date=now,
    )
    nodes[instance_id] = node
    if tags:
        backend._resource_tags["ManagedInstance"][instance_id].update(tags)
    return _hybrid_view(backend, node)


def deregister_hybrid_node(backend, node_id):
    """Remove a hybrid node and its SSM tags; False if there was none."""
    node = _hybrid_nodes(backend).pop(node_id, None)
    backend._resource_tags.get("ManagedInstance", {}).pop(node_id, None)
    return node is not None


# ---------------------------------------------------------------------------------------------
# seeding


_seed_lock = threading.Lock()


def _ami_for(ec2, operating_system):
    """An AMI id of this operating system: moto's own if it has one, else one registered for it."""
    for ami in list(ec2.amis.values()):
        # Judged on the name alone, so a deep-learning or EKS image is not taken for the plain OS.
        name = (ami.name or "").lower()
        if ami.architecture != "x86_64" or "learning" in name or "eks" in name:
            continue
        platform = classify_image(ami.name, "", ami.platform)
        if platform is not None and platform[0] == operating_system:
            return ami.id
    profile = OS_PROFILES[operating_system]
    ami = Ami(
        ec2,
        ami_id=random_ami_id(),
        name=profile[3],
        description=profile[4],
        owner_alias="amazon",
        public=True,
        platform="windows" if operating_system == "WINDOWS" else None,
        architecture="x86_64",
        virtualization_type="hvm",
        hypervisor="xen",
        root_device_type="ebs",
        root_device_name="/dev/xvda",
    )
    ec2.amis[ami.id] = ami
    return ami.id


def _instance_profile(account_id, name):
    iam = iam_backends[account_id]["aws"]
    if name is not None:
        return iam.get_instance_profile(name)
    profile = iam.instance_profiles.get(SANDBOX_INSTANCE_PROFILE)
    if profile is None:
        trust = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
            '"Action":"sts:AssumeRole"}]}'
        )
        if not any(role.name == SANDBOX_INSTANCE_ROLE for role in iam.get_roles()):
            iam.create_role(SANDBOX_INSTANCE_ROLE, trust, "/", None, "sandbox managed nodes", [], None)
            try:
                iam.attach_role_policy("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", SANDBOX_INSTANCE_ROLE)
            except Exception:  # pylint: disable=broad-except
                # Managed policies are only there with MOTO_IAM_LOAD_MANAGED_POLICIES; the profile is
                # what makes an instance a managed node, the policy is decoration.
                pass
        profile = iam.create_instance_profile(SANDBOX_INSTANCE_PROFILE, "/", [SANDBOX_INSTANCE_ROLE])
    return profile


def _seed_ec2(backend, count, operating_system, tags, name_prefix, ping_status, instance_type, instance_profile):
    ec2 = _ec2_backend(backend)
    profile = _instance_profile(backend.account_id, instance_profile)
    image_id = _ami_for(ec2, operating_system)
    state = _ec2_state(backend)
    created = {}
    ids = []
    with _seed_lock, speedups.bulk_instance_lookups(ec2, created):
        for index in range(count):
            # One reservation per instance, as if each was launched on its own: moto pages
            # DescribeInstances by reservation, and one reservation of 10,000 instances would make
            # every page serialize all of them.
            reservation = Reservation(random_reservation_id(), owner_id=ec2.account_id)
            ec2.reservations[reservation.id] = reservation
            instance = Instance(
                ec2, image_id, None, [], instance_type=instance_type, region_name=backend.region_name,
                ami_launch_index=index,
            )
            created[instance.id] = instance
            reservation.instances.append(instance)
            instance.setup_defaults()
            instance_tags = dict(tags or {})
            if name_prefix:
                instance_tags.setdefault("Name", f"{name_prefix}{index + 1:05d}")
            if instance_tags:
                ec2.create_tags([instance.id], instance_tags)
            association = IamInstanceProfileAssociation(
                ec2, random_iam_instance_profile_association_id(), instance, profile
            )
            ec2.iam_instance_profile_associations[instance.id] = association
            if ping_status != "Online":
                state[instance.id] = {"ping_status": ping_status, "last_ping": _now()}
            ids.append(instance.id)
    return ids


def seed_nodes(backend, count, operating_system="AMAZON_LINUX_2", *, kind="ec2", tags=None, name_prefix=None,
               ping_status="Online", instance_type="t3.micro", instance_profile=None):
    """Create `count` managed nodes of one operating system; returns their ids in creation order.

    kind "ec2": running EC2 instances with an instance profile (tags are EC2 tags, a `Name` tag
    `<prefix>00001`... when name_prefix is given). kind "hybrid": `mi-` nodes (tags are SSM tags,
    name_prefix gives their Name).
    """
    _check_choice("operating_system", operating_system, OPERATING_SYSTEMS)
    _check_choice("ping_status", ping_status, PING_STATUSES)
    _check_choice("kind", kind, ("ec2", "hybrid"))
    if not isinstance(count, int) or count < 0:
        raise ValueError("count must be a non-negative integer")
    if kind == "ec2":
        return _seed_ec2(backend, count, operating_system, tags, name_prefix, ping_status, instance_type,
                         instance_profile)
    now = _now()
    return [
        register_hybrid_node(
            backend, operating_system, tags=tags, ping_status=ping_status, _now_value=now,
            name=f"{name_prefix}{index + 1:05d}" if name_prefix else None,
        ).instance_id
        for index in range(count)
    ]


# ---------------------------------------------------------------------------------------------
# DescribeInstanceInformation filters (pure functions)

_STRING_FILTER_FIELDS = {
    "InstanceIds": "instance_id",
    "AgentVersion": "agent_version",
    "PingStatus": "ping_status",
    "PlatformTypes": "platform_type",
    "PlatformType": "platform_type",
    "ActivationIds": "activation_id",
    "IamRole": "iam_role",
    "ResourceType": "resource_type",
    "AssociationStatus": "association_status",
    "SourceIds": "instance_id",
    "SourceTypes": "source_type",
}
_ENUM_VALUES = {
    "PingStatus": PING_STATUSES,
    "PlatformTypes": PLATFORM_TYPES,
    "PlatformType": PLATFORM_TYPES,
    "ResourceType": RESOURCE_TYPES,
    "SourceTypes": ("AWS::EC2::Instance", "AWS::SSM::ManagedInstance", "AWS::IoT::Thing"),
    "AssociationStatus": ("Success", "Pending", "Failed"),
}


def _source_type(node):
    return "AWS::SSM::ManagedInstance" if node.resource_type == "ManagedInstance" else "AWS::EC2::Instance"


def _field_predicate(key, values):
    # The model checks a filter's key (an enum in the legacy list) and the count of its values, but
    # a value is any non-empty string; which values a key takes is in the API reference,
    # InstanceInformationStringFilter.Key, with the errors InvalidInstanceInformationFilterValue and
    # InvalidInstanceId (DescribeInstanceInformation, Errors).
    if key in _ENUM_VALUES:
        allowed = _ENUM_VALUES[key]
        if any(value not in allowed for value in values):
            raise InvalidInstanceInformationFilterValue(
                f"{key} filter is invalid, valid values are {', '.join(allowed)}"
            )
    if key == "ResourceType" and len(values) > 1:
        raise InvalidInstanceInformationFilterValue("ResourceType filter may contain only one value.")
    if key in ("InstanceIds", "SourceIds"):
        malformed = [value for value in values if not ANY_NODE_ID.match(value)]
        if malformed:
            raise InvalidInstanceId(f"Invalid instance id(s): {', '.join(malformed)}")
    wanted = frozenset(values)
    if key == "SourceTypes":
        return lambda node: _source_type(node) in wanted
    attribute = _STRING_FILTER_FIELDS[key]
    return lambda node: getattr(node, attribute) in wanted


def compile_filters(filters, legacy_filters):
    """Predicates for DescribeInstanceInformation's Filters or InstanceInformationFilterList."""
    # A rule across members: API reference, DescribeInstanceInformation.InstanceInformationFilterList:
    # "Attempting to use InstanceInformationFilterList and Filters leads to an exception error."
    if filters and legacy_filters:
        raise ValidationException(
            "You can specify either InstanceInformationFilterList or Filters, but not both."
        )
    predicates = []
    for item in legacy_filters or []:
        predicates.append(_field_predicate(item["key"], item["valueSet"]))
    for item in filters or []:
        key, values = item["Key"], item["Values"]
        if key.startswith("tag:") and len(key) > 4:
            tag_key, wanted = key[4:], frozenset(values)
            predicates.append(lambda node, k=tag_key, w=wanted: node._tags.get(k) in w)
        elif key == "tag-key":
            keys = frozenset(values)
            predicates.append(lambda node, k=keys: not k.isdisjoint(node._tags))
        elif key in _STRING_FILTER_FIELDS:
            predicates.append(_field_predicate(key, values))
        else:
            # The model's string-filter key is any non-empty string (API reference, Errors: InvalidFilterKey).
            raise InvalidFilterKey(f"The filter key {key} is not valid.")
    return predicates


def select_nodes(nodes, predicates):
    return [node for node in nodes if all(predicate(node) for predicate in predicates)]


# ---------------------------------------------------------------------------------------------
# SSM actions


def describe_instance_information(backend, params):
    filters = params.get("Filters")
    legacy = params.get("InstanceInformationFilterList")
    predicates = compile_filters(filters, legacy)
    limits = {"default": 50, "minimum": 5, "maximum": 50, "context": {"filters": filters, "legacy": legacy}}
    if predicates:
        page, token = paginate(select_nodes(iter_managed_nodes(backend), predicates), params.get("MaxResults"),
                               params.get("NextToken"), **limits)
    else:
        page, token = _unfiltered_page(backend, params.get("MaxResults"), params.get("NextToken"), limits)
    associations = existing_state(backend, "associations")
    # One now for the call: its Online nodes pinged "now", the instant the page is answered.
    now = _now()
    result = {"InstanceInformationList": [node.to_api(associations, now) for node in page]}
    if token:
        result["NextToken"] = token
    return result


def _unfiltered_page(backend, max_results, next_token, limits):
    """A page of every node, in iter_managed_nodes' order, without a view of the hybrid nodes before
    the page: EC2 nodes are derived live (an instance's state or profile may have changed), hybrid
    nodes are a dict in registration order, whose page is taken by position."""
    ec2_nodes = list(_iter_ec2_nodes(backend))
    # One C-level copy of the dict's values (atomic under the GIL, as list() of it was), not a view
    # per node: the views are made for the page only.
    hybrid_list = list(_hybrid_nodes(backend).values())
    start, end, token = page_bounds(len(ec2_nodes) + len(hybrid_list), max_results, next_token, **limits)
    page = ec2_nodes[start:end]
    if end > len(ec2_nodes):
        page += [_hybrid_view(backend, node)
                 for node in hybrid_list[max(start - len(ec2_nodes), 0):end - len(ec2_nodes)]]
    return page, token


def deregister_managed_instance(backend, params):
    instance_id = params.get("InstanceId")
    if not deregister_hybrid_node(backend, instance_id):
        raise InvalidInstanceId(f"Instance Id {instance_id} is not valid.")
    return {}


ssm_tagging.register_taggable(
    "ManagedInstance", lambda backend, node_id: get_managed_node(backend, node_id) is not None,
    "Managed node {resource_id} doesn't exist.")
