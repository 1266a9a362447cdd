# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patch Tuesday rings: the pure logic of the patch_schedule role (the console's Configure patching).

The role hands its variables over as one dict, keyed by their full names (``patch_schedule_rings``,
``patch_schedule_max_errors``...); ``schedule_errors`` returns every problem, each naming the
variable or its path (``patch_schedule_rings[1].patch_groups``), and ``ring_windows`` /
``scan_associations`` turn the rings into the arguments of ssm_maintenance_window and
ssm_patch_association. Nothing here calls AWS: the filters in plugins/filter/patch_schedule.py run
it on the controller before the role's first AWS call.
"""

import re

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9: the module checks the time zone instead
    ZoneInfo = None

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.common.validation import check_type_int
from ansible.module_utils.common.validation import check_type_list
from ansible.module_utils.common.validation import check_type_str

from ansible_collections.cloudpatch.ssm.plugins.module_utils._patch_association.schedule import schedule_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils.patch_run import validate_run
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import full_match

PREFIX = "patch_schedule_"
# Patch Tuesday is the second Tuesday of the month. ScheduleOffset only takes 1-6 days
# (CreateMaintenanceWindow: MaintenanceWindowOffset), but the n-th Tuesday is always 7 days after the
# (n-1)-th, so an offset of a week or more moves to the next Tuesday of the month (TUE#3, TUE#4,
# which every month has) and keeps the rest as ScheduleOffset. The API reference's own example:
# "cron(30 23 ? * TUE#3 *)" with a ScheduleOffset of 2 runs two days after the third Tuesday.
PATCH_TUESDAY = 2
LAST_TUESDAY_EVERY_MONTH_HAS = 4
MAX_OFFSET = (LAST_TUESDAY_EVERY_MONTH_HAS - PATCH_TUESDAY) * 7 + 6
TIME = re.compile(r"\A([01][0-9]|2[0-3]):([0-5][0-9])\Z")
# MaintenanceWindowName and AssociationName: ^[a-zA-Z0-9_\-.]{3,128}$ (the SSM service model).
RESOURCE_NAME = re.compile(r"\A[a-zA-Z0-9_.-]{3,128}\Z")
NAME_PART = re.compile(r"\A[a-zA-Z0-9_.-]+\Z")
MAX_DESCRIPTION = 128
MIN_DURATION, MAX_DURATION = 1, 24
MIN_CUTOFF, MAX_CUTOFF = 0, 23
SCAN_MODES = ("none", "all", "per_ring")
TARGET_NAME = "patch-groups"
TASK_NAME = "run-patch-baseline"

# The patching options every ring shares, as the role and the modules name them; a ring may
# override those in RING_OVERRIDES.
SHARED_OPTIONS = (
    "operation", "reboot_option", "max_concurrency", "max_errors", "pre_install_hook", "post_install_hook",
    "on_exit_hook", "install_override_list", "baseline_override", "output_s3_bucket", "output_s3_prefix",
    "cloudwatch_log_group", "timeout_seconds", "comment",
)
RING_OVERRIDES = ("time", "duration", "cutoff", "timezone", "operation", "reboot_option", "max_concurrency", "max_errors")
RING_STRINGS = ("name", "time", "timezone", "operation", "reboot_option", "max_concurrency", "max_errors", "description")
# The role's string variables a blank value would silently drop.
STRING_VARIABLES = (
    "name_prefix", "time", "timezone", "max_concurrency", "max_errors", "pre_install_hook", "post_install_hook",
    "on_exit_hook", "install_override_list", "baseline_override", "output_s3_bucket", "output_s3_prefix",
    "cloudwatch_log_group", "comment", "service_role_arn", "scan_schedule",
)
SNS_TOPIC_ARN = re.compile(r"\Aarn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?\Z")
IAM_ROLE_ARN = re.compile(r"\Aarn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}\Z")


INT_VARIABLES = ("duration", "cutoff", "timeout_seconds", "next_runs")
RING_INTS = ("schedule_offset", "duration", "cutoff")


def normalised(config):
    """The variables as their argument spec types them: the spec checks a role's variables but hands them
    on as given, so `-e` or a template can pass "3" for 3, "false" for false or "App" for [App]."""
    values = dict(config)
    for option in STRING_VARIABLES:
        if values.get(PREFIX + option) is not None:
            values[PREFIX + option] = check_type_str(values[PREFIX + option])
    for option in INT_VARIABLES:
        if values.get(PREFIX + option) is not None:
            values[PREFIX + option] = check_type_int(values[PREFIX + option])
    rings = values.get(PREFIX + "rings")
    if rings is not None:
        values[PREFIX + "rings"] = [_normalised_ring(ring) for ring in check_type_list(rings)]
    notification = values.get(PREFIX + "notification")
    if notification is not None:
        notification = values[PREFIX + "notification"] = dict(check_type_dict(notification))
    if notification is not None and notification.get("events") is not None:
        values[PREFIX + "notification"] = dict(notification, events=check_type_list(notification["events"]))
    return values


def _normalised_ring(ring):
    ring = dict(check_type_dict(ring))
    for option in RING_STRINGS:
        if ring.get(option) is not None:
            ring[option] = check_type_str(ring[option])
    for option in RING_INTS:
        if ring.get(option) is not None:
            ring[option] = check_type_int(ring[option])
    if ring.get("enabled") is not None:
        ring["enabled"] = check_type_bool(ring["enabled"])
    if ring.get("patch_groups") is not None:
        ring["patch_groups"] = [check_type_str(group) if group is not None else group for group in check_type_list(ring["patch_groups"])]
    return ring


def _var(config, option):
    return config.get(PREFIX + option)


def _blank(value):
    return isinstance(value, str) and not value.strip()


def patch_tuesday_schedule(offset_days, time):
    """(cron expression, ScheduleOffset or None) of a window `offset_days` after Patch Tuesday at HH:MM."""
    hour, minute = (int(part) for part in full_match_groups(TIME, time))
    weeks, days = divmod(offset_days, 7)
    return f"cron({minute} {hour} ? * TUE#{PATCH_TUESDAY + weeks} *)", days or None


def full_match_groups(pattern, value):
    match = pattern.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} does not match {pattern.pattern}")
    return match.groups()


def describe_offset(offset_days):
    if offset_days == 0:
        return "Patch Tuesday"
    return f"Patch Tuesday + {offset_days} day{'s' if offset_days > 1 else ''}"


def _rename(message, names):
    """The module's option names in `message` replaced by the role's variables (or ring paths)."""
    pattern = re.compile(r"(?<![\w.\[])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)")
    return pattern.sub(lambda match: names[match.group(1)], message)


def _ring_label(index):
    return f"{PREFIX}rings[{index}]"


def ring_value(config, ring, option):
    """A ring's own value of `option`, or the role's."""
    if ring.get(option) is not None:
        return ring[option]
    return _var(config, option)


def _timezone_error(path, value):
    if value is None or _blank(value) or ZoneInfo is None:
        return None
    try:
        ZoneInfo(value)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError; a path is a ValueError
        return f"{path} must be an IANA time zone such as Europe/Berlin or America/Chicago, got {value!r}"
    return None


def _scalar_errors(config):
    errors = []
    for option in STRING_VARIABLES:
        if _blank(_var(config, option)):
            errors.append(f"{PREFIX}{option} is blank (leave a variable out, null, to not use it)")
    prefix = _var(config, "name_prefix")
    if isinstance(prefix, str) and not _blank(prefix) and not full_match(NAME_PART, prefix):
        errors.append(f"{PREFIX}name_prefix must be letters, digits, '_', '-' and '.' (window and association names), got {prefix!r}")
    time = _var(config, "time")
    if isinstance(time, str) and not _blank(time) and not full_match(TIME, time):
        errors.append(f"{PREFIX}time must be HH:MM (00:00 to 23:59), got {time!r}")
    error = _timezone_error(f"{PREFIX}timezone", _var(config, "timezone"))
    if error:
        errors.append(error)
    errors += _window_length_errors(PREFIX, _var(config, "duration"), _var(config, "cutoff"))
    scan = _var(config, "scan_association")
    schedule = _var(config, "scan_schedule")
    if scan in ("all", "per_ring") and schedule is None:
        errors.append(f"{PREFIX}scan_association {scan} needs {PREFIX}scan_schedule (such as rate(1 day))")
    # The association's own rules (User Guide, "Reference: Cron and rate expressions"), before any call.
    error = schedule_error(f"{PREFIX}scan_schedule", schedule) if isinstance(schedule, str) and not _blank(schedule) else None
    if error:
        errors.append(error)
    if _var(config, "output_s3_bucket") is None and _var(config, "output_s3_prefix") is not None:
        errors.append(f"{PREFIX}output_s3_prefix needs {PREFIX}output_s3_bucket")
    errors += _notification_errors(config)
    next_runs = _var(config, "next_runs")
    if next_runs is not None and next_runs < 1:
        errors.append(f"{PREFIX}next_runs must be at least 1, got {next_runs} (set {PREFIX}show: false to show nothing)")
    return errors


def _window_length_errors(path, duration, cutoff):
    errors = []
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        errors.append(f"{path}duration must be {MIN_DURATION}-{MAX_DURATION} hours, got {duration}")
    if cutoff is not None and not MIN_CUTOFF <= cutoff <= MAX_CUTOFF:
        errors.append(f"{path}cutoff must be {MIN_CUTOFF}-{MAX_CUTOFF} hours, got {cutoff}")
    return errors


def _notification_errors(config):
    errors = []
    role = _var(config, "service_role_arn")
    if isinstance(role, str) and not _blank(role) and not full_match(IAM_ROLE_ARN, role):
        errors.append(f"{PREFIX}service_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
    notification = _var(config, "notification")
    if notification is None:
        return errors
    path = PREFIX + "notification"
    if not full_match(SNS_TOPIC_ARN, notification.get("topic_arn")):
        errors.append(f"{path}.topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got {notification.get('topic_arn')!r}")
    if notification.get("events") is not None and len(notification["events"]) == 0:
        errors.append(f"{path}.events is empty: leave it out for All, or name the events")
    # SSM publishes with a role (MaintenanceWindowRunCommandParameters.ServiceRoleArn: "the IAM service role
    # ... to publish Amazon SNS notifications for maintenance window Run Command tasks").
    role_arn = notification.get("role_arn")
    if role_arn is None and _var(config, "service_role_arn") is None:
        errors.append(f"{path} needs {path}.role_arn or {PREFIX}service_role_arn: SSM publishes to SNS with that role")
    if role_arn is not None and not full_match(IAM_ROLE_ARN, role_arn):
        errors.append(f"{path}.role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role_arn!r}")
    return errors


def _ring_errors(config, index, ring):
    path = _ring_label(index)
    errors = []
    for option in RING_STRINGS:
        if _blank(ring.get(option)):
            errors.append(f"{path}.{option} is blank (leave it out to use {PREFIX}{option})"
                          if option in RING_OVERRIDES else f"{path}.{option} is blank")
    name = ring.get("name")
    if isinstance(name, str) and not _blank(name):
        if not full_match(NAME_PART, name):
            errors.append(f"{path}.name must be letters, digits, '_', '-' and '.' (it names the ring's window), got {name!r}")
        elif isinstance(_var(config, "name_prefix"), str) and full_match(NAME_PART, _var(config, "name_prefix")):
            window = window_name(config, ring)
            if not full_match(RESOURCE_NAME, scan_name(config, ring)):
                errors.append(f"{path}.name makes the names {window!r} and {scan_name(config, ring)!r}, "
                              "longer than the 128 characters a window or association name may have")
    groups = ring.get("patch_groups")
    if groups is not None and len(groups) == 0:
        errors.append(f"{path}.patch_groups is empty: name the patch groups this ring patches")
    offset = ring.get("schedule_offset")
    if offset is not None and not 0 <= offset <= MAX_OFFSET:
        errors.append(f"{path}.schedule_offset must be 0-{MAX_OFFSET} days after Patch Tuesday (the fourth Tuesday + 6 days at most), got {offset}")
    time = ring.get("time")
    if isinstance(time, str) and not _blank(time) and not full_match(TIME, time):
        errors.append(f"{path}.time must be HH:MM (00:00 to 23:59), got {time!r}")
    error = _timezone_error(f"{path}.timezone", ring.get("timezone"))
    if error:
        errors.append(error)
    errors += _window_length_errors(path + ".", ring.get("duration"), ring.get("cutoff"))
    duration, cutoff = ring_value(config, ring, "duration"), ring_value(config, ring, "cutoff")
    if duration is not None and cutoff is not None and cutoff >= duration and MIN_DURATION <= duration <= MAX_DURATION:
        source = [f"{path}.{option}" if ring.get(option) is not None else f"{PREFIX}{option}" for option in ("cutoff", "duration")]
        errors.append(f"{source[0]} ({cutoff}) must be less than {source[1]} ({duration}): "
                      "no task would start in the window")
    description = ring.get("description")
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION:
        errors.append(f"{path}.description must be at most {MAX_DESCRIPTION} characters, got {len(description)}")
    errors += _run_errors(config, index, ring)
    return errors


def _run_errors(config, index, ring):
    """The patching options as ssm_patch_run checks them, each renamed to the variable it came from."""
    params = {option: ring_value(config, ring, option) for option in SHARED_OPTIONS}
    params["patch_groups"] = ring.get("patch_groups")
    # Blank strings are the role's own errors (named once, not once a ring).
    params = {option: value for option, value in params.items() if not _blank(value)}
    if params.get("patch_groups") == []:
        params.pop("patch_groups")
    names = {option: (f"{_ring_label(index)}.{option}" if ring.get(option) is not None else PREFIX + option) for option in SHARED_OPTIONS}
    names["patch_groups"] = f"{_ring_label(index)}.patch_groups"
    return [_rename(message, names) for message in validate_run(params)]


def schedule_errors(config):
    """Every problem in the role's variables, each naming its variable; [] when they are fine."""
    config = normalised(config)
    errors = []
    rings = _var(config, "rings")
    if rings is not None and len(rings) == 0:
        errors.append(f"{PREFIX}rings is empty: name at least one ring (name, patch_groups, schedule_offset)")
    errors += _scalar_errors(config)
    rings = rings or []
    for index, ring in enumerate(rings):
        errors += _ring_errors(config, index, ring)
    errors += _clash_errors(config, rings)
    unique = []
    for error in errors:
        if error not in unique:
            unique.append(error)
    return unique


