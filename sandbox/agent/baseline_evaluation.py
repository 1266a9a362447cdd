"""Which patches a baseline approves, as Patch Manager decides it (pure functions, no moto).

For one patch, in this order:

1. **Rejected patches** override everything: a patch matching an entry of `RejectedPatches` is
   EXPLICIT_REJECTED (what happens to it when installed depends on `RejectedPatchesAction`).
2. **Approved patches** (`ApprovedPatches`, in AWS's package-name formats, wildcards allowed on
   Linux) approve a patch at once, with `ApprovedPatchesComplianceLevel`. On Linux an update with no
   update notice (no advisory; Debian family: not from the -security pocket) only counts when
   `ApprovedPatchesEnableNonSecurity` is true.
3. **Approval rules**: the patch must pass the global filters and one rule's filters (each filter:
   one of its values, `*` = any; values of NAME-like keys may hold wildcards). Windows rules without
   a PATCH_SET filter cover OS patches only. On Linux, updates without a notice need the rule's
   `EnableNonSecurity`. The rule approves `ApproveAfterDays` days after the release date (UTC days),
   or when the release date is on or before `ApproveUntilDate`; until then the patch is
   PENDING_APPROVAL. Patches without a release date (Debian family) are approved at once.

The compliance level of an approved patch is the highest level among what approves it (the
approved list and every rule whose approval date has passed); a pending patch carries the level it
will get. Decisions depend on the baseline, the catalog, the node's products and the UTC day only,
so `decide` caches them: a scan of 10,000 nodes evaluates each baseline once a day.
"""

import datetime
import fnmatch
import hashlib
import json

from sandbox.agent.patch_catalog import WINDOWS, patch_matches_entry

APPROVED = "APPROVED"
EXPLICIT_APPROVED = "EXPLICIT_APPROVED"
PENDING_APPROVAL = "PENDING_APPROVAL"
EXPLICIT_REJECTED = "EXPLICIT_REJECTED"
NOT_APPROVED = "NOT_APPROVED"  # outside the baseline (not a DeploymentStatus the API returns)

