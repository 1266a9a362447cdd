"""Where a report goes on the local disk: directory dests, what stops a write, and the file options."""

import os

import pytest

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import dest_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import directory_mode
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import file_option_errors
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import group_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import is_directory_dest
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import missing_directories
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import mode_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import owner_error
from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance.dest import resolve_dest


def test_a_dest_ending_in_a_slash_or_naming_a_directory_is_a_directory(tmp_path):
    assert is_directory_dest(str(tmp_path)) and is_directory_dest(str(tmp_path / "new") + "/")
    assert not is_directory_dest(str(tmp_path / "fleet.csv"))


def test_a_directory_dest_takes_the_report_s_file_name_and_lists_what_to_create(tmp_path):
    dest = str(tmp_path / "a" / "b") + "/"
    assert resolve_dest(dest, "fleet.csv") == (str(tmp_path / "a" / "b" / "fleet.csv"), [str(tmp_path / "a"), str(tmp_path / "a" / "b")])
    assert resolve_dest(str(tmp_path / "x.csv"), "fleet.csv") == (str(tmp_path / "x.csv"), [])
    assert missing_directories(str(tmp_path)) == []


def test_a_writable_dest_has_no_error(tmp_path):
    assert dest_errors(str(tmp_path), "fleet.csv") == []
    assert dest_errors(str(tmp_path / "new") + "/", "fleet.csv") == []
    (tmp_path / "fleet.csv").write_text("old")
    assert dest_errors(str(tmp_path / "fleet.csv"), "ignored.csv") == []


def test_what_stops_a_write_names_dest(tmp_path):
    (tmp_path / "fleet.csv").mkdir()
    assert dest_errors(str(tmp_path), "fleet.csv") == [f"dest {tmp_path / 'fleet.csv'} is a directory: the report cannot replace it"]
    os.symlink(str(tmp_path / "nowhere"), str(tmp_path / "link.csv"))
    assert dest_errors(str(tmp_path / "link.csv"), "x.csv") == [f"dest {tmp_path / 'link.csv'} exists and is not a regular file"]
    assert dest_errors(str(tmp_path / "no" / "x.csv"), "x.csv") == [f"dest's directory {tmp_path / 'no'} does not exist"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_directory_that_is_not_writable_is_said(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert dest_errors(str(locked / "x.csv"), "x.csv") == [f"dest's directory {locked} is not writable"]
        assert dest_errors(str(locked / "new") + "/", "x.csv") == [f"dest {str(locked / 'new') + '/'!r} cannot be created: {locked} is not writable"]
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("mode", [None, 0o640, "0640", "640", "u=rw,g=r", "u+x"])
def test_modes_the_file_module_takes(mode):
    assert mode_error(mode) is None


@pytest.mark.parametrize("mode, expected", [
    (0o10000, "mode must be 0 to 07777"),
    ("17777", "mode must be 0 to 07777"),
    ("  ", "mode is empty"),
    (True, "mode must be an octal mode"),
    ("u+q", "mode must be an octal mode"),
])
def test_modes_that_are_not(mode, expected):
    assert mode_error(mode).startswith(expected)


def test_owner_and_group_are_looked_up_on_this_host():
    assert owner_error(None) is None and group_error(None) is None
    assert owner_error(str(os.geteuid())) is None and group_error(str(os.getegid())) is None
    assert owner_error(" ") == "owner is empty: name a user, or leave the option out"
    assert group_error("no-such-group-here") == "group 'no-such-group-here' is not a group on this host"
    assert file_option_errors({"mode": "u+q", "owner": "no-such-user-here"})[1] == "owner 'no-such-user-here' is not a user on this host"


def test_a_directory_made_for_a_report_is_searchable_where_the_report_is_readable():
    assert directory_mode(0o600) == 0o700
    assert directory_mode(0o644) == 0o755
    assert directory_mode(0o640) == 0o750