def _clash_errors(config, rings):
    errors = []
    seen = {}
    for index, ring in enumerate(rings):
        name = ring.get("name")
        if not isinstance(name, str) or _blank(name):
            continue
        key = name.lower()
        if key in seen:
            errors.append(f"{_ring_label(index)}.name {name!r} clashes with {_ring_label(seen[key])}.name: "
                          "each ring has a window of its own name")
        else:
            seen[key] = index
    owners = {}
    for index, ring in enumerate(rings):
        for position, group in enumerate(ring.get("patch_groups") or []):
            if not isinstance(group, str) or _blank(group):
                continue
            if group in owners:
                errors.append(f"{_ring_label(index)}.patch_groups[{position}] {group!r} is already in {owners[group]}: "
                              "a node would be patched by two rings")
            else:
                owners[group] = f"{_ring_label(index)}.patch_groups"
    return errors


def window_name(config, ring):
    return f"{_var(config, 'name_prefix')}-{ring['name']}"


def scan_name(config, ring=None):
    if ring is None:
        return f"{_var(config, 'name_prefix')}-scan"
    return f"{_var(config, 'name_prefix')}-{ring['name']}-scan"


def _description(config, ring, schedule_text):
    if ring.get("description") is not None:
        return ring["description"]
    text = f"Patch ring {ring['name']}: {ring_value(config, ring, 'operation')} {schedule_text} (cloudpatch.ssm.patch_schedule)"
    return text[:MAX_DESCRIPTION]


