"""ssm_compliance_export's writing: atomic local files, one checked S3 put, nothing left on failure."""

import base64
import datetime
import hashlib
import json
import os
import stat

import botocore.exceptions
import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloudpatch.ssm.plugins.module_utils._compliance import export as compliance_export
from ansible_collections.cloudpatch.ssm.plugins.module_utils.errors import ParameterError
from ansible_collections.cloudpatch.ssm.plugins.module_utils.ssm import AnsibleSSMError
from ansible_collections.cloudpatch.ssm.plugins.modules import ssm_compliance_export as module_under_test

from doc_options import documented_options  # pylint: disable=import-error  # beside this file

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
NODE = {"InstanceId": "i-00000000000000001", "PlatformName": "Amazon Linux", "PlatformVersion": "2", "ResourceType": "EC2Instance"}


class FakeClients:
    """Just enough SSM, EC2 and S3: two pages of nodes; the second page's patch states may fail."""

    def __init__(self, fail_on_second_page=False, nodes=True, publish_error=None):
        self.fail = fail_on_second_page
        self.nodes = nodes
        self.publish_error = publish_error
        self.published = []
        self.puts = []
        self.patch_state_calls = 0
        self.node_filters = []

    def describe_tags(self, **kwargs):
        return {"Tags": [{"ResourceId": NODE["InstanceId"], "Key": "Name", "Value": "App1"}]}

    def list_resource_compliance_summaries(self, **kwargs):
        return {"ResourceComplianceSummaryItems": []}

    def list_compliance_items(self, **kwargs):
        return {"ComplianceItems": []}

    def describe_instance_information(self, **kwargs):
        self.node_filters.append(kwargs.get("Filters"))
        if not self.nodes:
            return {"InstanceInformationList": []}
        if kwargs.get("NextToken"):
            return {"InstanceInformationList": [dict(NODE, InstanceId="i-00000000000000002")]}
        return {"InstanceInformationList": [NODE], "NextToken": "page-2"}

    def describe_instance_patch_states(self, **kwargs):
        self.patch_state_calls += 1
        if self.fail and self.patch_state_calls == 2:
            raise AnsibleSSMError(message="describe patch states failed")
        return {"InstancePatchStates": []}

    def put_object(self, Body, **kwargs):
        self.puts.append((Body.read(), kwargs))
        return {"ETag": '"x"'}

    def publish(self, **kwargs):
        if self.publish_error:
            raise botocore.exceptions.ClientError({"Error": {"Code": self.publish_error, "Message": "no"}}, "Publish")
        self.published.append(kwargs)
        return {"MessageId": "m-1"}


def _ansible_module():
    """A real AnsibleModule for the file operations (atomic_move, set_fs_attributes_if_different...)."""
    with patch_module_args({}):
        return AnsibleModule(argument_spec={}, add_file_common_args=True)