# Lowest to highest: a node's compliance severity is the highest of its non-compliant patches.
COMPLIANCE_LEVELS = ("UNSPECIFIED", "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
LEVEL_RANK = {level: rank for rank, level in enumerate(COMPLIANCE_LEVELS)}

# Patch property each filter key reads (Linux PRODUCT is the node's, handled apart).
_PATCH_PROPERTY = {
    "CLASSIFICATION": "classification", "SEVERITY": "severity", "MSRC_SEVERITY": "msrc_severity",
    "PRIORITY": "priority", "SECTION": "section", "PRODUCT_FAMILY": "product_family", "PATCH_SET": "patch_set",
    "PATCH_ID": "kb_id", "NAME": "name", "ARCH": "arch", "REPOSITORY": "repository", "EPOCH": "epoch",
    "VERSION": "version", "RELEASE": "release",
}
_MULTI_PROPERTY = {"ADVISORY_ID": "advisory_ids", "CVE_ID": "cve_ids", "BUGZILLA_ID": "bugzilla_ids"}


def _value_matches(actual, values):
    if actual is None:
        actual = ""
    actual = str(actual)
    for value in values:
        if value == "*" or value == actual:
            return True
        if ("*" in value or "?" in value) and fnmatch.fnmatchcase(actual, value):
            return True
    return False


def filter_matches(patch, key, values, products, package_format):
    """One PatchFilter: does the patch have one of `values` for `key`?"""
    if key == "PRODUCT":
        if package_format == WINDOWS:
            return _value_matches(patch.product, values)
        return any(_value_matches(product, values) for product in products)
    if key in _MULTI_PROPERTY:
        return any(_value_matches(item, values) for item in getattr(patch, _MULTI_PROPERTY[key]))
    if key == "SECURITY":
        wanted = {"SecurityUpdates" if patch.security else "NonSecurityUpdates", "*"}
        return bool(wanted & set(values))
    return _value_matches(getattr(patch, _PATCH_PROPERTY[key]), values)


def filters_match(patch, filters, products, package_format):
    """Every filter of a PatchFilterGroup matches (an empty group matches everything)."""
    return all(filter_matches(patch, f["Key"], f["Values"], products, package_format) for f in filters)


def rule_approval_date(patch, rule):
    """(matches_dates, approval day or None) of a rule for a patch whose filters matched.

    ApproveAfterDays: approved on release day + N (UTC). ApproveUntilDate: approved (on its release
    day) when released on or before that date, never otherwise. No release date: approved at once.
    """
    release_day = patch.release_day
    if release_day is None:
        return True, None
    if rule.get("ApproveUntilDate"):
        until = datetime.date.fromisoformat(rule["ApproveUntilDate"])
        return release_day <= until, release_day
    return True, release_day + datetime.timedelta(days=int(rule.get("ApproveAfterDays") or 0))


def _highest(levels):
    return max(levels, key=LEVEL_RANK.__getitem__) if levels else "UNSPECIFIED"


class Decision:
    """What a baseline says about one patch."""

    __slots__ = ("status", "level", "approval_date")

    def __init__(self, status, level="UNSPECIFIED", approval_date=None):
        self.status = status
        self.level = level
        self.approval_date = approval_date

    @property
    def approved(self):
        return self.status in (APPROVED, EXPLICIT_APPROVED)

    def __repr__(self):
        return f"Decision({self.status}, {self.level}, {self.approval_date})"

    def __eq__(self, other):
        return isinstance(other, Decision) and (self.status, self.level, self.approval_date) == (
            other.status, other.level, other.approval_date)


def decide_patch(patch, baseline, products, package_format, today):
    """The Decision of `baseline` (API member names) for one patch on a node answering to `products`."""
    for entry in baseline.get("RejectedPatches") or ():
        if patch_matches_entry(patch, entry, package_format):
            return Decision(EXPLICIT_REJECTED, _rule_levels_for_rejected(patch, baseline, products, package_format,
                                                                        today))
    linux = package_format != WINDOWS
    approved_levels, pending_levels, pending_dates = [], [], []
    explicit = any(patch_matches_entry(patch, entry, package_format) for entry in baseline.get("ApprovedPatches") or ())
    if explicit and linux and not patch.has_notice and not baseline.get("ApprovedPatchesEnableNonSecurity"):
        explicit = False
    if explicit:
        approved_levels.append(baseline.get("ApprovedPatchesComplianceLevel") or "UNSPECIFIED")
    global_filters = (baseline.get("GlobalFilters") or {}).get("PatchFilters") or []
    if filters_match(patch, global_filters, products, package_format):
        global_keys = {f["Key"] for f in global_filters}
        for rule in (baseline.get("ApprovalRules") or {}).get("PatchRules") or ():
            filters = (rule.get("PatchFilterGroup") or {}).get("PatchFilters") or []
            if package_format == WINDOWS and "PATCH_SET" not in global_keys | {f["Key"] for f in filters} \
                    and patch.patch_set != "OS":
                continue  # Windows rules cover OS patches unless they say otherwise
            if linux and not patch.has_notice and not rule.get("EnableNonSecurity"):
                continue
            if not filters_match(patch, filters, products, package_format):
                continue
            eligible, approval_day = rule_approval_date(patch, rule)
            if not eligible:
                continue
            level = rule.get("ComplianceLevel") or "UNSPECIFIED"
            if approval_day is None or approval_day <= today:
                approved_levels.append(level)
            else:
                pending_levels.append(level)
                pending_dates.append(approval_day)
    if explicit:
        return Decision(EXPLICIT_APPROVED, _highest(approved_levels), patch.release_day)
    if approved_levels:
        return Decision(APPROVED, _highest(approved_levels), _approval_day(patch, baseline, products,
                                                                           package_format))
    if pending_levels:
        return Decision(PENDING_APPROVAL, _highest(pending_levels), min(pending_dates))
    return Decision(NOT_APPROVED)


def _approval_day(patch, baseline, products, package_format):
    """Earliest day a rule approved the patch (for DescribeEffectivePatchesForPatchBaseline)."""
    days = []
    for rule in (baseline.get("ApprovalRules") or {}).get("PatchRules") or ():
        filters = (rule.get("PatchFilterGroup") or {}).get("PatchFilters") or []
        if filters_match(patch, filters, products, package_format):
            eligible, day = rule_approval_date(patch, rule)
            if eligible and day is not None:
                days.append(day)
    return min(days) if days else patch.release_day


def _rule_levels_for_rejected(patch, baseline, products, package_format, today):
    """A rejected patch still reports the level it would have had (for InstalledRejected severity)."""
    unrejected = dict(baseline, RejectedPatches=[])
    decision = decide_patch(patch, unrejected, products, package_format, today)
    return decision.level if decision.approved else "UNSPECIFIED"


class BaselineDecisions:
    """A baseline's decisions for every patch of a catalog (index-aligned), for one UTC day."""

    __slots__ = ("baseline_id", "catalog", "decisions", "classes", "block_rejected", "security_status")

    def __init__(self, baseline_id, catalog, decisions, block_rejected, security_status):
        self.baseline_id = baseline_id
        self.catalog = catalog
        self.decisions = decisions
        # One class byte per patch, what the agent's state table is indexed by.
        self.classes = bytes(_patch_class(patch, decision) for patch, decision in zip(catalog.patches, decisions))
        self.block_rejected = block_rejected
        self.security_status = security_status


# Patch classes: outside the baseline, approved, rejected, security update awaiting approval.
CLASS_OTHER, CLASS_APPROVED, CLASS_REJECTED, CLASS_UNAPPROVED_SECURITY = range(4)


def _patch_class(patch, decision):
    if decision.approved:
        return CLASS_APPROVED
    if decision.status == EXPLICIT_REJECTED:
        return CLASS_REJECTED
    return CLASS_UNAPPROVED_SECURITY if patch.security else CLASS_OTHER


def baseline_fingerprint(baseline):
    """What identifies a baseline's content: id and modification date, or a hash (overrides)."""
    if baseline.get("BaselineId") and baseline.get("ModifiedDate"):
        return f"{baseline['BaselineId']}@{baseline['ModifiedDate'].isoformat()}"
    return hashlib.sha256(json.dumps(baseline, sort_keys=True, default=str).encode()).hexdigest()


def evaluate_baseline(baseline, catalog, products, today):
    """BaselineDecisions of a baseline over a whole catalog (uncached)."""
    decisions = tuple(decide_patch(patch, baseline, products, catalog.package_format, today)
                      for patch in catalog.patches)
    return BaselineDecisions(
        baseline.get("BaselineId"), catalog, decisions,
        block_rejected=baseline.get("RejectedPatchesAction") == "BLOCK",
        security_status=baseline.get("AvailableSecurityUpdatesComplianceStatus") or "COMPLIANT",
    )


_cache = {}
_CACHE_LIMIT = 512


def decide(baseline, catalog, products, today):
    """Cached evaluate_baseline: keyed by baseline content, catalog, node products and day."""
    key = (baseline_fingerprint(baseline), catalog.key, tuple(products), today)
    decisions = _cache.get(key)
    if decisions is None:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        decisions = _cache[key] = evaluate_baseline(baseline, catalog, products, today)
    return decisions