def ring_windows(config):
    """The arguments of ssm_maintenance_window for each ring (state, schedule, its target and task)."""
    config = normalised(config)
    state = _var(config, "state") or "present"
    windows = []
    for ring in _var(config, "rings") or []:
        name = window_name(config, ring)
        if state == "absent":
            windows.append({"name": name, "state": "absent"})
            continue
        time = ring_value(config, ring, "time")
        schedule, offset = patch_tuesday_schedule(ring["schedule_offset"], time)
        # Always sent: left out, the module would keep a time zone the ring no longer has.
        timezone = ring_value(config, ring, "timezone") or "UTC"
        schedule_text = f"{describe_offset(ring['schedule_offset'])}, {time} {timezone}"
        operation = ring_value(config, ring, "operation")
        task = {
            "name": TASK_NAME,
            "description": f"{operation} of {', '.join(ring['patch_groups'])}"[:MAX_DESCRIPTION],
            "priority": 1,
            "targets": [TARGET_NAME],
            "operation": operation,
            "max_concurrency": ring_value(config, ring, "max_concurrency"),
            "max_errors": ring_value(config, ring, "max_errors"),
            "cutoff_behavior": _var(config, "cutoff_behavior"),
        }
        if operation == "install":
            task["reboot_option"] = ring_value(config, ring, "reboot_option")
        for option in ("pre_install_hook", "post_install_hook", "on_exit_hook", "install_override_list", "baseline_override",
                       "output_s3_bucket", "output_s3_prefix", "cloudwatch_log_group", "timeout_seconds",
                       "comment", "service_role_arn", "notification"):
            if _var(config, option) is not None:
                task[option] = _var(config, option)
        window = {
            "name": name,
            "state": "present",
            "schedule": schedule,
            "schedule_offset": offset,
            "schedule_timezone": timezone,
            "duration": ring_value(config, ring, "duration"),
            "cutoff": ring_value(config, ring, "cutoff"),
            "enabled": ring.get("enabled") is not False,
            "description": _description(config, ring, schedule_text),
            "allow_unassociated_targets": False,
            "tags": _var(config, "tags"),
            "purge_targets": True,
            "purge_tasks": True,
            "targets": [{"name": TARGET_NAME, "patch_groups": list(ring["patch_groups"])}],
            "tasks": [task],
        }
        windows.append({key: value for key, value in window.items() if value is not None})
    return windows


