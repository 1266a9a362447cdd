# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a report goes on the local disk, and the checks of the file options, before anything is written.

`dest` is a directory when it is one, or when it ends in ``/`` (then it is created if missing);
the file in a directory is named ``<report_name>.<ext>``. Every check here only looks: nothing is
created or changed, so that bad input leaves no trace.
"""

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

# A new report (and a directory made for it) is readable by its owner only unless `mode` says otherwise.
NEW_FILE_MODE = 0o600
NEW_DIRECTORY_MODE = 0o700
MAX_MODE = 0o7777


def is_directory_dest(dest):
    return dest.endswith("/") or os.path.isdir(dest)


def resolve_dest(dest, file_name):
    """(the report's path, the directories to create for it, outermost first)."""
    if is_directory_dest(dest):
        directory = os.path.abspath(dest)
        return os.path.join(directory, file_name), missing_directories(directory)
    return os.path.abspath(dest), []


def missing_directories(directory):
    missing = []
    while not os.path.exists(directory):
        missing.insert(0, directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return missing


def dest_errors(dest, file_name):
    """What stops the report from being written at `dest`, naming `dest`."""
    path, missing = resolve_dest(dest, file_name)
    if missing:
        parent = os.path.dirname(missing[0])
        if not os.path.isdir(parent):
            return [f"dest {dest!r} cannot be created: {parent} is not a directory"]
        if not os.access(parent, os.W_OK | os.X_OK):
            return [f"dest {dest!r} cannot be created: {parent} is not writable"]
        return []
    directory = os.path.dirname(path)
    if dest.endswith("/") and not os.path.isdir(dest.rstrip("/") or "/"):
        return [f"dest {dest!r} ends in '/' but {dest.rstrip('/')} is not a directory"]
    if not os.path.isdir(directory):
        return [f"dest's directory {directory} does not exist"]
    if not os.access(directory, os.W_OK | os.X_OK):
        return [f"dest's directory {directory} is not writable"]
    if os.path.isdir(path):
        return [f"dest {path} is a directory: the report cannot replace it"]
    if os.path.lexists(path) and not os.path.isfile(path):
        return [f"dest {path} exists and is not a regular file"]
    return []


def _symbolic_mode_error(mode):
    # The same parser as AnsibleModule.set_mode_if_different, on a file of mode 0600.
    class _Stat:
        st_mode = stat.S_IFREG | NEW_FILE_MODE

    try:
        AnsibleModule._symbolic_mode_to_octal(_Stat(), mode)
    except Exception as e:  # pylint: disable=broad-except
        return str(e)
    return None


def mode_error(mode):
    """`mode` as the file module takes it (an octal number, its string, or chmod's symbolic form)."""
    if mode is None:
        return None
    if isinstance(mode, bool) or not isinstance(mode, (int, str)):
        return f"mode must be an octal mode such as '0640' or a symbolic one such as 'u=rw,g=r', got {mode!r}"
    if isinstance(mode, int):
        return None if 0 <= mode <= MAX_MODE else f"mode must be 0 to 07777, got {mode!r}"
    if not mode.strip():
        return "mode is empty: give a mode such as '0640', or leave the option out (0600 for a new report)"
    try:
        value = int(mode, 8)
    except ValueError:
        problem = _symbolic_mode_error(mode)
        return f"mode must be an octal mode such as '0640' or a symbolic one such as 'u=rw,g=r', got {mode!r} ({problem})" if problem else None
    return None if 0 <= value <= MAX_MODE else f"mode must be 0 to 07777, got {mode!r}"


def owner_error(owner):
    if owner is None:
        return None
    if not owner.strip():
        return "owner is empty: name a user, or leave the option out"
    try:
        uid = int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
    except KeyError:
        return f"owner {owner!r} is not a user on this host"
    if os.geteuid() != 0 and uid != os.geteuid():
        return f"owner {owner!r}: only root can give a file to another user"
    return None


def group_error(group):
    if group is None:
        return None
    if not group.strip():
        return "group is empty: name a group, or leave the option out"
    try:
        gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
    except KeyError:
        return f"group {group!r} is not a group on this host"
    if os.geteuid() != 0 and gid not in set(os.getgroups()) | {os.getegid()}:
        return f"group {group!r}: this user is not a member of it, and only root can give a file to another group"
    return None


def file_option_errors(params):
    errors = [mode_error(params.get("mode")), owner_error(params.get("owner")), group_error(params.get("group"))]
    return [error for error in errors if error]


def directory_mode(file_mode):
    """A directory's mode for a report of `file_mode`: searchable by whoever may read the report."""
    return file_mode | ((file_mode & 0o444) >> 2)
