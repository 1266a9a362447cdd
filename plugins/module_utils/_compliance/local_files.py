# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The local files of a report (the export's and the merge's): its missing directories made and, on a
failure, removed again; the finished file moved into place with AnsibleModule's own atomic_move and file
attributes."""

import os

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import NEW_DIRECTORY_MODE
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import NEW_FILE_MODE
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import directory_mode


class ReportFiles:
    """The local file operations of AnsibleModule a report needs (the export's and the merge's), and nothing else.

    atomic_move and the file attributes (mode, owner, group, SELinux) are AnsibleModule's own, so the
    export is given this object, not the module.
    """

    def __init__(self, module):
        self._module = module

    def new_directory(self, directory, params, mode):
        """Create one missing directory of a directory dest; returns the mode the next one gets."""
        os.mkdir(directory, NEW_DIRECTORY_MODE)
        if params.get("mode") is not None:
            # The report's mode, applied to the directory, then searchable where readable: 0644 -> 0755.
            self._module.set_mode_if_different(directory, params["mode"], False)
            mode = directory_mode(os.stat(directory).st_mode & 0o7777)
        os.chmod(directory, mode)
        self._module.set_owner_if_different(directory, params.get("owner"), False)
        self._module.set_group_if_different(directory, params.get("group"), False)
        return mode

    def try_attributes(self, path, params):
        """Give `path` the report's owner, group and mode (not chattr attributes): a refusal raises."""
        self._module.set_fs_attributes_if_different(dict(self._module.load_file_common_arguments(params, path=path), attributes=None), True)

    def place(self, temporary, dest, params):
        """Move the finished report into place and give it its file options.

        A new file is 0600 from the moment it appears (the umask is narrowed around atomic_move, which
        otherwise gives a new file 0666 less the umask); an existing report keeps its mode, owner and
        group (atomic_move copies them) unless the options say otherwise.
        """
        umask = os.umask(0o777 & ~NEW_FILE_MODE)
        try:
            self._module.atomic_move(temporary, dest, unsafe_writes=params.get("unsafe_writes", False))
        finally:
            os.umask(umask)
        self._module.set_fs_attributes_if_different(self._module.load_file_common_arguments(params, path=dest), True)


def make_directories(files, params, directories):
    """Create the missing directories of a directory dest, searchable by whoever may read the report."""
    mode = NEW_DIRECTORY_MODE
    created = []
    for directory in directories:
        try:
            mode = files.new_directory(directory, params, mode)
        except FileExistsError:
            if not os.path.isdir(directory):
                raise
            # Another export made it at the same moment (several hosts, one parts directory): it is
            # theirs, so it is neither given this report's options nor removed if this export fails.
            continue
        created.append(directory)
    return created


def remove_directories(created):
    for directory in reversed(created):
        try:
            os.rmdir(directory)
        except OSError:
            pass