def stale_offset_errors(config, current_windows):
    """Rings whose window must lose the ScheduleOffset it has (an offset of 0, 7 or 14 days sends none).

    UpdateMaintenanceWindow clears an optional field only with Replace=true, and a ScheduleOffset below
    1 is refused (MaintenanceWindowOffset: 1-6); ssm_maintenance_window leaves out what is not given,
    so such a window would keep running on its old day. Said before any change instead.
    """
    config = normalised(config)
    if (_var(config, "state") or "present") != "present":
        return []
    offsets = {}
    for window in current_windows or []:
        offsets.setdefault(window.get("name"), []).append(window.get("schedule_offset"))
    errors = []
    for index, ring in enumerate(_var(config, "rings") or []):
        name = window_name(config, ring)
        have = [offset for offset in offsets.get(name, []) if offset]
        if have and ring["schedule_offset"] % 7 == 0:
            errors.append(f"{_ring_label(index)}.schedule_offset {ring['schedule_offset']} runs window {name} without a ScheduleOffset, "
                          f"but it has ScheduleOffset {have[0]}, which an update cannot remove: delete the window first "
                          f"({PREFIX}state: absent with this ring), then create it again")
    return errors


WINDOW_TASK_OPTIONS = SHARED_OPTIONS + ("service_role_arn", "notification", "cutoff_behavior")