class FakeModule:
    def __init__(self, params, clients, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self.region = "us-east-1"
        self.warnings = []
        self._files = _ansible_module()
        self.clients = clients

    def client(self, service):
        return self.clients

    def warn(self, message):
        self.warnings.append(message)

    def __getattr__(self, name):
        return getattr(self._files, name)


def export(module, wanted):
    """ensure_exported as main() calls it, with the fake module's clients, warnings and file operations."""
    changed, result = module_under_test.ensure_exported(
        dict.fromkeys(("ssm", "ec2", "s3", "sns"), module.clients), wanted, module.check_mode, module.region,
        module_under_test.ReportFiles(module._files), module._files.tmpdir, module.warn,
    )
    assert sorted(result) == ["dashboard", "report"]
    return changed, result["report"], result["dashboard"]


def params(**overrides):
    base = {"report_name": "fleet", "instance_id": None, "instance_ids": None, "patch_groups": None, "tags": None,
            "format": "csv", "s3_bucket": None, "s3_prefix": None,
            "server_side_encryption": "AES256", "kms_key_id": None, "expected_bucket_owner": None, "dest": None,
            "sns_topic_arn": None, "reporting_days": 7, "csv_escape_formulas": True, "mode": None, "owner": None,
            "group": None, "seuser": None, "serole": None, "selevel": None, "setype": None, "attributes": None,
            "unsafe_writes": False}
    base.update(overrides)
    return base


def test_a_new_report_is_readable_by_its_owner_only(tmp_path):
    wanted = params(dest=str(tmp_path))
    _changed, report, _dashboard = export(FakeModule(wanted, FakeClients()), wanted)
    assert stat.S_IMODE(os.stat(report["dest"]).st_mode) == 0o600


def test_an_existing_report_keeps_its_mode(tmp_path):
    existing = tmp_path / "fleet.csv"
    existing.write_text("old")
    existing.chmod(0o640)
    wanted = params(dest=str(tmp_path))
    export(FakeModule(wanted, FakeClients()), wanted)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_text().startswith("Index,")


@pytest.mark.parametrize("mode", ["0644", 0o644, "u=rw,g=r,o=r"])
def test_mode_is_honoured(tmp_path, mode):
    existing = tmp_path / "fleet.csv"
    existing.write_text("old")
    existing.chmod(0o600)
    wanted = params(dest=str(existing), mode=mode)
    export(FakeModule(wanted, FakeClients()), wanted)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644
    fresh = params(dest=str(tmp_path / "new.csv"), mode=mode)
    export(FakeModule(fresh, FakeClients()), fresh)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_a_dest_ending_in_a_slash_is_a_directory_created_for_the_report(tmp_path):
    wanted = params(dest=str(tmp_path / "reports" / "daily") + "/", report_name="report2026")
    assert compliance_export.validate(wanted) == []
    _changed, report, _dashboard = export(FakeModule(wanted, FakeClients()), wanted)
    assert report["dest"] == str(tmp_path / "reports" / "daily" / "report2026.csv")
    assert [stat.S_IMODE((tmp_path / part).stat().st_mode) for part in ("reports", "reports/daily")] == [0o700, 0o700]
    assert stat.S_IMODE(os.stat(report["dest"]).st_mode) == 0o600
    shared = params(dest=str(tmp_path / "shared") + "/", mode="0644")
    export(FakeModule(shared, FakeClients()), shared)
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755


def test_a_failure_removes_the_directory_it_created_and_the_part_file(tmp_path):
    wanted = params(dest=str(tmp_path / "reports") + "/", s3_bucket="reports")
    with pytest.raises(AnsibleSSMError):
        export(FakeModule(wanted, FakeClients(fail_on_second_page=True)), wanted)
    assert list(tmp_path.iterdir()) == []


def test_a_selection_matching_no_node_fails_before_anything_is_written(tmp_path):
    wanted = params(dest=str(tmp_path / "reports") + "/", s3_bucket="reports", patch_groups=["Nobody"])
    clients = FakeClients(nodes=False)
    with pytest.raises(ParameterError, match=r"\A0 nodes in us-east-1 matched patch groups Nobody: nothing to report\Z"):
        export(FakeModule(wanted, clients), wanted)
    assert list(tmp_path.iterdir()) == [] and clients.puts == []
    single = params(dest=str(tmp_path), instance_id="i-0123456789abcdef0")
    with pytest.raises(ParameterError, match="instance_id i-0123456789abcdef0 is not a managed node in us-east-1"):
        export(FakeModule(single, FakeClients(nodes=False), check_mode=True), single)


def test_a_region_without_nodes_writes_an_empty_report_with_a_warning(tmp_path):
    wanted = params(dest=str(tmp_path))
    module = FakeModule(wanted, FakeClients(nodes=False))
    _changed, report, _dashboard = export(module, wanted)
    assert report["nodes"] == 0 and (tmp_path / "fleet.csv").read_bytes().count(b"\r\n") == 1
    assert module.warnings == ["there is no managed node in us-east-1: the report has no node rows"]


def test_ids_that_are_not_managed_nodes_are_named_in_a_warning(tmp_path):
    wanted = params(dest=str(tmp_path), instance_ids=["i-00000000000000001", "i-00000000000000002", "i-0000000000000000f"])
    module = FakeModule(wanted, FakeClients())
    export(module, wanted)
    assert module.warnings == ["instance_ids[2] i-0000000000000000f is not a managed node in us-east-1"]


def test_a_failed_notification_after_the_write_says_where_the_report_is(tmp_path):
    wanted = params(dest=str(tmp_path), s3_bucket="reports", sns_topic_arn="arn:aws:sns:us-east-1:123456789012:reports")
    clients = FakeClients(publish_error="NotFound")
    with pytest.raises(ParameterError) as caught:
        export(FakeModule(wanted, clients), wanted)
    message = str(caught.value)
    assert message.startswith(f"the report is in place (s3://reports/fleet.csv and {tmp_path / 'fleet.csv'}), but the notification failed")
    assert "sns_topic_arn arn:aws:sns:us-east-1:123456789012:reports was not found from us-east-1" in message
    assert caught.value.data["report"]["nodes"] == 2 and "sns_message_id" not in caught.value.data["report"]
    assert caught.value.data["dashboard"]["patch_states"]["managed_nodes"] == 2
    assert caught.value.data["changed"] is True
    assert (tmp_path / "fleet.csv").exists() and len(clients.puts) == 1


def test_a_local_report_is_renamed_into_place(tmp_path):
    changed, report, dashboard = export(FakeModule(params(dest=str(tmp_path)), FakeClients()), params(dest=str(tmp_path)))
    assert changed and report["dest"] == str(tmp_path / "fleet.csv") and report["nodes"] == 2
    assert [path.name for path in tmp_path.iterdir()] == ["fleet.csv"]
    assert hashlib.sha256((tmp_path / "fleet.csv").read_bytes()).hexdigest() == report["sha256"]
    assert dashboard["reporting_age"]["never_reported"] == 2


def test_check_mode_writes_nothing_and_says_what_it_would_write(tmp_path, monkeypatch):
    made = []
    real_mkstemp = module_under_test.tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        made.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(module_under_test.tempfile, "mkstemp", mkstemp)
    clients = FakeClients()
    wanted = params(dest=str(tmp_path), s3_bucket="reports", sns_topic_arn="arn:aws:sns:us-east-1:123456789012:reports")
    changed, report, _dashboard = export(FakeModule(wanted, clients, check_mode=True), wanted)
    # Writing a report is a change: check mode predicts it, and says where and what.
    assert changed
    assert report["s3_url"] == "s3://reports/fleet.csv" and report["dest"] == str(tmp_path / "fleet.csv")
    assert report["sns_topic_arn"] == wanted["sns_topic_arn"] and "sns_message_id" not in report
    assert report["nodes"] == 2 and report["bytes"] > 0 and len(report["sha256"]) == 64
    assert list(tmp_path.iterdir()) == [] and clients.puts == []
    # Not even a temporary file beside dest (only the scratch index, in the temporary directory).
    assert str(tmp_path) not in made


def test_check_mode_measures_the_report_it_would_write(tmp_path):
    wanted = params(dest=str(tmp_path))
    _changed, predicted, _dashboard = export(FakeModule(wanted, FakeClients(), check_mode=True), wanted)
    _changed, written, _dashboard = export(FakeModule(wanted, FakeClients()), wanted)
    # The same report, but for the time it was generated at (which is in the HTML/JSON, not the CSV).
    assert (predicted["bytes"], predicted["sha256"]) == (written["bytes"], written["sha256"])


def test_s3_put_carries_the_checksum_and_encryption(tmp_path):
    clients = FakeClients()
    wanted = params(s3_bucket="reports", s3_prefix="daily", server_side_encryption="aws:kms", kms_key_id="alias/r",
                    expected_bucket_owner="123456789012")
    _changed, report, _dashboard = export(FakeModule(wanted, clients), wanted)
    [(body, kwargs)] = clients.puts
    assert kwargs["Key"] == "daily/fleet.csv" and kwargs["ServerSideEncryption"] == "aws:kms" and kwargs["SSEKMSKeyId"] == "alias/r"
    assert kwargs["ExpectedBucketOwner"] == "123456789012" and kwargs["ContentType"] == "text/csv"
    assert kwargs["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert report["s3_url"] == "s3://reports/daily/fleet.csv"


def test_a_failure_half_way_leaves_no_partial_report(tmp_path):
    clients = FakeClients(fail_on_second_page=True)
    wanted = params(dest=str(tmp_path), s3_bucket="reports")
    with pytest.raises(AnsibleSSMError):
        export(FakeModule(wanted, clients), wanted)
    assert clients.patch_state_calls == 2  # the first page was written to the temporary file
    assert list(tmp_path.iterdir()) == [] and clients.puts == []


@pytest.mark.parametrize("prefix, key", [(None, "fleet.csv"), ("", "fleet.csv"), ("daily", "daily/fleet.csv"),
                                         ("daily/", "daily/fleet.csv"), ("/a/b", "a/b/fleet.csv")])
def test_s3_keys(prefix, key):
    assert compliance_export.s3_key(params(s3_bucket="reports", s3_prefix=prefix)) == key


def test_the_notification_names_the_report_and_its_counts():
    report = {"name": "ssm-workshop", "format": "csv", "nodes": 4, "s3_url": "s3://b/ssm-workshop.csv"}
    dashboard = {"compliance_summary": {"compliant": 4}, "patch_states": {"managed_nodes": 4},
                 "reporting_age": {"days": 7, "within_days": 4}, "recent_operations": [{"id": "x"}], "recurring_tasks": []}
    subject, message = module_under_test.notification(report, dashboard)
    assert subject == "Patch compliance report ssm-workshop generated" and len(subject) <= 100
    assert json.loads(message) == {"report": report, "compliance_summary": {"compliant": 4}, "patch_states": {"managed_nodes": 4},
                                   "reporting_age": {"days": 7, "within_days": 4}}


def test_the_scope_says_which_nodes():
    assert module_under_test.describe(params(), NOW)["scope"] == "all nodes"
    assert module_under_test.describe(params(instance_id="i-0123456789abcdef0"), NOW)["scope"] == "i-0123456789abcdef0"
    scope = module_under_test.describe(params(patch_groups=["App"], tags={"Env": ["prod", "test"]}), NOW)["scope"]
    assert scope == "patch groups App; tags Env=prod|test"


def test_filters_reach_the_node_listing(tmp_path):
    clients = FakeClients()
    wanted = params(dest=str(tmp_path), patch_groups=["App"], tags={"Env": "prod"})
    export(FakeModule(wanted, clients), wanted)
    assert clients.node_filters[0] == [{"Key": "tag:Env", "Values": ["prod"]}, {"Key": "tag:Patch Group", "Values": ["App"]}]
    assert clients.node_filters[-1] == [{"Key": "tag:Env", "Values": ["prod"]}, {"Key": "tag:PatchGroup", "Values": ["App"]}]


@pytest.mark.parametrize("overrides, message", [
    ({"report_name": ""}, "report_name must be 1 to 50 characters"),
    ({"report_name": "report\n"}, "report_name must be 1 to 50 characters"),
    ({"report_name": "report 2026"}, "report_name must be 1 to 50 characters"),
    ({"dest": ""}, "dest is empty"),
    ({"dest": "   "}, "dest is empty"),
    ({"s3_bucket": ""}, "s3_bucket is empty"),
    ({"s3_bucket": "reports", "s3_prefix": ""}, "s3_prefix is empty"),
    ({"instance_ids": []}, "instance_ids is empty"),
    ({"patch_groups": []}, "patch_groups is empty"),
    ({"tags": {}}, "tags is empty"),
    ({"tags": {"Env": ""}}, "tags.Env is empty"),
    ({"instance_id": "i-0123456789abcdef0\n"}, "instance_id must be an i- or mi- node id"),
    ({"s3_bucket": "reports\n"}, "s3_bucket must be an S3 bucket name"),
    ({"s3_bucket": "xn--reports"}, "s3_bucket must be an S3 bucket name (not beginning with xn--"),
    ({"s3_bucket": "192.168.0.1"}, "s3_bucket must be an S3 bucket name (not formatted as an IP address)"),
    ({"expected_bucket_owner": "123456789012\n"}, "expected_bucket_owner must be a 12-digit account id"),
    ({"sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:reports\n"}, "sns_topic_arn must be an SNS topic ARN"),
    ({"sns_topic_arn": "arn:aws:sns:us-east-1:12345:reports"}, "sns_topic_arn must be an SNS topic ARN"),
    ({"sns_topic_arn": "arn:aws:sns:us-nowhere-9:123456789012:reports"}, "sns_topic_arn's region 'us-nowhere-9' is not an AWS region"),
    ({"sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:" + "t" * 257}, "sns_topic_arn must be an SNS topic ARN"),
    ({"server_side_encryption": "aws:kms", "kms_key_id": "my key"}, "kms_key_id must be a KMS key id"),
    ({"server_side_encryption": "aws:kms", "kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab\n"}, "kms_key_id must be a KMS key id"),
    ({"reporting_days": 10_000_000_000}, "reporting_days must be 1-3650 days, got 10000000000"),
    ({"reporting_days": -1}, "reporting_days must be 1-3650 days"),
    ({"mode": "0644"}, "mode apply to the local report: they need dest"),
    ({"report_name": "a" * 51}, "report_name must be 1 to 50 characters"),
    ({"report_name": "report/2026"}, "report_name must be 1 to 50 characters"),
    ({"report_name": "r\u00e9sum\u00e9"}, "report_name must be 1 to 50 characters"),
    ({"instance_ids": ["i-0123456789abcdef0", "web1"]}, "instance_ids[1] must be an i- or mi- node id, got 'web1'"),
    ({"patch_groups": ["App", "bad!group"]}, "patch_groups[1] may hold letters"),
    ({"patch_groups": ["x" * 257]}, "patch_groups[0] must be 1 to 256 characters"),
    ({"tags": {"Env": []}}, "tags.Env must be a value or a non-empty list of values"),
    ({"tags": {"Env": ["v"] * 101}}, "tags.Env takes at most 100 values"),
    ({"s3_bucket": "reports", "s3_prefix": "p" * 1020}, "s3_prefix is too long"),
    ({"report_name": "bad name"}, "report_name must be"),
    ({"instance_id": "web1"}, "instance_id must be"),
    ({"kms_key_id": "alias/x"}, "kms_key_id needs server_side_encryption=aws:kms"),
    ({"expected_bucket_owner": "me"}, "expected_bucket_owner must be"),
    ({"sns_topic_arn": "topic"}, "sns_topic_arn must be"),
    ({"s3_bucket": "Bad_Bucket"}, "s3_bucket must be"),
    ({"reporting_days": 0}, "reporting_days must be"),
    ({"dest": "/nonexistent/dir/x.csv"}, "dest's directory /nonexistent/dir does not exist"),
    ({"dest": "/etc/hostname/"}, "dest '/etc/hostname/' ends in '/' but /etc/hostname is not a directory"),
    ({"dest": "/etc/hostname/reports/"}, "dest '/etc/hostname/reports/' cannot be created: /etc/hostname is not a directory"),
    ({"dest": "/tmp", "mode": "u+q"}, "mode must be an octal mode"),
    ({"dest": "/tmp", "mode": "0999"}, "mode must be an octal mode"),
    ({"dest": "/tmp", "mode": 0o70000}, "mode must be 0 to 07777"),
    ({"dest": "/tmp", "owner": "no-such-user-here"}, "owner 'no-such-user-here' is not a user on this host"),
    ({"dest": "/tmp", "group": "no-such-group-here"}, "group 'no-such-group-here' is not a group on this host"),
])
def test_validation_names_the_parameter(overrides, message):
    errors = compliance_export.validate(params(**overrides))
    assert any(message in error for error in errors), errors


def test_valid_input_has_no_errors(tmp_path):
    assert compliance_export.validate(params(
        report_name="Fleet_report-2026.v", dest=str(tmp_path), mode="0640", instance_ids=["i-0123456789abcdef0", "mi-0123456789abcdef0"],
        patch_groups=["App", "Web servers: prod"], tags={"Env": ["prod", "test"], "Tier": 1}, s3_bucket="reports",
        s3_prefix="daily", server_side_encryption="aws:kms", kms_key_id="alias/r", expected_bucket_owner="123456789012",
        sns_topic_arn="arn:aws:sns:us-east-1:123456789012:reports")) == []


@pytest.mark.parametrize("key_id", ["1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab", "alias/aws/s3",
                                    "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                                    "arn:aws:kms:us-east-2:111122223333:alias/reports"])
def test_kms_key_forms(key_id):
    assert compliance_export.validate_arguments(params(s3_bucket="reports", server_side_encryption="aws:kms", kms_key_id=key_id)) == []


def example_tasks():
    return [task for task in yaml.safe_load(module_under_test.EXAMPLES)
            if "cloudpatch.ssm.ssm_compliance_export" in task]


def test_every_example_is_valid_for_the_module():
    spec = dict((name, {"type": option.get("type", "str"), **({"elements": option["elements"]} if "elements" in option else {}),
                        **({"choices": option["choices"]} if "choices" in option else {})})
                for name, option in documented_options(module_under_test).items())
    spec.update(owner={"type": "str"}, group={"type": "str"})
    tasks = example_tasks()
    assert len(tasks) >= 4
    for task in tasks:
        assert task.get("name")
        args = task["cloudpatch.ssm.ssm_compliance_export"]
        result = ArgumentSpecValidator(spec, mutually_exclusive=[("instance_id", "instance_ids"), ("instance_id", "patch_groups"),
                                                                 ("instance_id", "tags")],
                                       required_one_of=[("s3_bucket", "dest")]).validate(args)
        assert not result.error_messages, (task["name"], result.error_messages)
        assert compliance_export.validate_arguments(params(**args)) == [], task["name"]


def test_a_local_move_that_fails_is_an_os_error_and_leaves_nothing(tmp_path, monkeypatch):
    wanted = params(dest=str(tmp_path / "reports") + "/")
    module = FakeModule(wanted, FakeClients())

    def refuse(*args, **kwargs):
        raise Exception("Could not replace the report")  # pylint: disable=broad-exception-raised

    monkeypatch.setattr(module._files, "atomic_move", refuse)
    # The disk's failure, before anything was put in place: a clean failure naming dest, and nothing left.
    with pytest.raises(ParameterError, match=r"\Athe report could not be written \(dest .*\): writing dest .*fleet.csv failed: "
                                             "Could not replace the report"):
        export(module, wanted)
    assert list(tmp_path.iterdir()) == []


def test_a_local_move_that_fails_after_the_s3_put_says_the_object_is_in_place(tmp_path, monkeypatch):
    wanted = params(dest=str(tmp_path), s3_bucket="reports")
    clients = FakeClients()
    module = FakeModule(wanted, clients)

    def disk_full(*args, **kwargs):
        raise Exception("disk full")

    monkeypatch.setattr(module._files, "atomic_move", disk_full)
    with pytest.raises(ParameterError, match=r"the report is in place \(s3://reports/fleet.csv\), but writing dest"):
        export(module, wanted)
    assert len(clients.puts) == 1 and list(tmp_path.iterdir()) == []


def test_check_mode_creates_no_directory(tmp_path):
    wanted = params(dest=str(tmp_path / "reports") + "/")
    changed, report, _dashboard = export(FakeModule(wanted, FakeClients(), check_mode=True), wanted)
    assert changed and report["dest"] == str(tmp_path / "reports" / "fleet.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_bug_is_not_reported_as_the_user_s_mistake(tmp_path, monkeypatch):
    """Only ParameterError and the AWS errors are clean failures: a KeyError (a bug) shows as one."""
    def broken(*args, **kwargs):
        raise KeyError("InstanceId")

    monkeypatch.setattr(module_under_test, "fleet_rows", broken)
    wanted = params(dest=str(tmp_path))
    with pytest.raises(KeyError):
        export(FakeModule(wanted, FakeClients()), wanted)
    assert list(tmp_path.iterdir()) == []


# History ------------------------------------------------------------------------------------------

class Body:
    def __init__(self, data):
        self.data = data

    def read(self, size=-1):
        return self.data if size < 0 else self.data[:size]

    def close(self):
        pass


class FakeBucket(FakeClients):
    """FakeClients with a bucket that keeps what is put: ListObjectsV2 in key order, GetObject."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.objects, self.listings, self.gets = {}, [], []
        self.fail_key = None

    def put_object(self, Body, **kwargs):
        if self.fail_key and self.fail_key in kwargs["Key"]:
            raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")
        data = Body.read()
        self.puts.append((data, kwargs))
        self.objects[kwargs["Key"]] = data
        return {"ETag": '"x"'}

    def list_objects_v2(self, **kwargs):
        self.listings.append(kwargs)
        keys = sorted(key for key in self.objects if key.startswith(kwargs["Prefix"]))[:kwargs["MaxKeys"]]
        return {"Contents": [{"Key": key} for key in keys], "KeyCount": len(keys)}

    def get_object(self, **kwargs):
        self.gets.append(kwargs["Key"])
        return {"Body": Body(self.objects[kwargs["Key"]])}


def history(**values):
    return dict({"enabled": None, "runs": None, "prefix": None}, **values)


def at(monkeypatch, when):
    class Clock(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return when

    monkeypatch.setattr(module_under_test.datetime, "datetime", Clock)


def test_history_in_s3_reads_one_listing_and_the_previous_records(tmp_path, monkeypatch):
    bucket = FakeBucket()
    wanted = params(s3_bucket="reports", s3_prefix="daily", format="json", history=history(runs=3))
    reports = []
    for day in range(4):
        at(monkeypatch, NOW + datetime.timedelta(days=day))
        bucket.listings, bucket.gets = [], []
        _changed, report, dashboard = export(FakeModule(wanted, bucket), wanted)
        reports.append(report)
        assert bucket.listings == [{"Bucket": "reports", "Prefix": "daily/history/summaries/fleet/", "MaxKeys": 2}]
        assert len(bucket.gets) == min(day, 2)
        assert [run["generated_at"][:10] for run in dashboard["trend"]["runs"]] == [
            (NOW + datetime.timedelta(days=back)).strftime("%Y-%m-%d") for back in range(max(0, day - 2), day + 1)]
    assert reports[3]["history"]["report_s3_key"] == "daily/history/2026/12/03/fleet-120000.json"
    assert bucket.objects["daily/history/2026/12/03/fleet-120000.json"] == bucket.objects["daily/fleet.json"]
    record = json.loads(bucket.objects[reports[3]["history"]["record_s3_key"]])
    assert record["counts"] == {"compliant": 0, "non_compliant": 0, "never_reported": 2, "total": 2}
    assert record["never_reported_ids"] == ["i-00000000000000001", "i-00000000000000002"]
    # The dated copy and the record carry their own checksums.
    for data, kwargs in bucket.puts:
        assert kwargs["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_local_history_in_check_mode_reads_and_writes_nothing(tmp_path, monkeypatch):
    wanted = params(dest=f"{tmp_path}/", history=history(enabled=True))
    at(monkeypatch, NOW)
    export(FakeModule(wanted, FakeClients()), wanted)
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    assert len([path for path in before if path.endswith(".json")]) == 1 and any(path.endswith("fleet-120000.csv") for path in before)
    record = next(path for path in tmp_path.rglob("*.json"))
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    at(monkeypatch, NOW + datetime.timedelta(hours=1))
    _changed, report, dashboard = export(FakeModule(wanted, FakeClients(), check_mode=True), wanted)
    assert sorted(str(path) for path in tmp_path.rglob("*")) == before
    assert [run["generated_at"] for run in dashboard["trend"]["runs"]] == ["2026-11-30T12:00:00Z", "2026-11-30T13:00:00Z"]
    assert report["history"]["report_file"] == str(tmp_path / "history" / "2026" / "11" / "30" / "fleet-130000.csv")


def test_a_history_that_cannot_be_kept_fails_saying_the_report_is_in_place(tmp_path, monkeypatch):
    bucket = FakeBucket()
    bucket.fail_key = "/summaries/"
    wanted = params(s3_bucket="reports", history=history(runs=2))
    at(monkeypatch, NOW)
    with pytest.raises(ParameterError) as caught:
        export(FakeModule(wanted, bucket), wanted)
    assert caught.value.message.startswith("the report is in place (s3://reports/fleet.csv), but keeping its history failed")
    assert caught.value.data["changed"] is True and "fleet.csv" in bucket.objects


def test_a_history_prefix_blocked_by_a_file_is_refused_before_anything(tmp_path):
    (tmp_path / "history").write_text("not a directory")
    errors = compliance_export.validate(params(dest=str(tmp_path), history=history(runs=3)))
    assert errors == [f"history.prefix 'history': {tmp_path / 'history'} exists and is not a directory, so the local history cannot be kept under it"]


def test_history_disabled_keeps_nothing(tmp_path):
    bucket = FakeBucket()
    wanted = params(s3_bucket="reports", dest=str(tmp_path), history=history(enabled=False, runs=5))
    _changed, report, dashboard = export(FakeModule(wanted, bucket), wanted)
    assert "history" not in report and "trend" not in dashboard and bucket.listings == []
    assert sorted(bucket.objects) == ["fleet.csv"] and [path.name for path in tmp_path.iterdir()] == ["fleet.csv"]


class RacedFiles:
    """new_directory as when another export creates the same directory first."""

    def __init__(self, raced):
        self.raced = raced
        self.made = []

    def new_directory(self, directory, params, mode):
        if directory == self.raced:
            os.mkdir(directory)
            raise FileExistsError(directory)
        os.mkdir(directory)
        self.made.append(directory)
        return mode


def test_a_directory_another_export_made_meanwhile_is_used_and_not_counted_as_ours(tmp_path):
    parts, nightly = str(tmp_path / "parts"), str(tmp_path / "parts" / "nightly")
    created = module_under_test.make_directories(RacedFiles(parts), {}, [parts, nightly])
    assert created == [nightly] and os.path.isdir(nightly)


def test_a_file_where_the_directory_should_be_still_fails(tmp_path):
    blocker = tmp_path / "parts"
    blocker.write_text("not a directory", encoding="utf-8")

    class FileInTheWay(RacedFiles):
        def new_directory(self, directory, params, mode):
            raise FileExistsError(directory)

    with pytest.raises(FileExistsError):
        module_under_test.make_directories(FileInTheWay(str(blocker)), {}, [str(blocker)])
