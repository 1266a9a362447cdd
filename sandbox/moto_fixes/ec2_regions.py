"""EC2 DescribeRegions as the EC2 API reference documents it; moto 5.2.5 differs (moto/ec2/models/availability_zones_and_regions.py).

The API reference: DescribeRegions "Describes the Regions that are enabled for your account, or all Regions";
AllRegions "Indicates whether to display all Regions, including Regions that are disabled for your account";
RegionNames; Filters `endpoint`, `opt-in-status` (`opt-in-not-required` | `opted-in` | `not-opted-in`) and
`region-name`. moto answers every Region of every partition (GovCloud and China beside the commercial ones) in
every call, marks the opt-in Regions `not-opted-in` yet lists them, and ignores AllRegions and Filters. Here:
the Regions of the request's partition; without AllRegions only those enabled for the account (the Regions that
need no opt-in, and those the account opted in to); the filters applied.

An account opts in to a Region through the control API (sandbox/wire/accounts.py: seeding nodes in an opt-in
Region opts the account in, as nodes there mean the Region is enabled; `opt_in(account_id, regions)`); AWS does it
with the Account Management API's EnableRegion, which moto does not have. The opted-in set lives on the account's
IAM backend, so a moto reset clears it.
"""

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.availability_zones_and_regions import Region
from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from sandbox.ssm.store import backend_state

_FILTERS = {"endpoint": "endpoint", "opt-in-status": "opt_in_status", "region-name": "name"}


def _opted_in(account_id):
    return backend_state(iam_backends[account_id]["aws"], "sandbox_opted_in_regions", set)


def opt_in(account_id, regions):
    """Enable opt-in `regions` for `account_id` (Regions that need no opt-in are enabled already)."""
    _opted_in(account_id).update(regions)


def account_regions(backend, account_id, partition):
    """Every Region of `partition` as `account_id` sees it: (name, endpoint, opt-in status)."""
    opted_in = _opted_in(account_id)
    answered = []
    for region in backend.regions:
        if get_partition(region.name) != partition:
            continue
        status = region.opt_in_status
        if status == "not-opted-in" and region.name in opted_in:
            status = "opted-in"
        answered.append(Region(region.name, region.endpoint, status))
    return answered


def _describe_regions(self):
    self.error_on_dryrun()
    regions = account_regions(self.ec2_backend, self.current_account, get_partition(self.region))
    if str(self._get_param("AllRegions", False)).lower() != "true":
        regions = [region for region in regions if region.opt_in_status != "not-opted-in"]
    names = self._get_param("RegionNames", [])
    if names:
        regions = [region for region in regions if region.name in names]
    for name, values in self._filters_from_querystring().items():
        attribute = _FILTERS.get(name)
        if attribute is None:
            # The message moto's own EC2 filter parsing gives an invalid filter.
            raise EC2ClientError("InvalidParameterValue", f"The filter '{name}' is invalid.")
        regions = [region for region in regions if getattr(region, attribute) in values]
    return ActionResult({"Regions": regions})


def install():
    AvailabilityZonesAndRegions.describe_regions = _describe_regions