def _window_names(config, index, ring):
    """ssm_maintenance_window's option paths, as the role builds them for this ring, to the role's variables."""
    names = {f"tasks[0].{option}": (f"{_ring_label(index)}.{option}" if option in RING_OVERRIDES and ring.get(option) is not None
                                    else PREFIX + option) for option in WINDOW_TASK_OPTIONS}
    names.update({"targets[0].patch_groups": f"{_ring_label(index)}.patch_groups", "targets[0]": f"{_ring_label(index)}.patch_groups",
                  "schedule_timezone": (f"{_ring_label(index)}.timezone" if ring.get("timezone") is not None else PREFIX + "timezone"),
                  "tags": PREFIX + "tags", "description": f"{_ring_label(index)}.description"})
    for option in ("duration", "cutoff"):
        names[option] = f"{_ring_label(index)}.{option}" if ring.get(option) is not None else PREFIX + option
    return names


def _association_names(config, name):
    rings = _var(config, "rings") or []
    groups = f"{PREFIX}rings[].patch_groups"
    for index, ring in enumerate(rings):
        if scan_name(config, ring) == name:
            groups = f"{_ring_label(index)}.patch_groups"
    names = {option: PREFIX + option for option in ("max_concurrency", "max_errors", "output_s3_bucket", "output_s3_prefix", "tags")}
    names.update({"patch_groups": groups, "schedule": PREFIX + "scan_schedule"})
    return names


def module_errors(results, config):
    """The failures of the role's module loops (their per-item results), each named after the window or
    association and with the module's option paths turned into the role's variables."""
    config = normalised(config)
    rings = _var(config, "rings") or []
    windows = dict((window_name(config, ring), (index, ring)) for index, ring in enumerate(rings))
    messages = []
    for result in results or []:
        if not result.get("failed"):
            continue
        name = (result.get("item") or {}).get("name")
        message = str(result.get("msg") or "failed without a message")
        if name in windows:
            message = _rename(message, _window_names(config, *windows[name]))
        elif name is not None:
            message = _rename(message, _association_names(config, name))
        messages.append(f"{name}: {message}" if name else message)
    return messages


def scan_associations(config):
    """ssm_patch_association's arguments for the daily scan: the one asked for present, the others absent.

    Every name the role could have made is listed, so switching between one association for all
    rings and one a ring, turning the scan off, or state absent leaves none behind.
    """
    config = normalised(config)
    state = _var(config, "state") or "present"
    mode = _var(config, "scan_association") or "none"
    rings = _var(config, "rings") or []
    wanted = {}
    if state == "present" and mode == "all":
        wanted[scan_name(config)] = [group for ring in rings for group in ring["patch_groups"]]
    if state == "present" and mode == "per_ring":
        wanted.update((scan_name(config, ring), list(ring["patch_groups"])) for ring in rings)
    associations = []
    for name in [scan_name(config)] + [scan_name(config, ring) for ring in rings]:
        if name not in wanted:
            associations.append({"name": name, "state": "absent"})
            continue
        association = {
            "name": name,
            "state": "present",
            "operation": "scan",
            "patch_groups": wanted[name],
            "schedule": _var(config, "scan_schedule"),
            "max_concurrency": _var(config, "max_concurrency"),
            "max_errors": _var(config, "max_errors"),
            "output_s3_bucket": _var(config, "output_s3_bucket"),
            "output_s3_prefix": _var(config, "output_s3_prefix"),
            "tags": _var(config, "tags"),
        }
        associations.append({key: value for key, value in association.items() if value is not None})
    return associations
