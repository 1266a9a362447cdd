"""The call log: what each AWS request was, recorded in order, read and cleared over HTTP."""

import io

import pytest
from botocore.exceptions import ClientError

from sandbox.wire.call_log import (
    CallLog,
    OperationsRecord,
    RequestInfo,
    describe_request,
    error_code_from_response,
    is_mutating,
    read_operations,
)


def _environ(method="POST", path="/", query="", body=b"", **headers):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "HTTP_AUTHORIZATION": headers.pop("auth", "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/"
                                                          f"{headers.pop('service', 'ssm')}/aws4_request, "
                                                          "SignedHeaders=host, Signature=x")}
    environ.update(headers)
    return environ


def test_describe_json_request():
    info = describe_request(_environ(HTTP_X_AMZ_TARGET="AmazonSSM.GetPatchBaseline"), b'{"BaselineId": "pb-1"}')
    assert (info.service, info.operation, info.region, info.protocol, info.parameters) == (
        "ssm", "GetPatchBaseline", "eu-west-1", "json", {"BaselineId": "pb-1"})


def test_describe_records_the_caller():
    environ = _environ(HTTP_X_AMZ_TARGET="AmazonSSM.ListDocuments", HTTP_USER_AGENT="APN/1.0 Ansible/2.19.14",
                       auth="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ssm/aws4_request, "
                            "SignedHeaders=host, Signature=x")
    info = describe_request(environ, b"{}")
    assert (info.access_key_id, info.user_agent, info.region) == ("AKIDEXAMPLE", "APN/1.0 Ansible/2.19.14", "us-east-1")


def test_describe_unsigned_request():
    environ = _environ(method="GET", path="/bucket/key", auth="")
    info = describe_request(environ, b"")
    assert (info.access_key_id, info.service, info.user_agent) == ("", "unknown", "")


def test_describe_query_request():
    body = b"Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1"
    info = describe_request(_environ(service="ec2", CONTENT_TYPE="application/x-www-form-urlencoded"), body)
    assert (info.service, info.operation, info.protocol, info.parameters) == (
        "ec2", "DescribeInstances", "query", {"InstanceId.1": "i-1"})


@pytest.mark.parametrize("method, path, query, headers, operation", [
    ("GET", "/", "", {}, "ListBuckets"),
    ("PUT", "/bucket", "", {}, "CreateBucket"),
    ("GET", "/bucket", "list-type=2&prefix=a", {}, "ListObjectsV2"),
    ("GET", "/bucket", "tagging", {}, "GetBucketTagging"),
    ("PUT", "/bucket/dir/key.csv", "", {}, "PutObject"),
    ("PUT", "/bucket/key", "", {"HTTP_X_AMZ_COPY_SOURCE": "other/key"}, "CopyObject"),
    ("GET", "/bucket/key", "", {}, "GetObject"),
    ("HEAD", "/bucket/key", "", {}, "HeadObject"),
    ("DELETE", "/bucket/key", "", {}, "DeleteObject"),
    ("POST", "/bucket", "delete", {}, "DeleteObjects"),
    ("POST", "/bucket/key", "uploads", {}, "CreateMultipartUpload"),
    ("PUT", "/bucket/key", "partNumber=1&uploadId=u", {}, "UploadPart"),
])
def test_s3_operation_names(method, path, query, headers, operation):
    info = describe_request(_environ(method=method, path=path, query=query, service="s3", **headers), b"")
    assert info.operation == operation
    assert info.protocol == "rest-xml"


def test_s3_parameters():
    info = describe_request(_environ(method="GET", path="/bucket/dir/key.csv", service="s3"), b"")
    assert info.parameters == {"Bucket": "bucket", "Key": "dir/key.csv"}


def test_error_codes_from_responses():
    assert error_code_from_response(200, [], b"") is None
    assert error_code_from_response(400, [], b'{"__type": "com.amazon.coral#DoesNotExistException"}') == \
        "DoesNotExistException"
    assert error_code_from_response(400, [("x-amzn-ErrorType", "Foo:http://x")], b"") == "Foo"
    assert error_code_from_response(404, [], b"<Error><Code>NoSuchBucket</Code></Error>") == "NoSuchBucket"


def test_mutating_operations():
    assert not any(map(is_mutating, ["DescribePatchBaselines", "GetPatchBaseline", "ListTagsForResource",
                                     "HeadObject", "GetDefaultPatchBaseline"]))
    assert all(map(is_mutating, ["CreatePatchBaseline", "UpdatePatchBaseline", "RegisterDefaultPatchBaseline",
                                 "AddTagsToResource", "PutObject", "SendCommand", "DeregisterManagedInstance"]))


def test_bounded_log():
    log = CallLog(capacity=3)
    for number in range(5):
        log.record(RequestInfo("ssm", f"Op{number}", "us-east-1", "json"), 200, None, False, 0.0)
    assert [entry["operation"] for entry in log.query()] == ["Op2", "Op3", "Op4"]


def test_operations_record_keeps_each_distinct_call_once_across_clears(tmp_path):
    log = CallLog(operations_record=OperationsRecord(tmp_path))
    ansible = RequestInfo("ssm", "GetPatchBaseline", "us-east-1", "json", access_key_id="k", user_agent="Ansible/2",
                          account_id="111111111111")
    harness = RequestInfo("ssm", "GetPatchBaseline", "us-east-1", "json", access_key_id="k", user_agent="Boto3/1",
                          account_id="111111111111")
    member = RequestInfo("ssm", "GetPatchBaseline", "us-east-1", "json", access_key_id="k", user_agent="Boto3/1",
                         account_id="222222222222")
    for info in (ansible, ansible, harness, member):
        log.record(info, 200, None, False, 0.0)
    log.clear()
    log.record(ansible, 400, "DoesNotExistException", False, 0.0)
    assert read_operations(tmp_path) == [
        {"service": "ssm", "operation": "GetPatchBaseline", "access_key_id": "k", "user_agent": "Ansible/2",
         "account_id": "111111111111"},
        {"service": "ssm", "operation": "GetPatchBaseline", "access_key_id": "k", "user_agent": "Boto3/1",
         "account_id": "111111111111"},
        {"service": "ssm", "operation": "GetPatchBaseline", "access_key_id": "k", "user_agent": "Boto3/1",
         "account_id": "222222222222"},
    ]


# --------------------------------------------------------------------------- through the server


def test_calls_are_recorded_in_order_with_parameters(clean_sandbox):
    ssm = clean_sandbox.client("ssm")
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    ssm.get_parameter(Name="/a")
    with pytest.raises(ClientError):
        ssm.get_parameter(Name="/missing")
    clean_sandbox.client("ec2").describe_vpcs()
    calls = clean_sandbox.calls()
    assert [(c["service"], c["operation"]) for c in calls] == [
        ("ssm", "PutParameter"), ("ssm", "GetParameter"), ("ssm", "GetParameter"), ("ec2", "DescribeVpcs")]
    assert calls[0]["parameters"] == {"Name": "/a", "Value": "1", "Type": "String"}
    assert calls[0]["region"] == "us-east-1" and calls[0]["mutating"] is True
    assert (calls[2]["status"], calls[2]["error_code"], calls[2]["injected"]) == (400, "ParameterNotFound", False)
    assert calls[1]["status"] == 200 and calls[1]["error_code"] is None
    assert [c["seq"] for c in calls] == sorted(c["seq"] for c in calls)


def test_filtering_and_clearing(clean_sandbox):
    ssm = clean_sandbox.client("ssm", region="eu-west-1")
    ssm.describe_parameters()
    ssm.put_parameter(Name="/b", Value="2", Type="String")
    clean_sandbox.client("sts").get_caller_identity()
    assert [c["operation"] for c in clean_sandbox.calls(service="ssm")] == ["DescribeParameters", "PutParameter"]
    assert [c["operation"] for c in clean_sandbox.calls(operation="PutParameter")] == ["PutParameter"]
    assert [c["region"] for c in clean_sandbox.calls(service="ssm")] == ["eu-west-1", "eu-west-1"]
    assert [c["operation"] for c in clean_sandbox.mutating_calls()] == ["PutParameter"]
    assert clean_sandbox.clear_calls() == 3
    assert clean_sandbox.calls() == []


def test_s3_calls_through_boto3(clean_sandbox):
    s3 = clean_sandbox.client("s3")
    s3.create_bucket(Bucket="reports")
    s3.put_object(Bucket="reports", Key="ssm-workshop.csv", Body=b"a,b\n")
    s3.list_objects_v2(Bucket="reports")
    with pytest.raises(ClientError):
        s3.get_object(Bucket="reports", Key="nope")
    calls = clean_sandbox.calls(service="s3")
    assert [c["operation"] for c in calls] == ["CreateBucket", "PutObject", "ListObjectsV2", "GetObject"]
    assert calls[1]["parameters"]["Key"] == "ssm-workshop.csv"
    assert (calls[3]["status"], calls[3]["error_code"]) == (404, "NoSuchKey")


def test_resets_clear_the_log(clean_sandbox):
    clean_sandbox.client("sts").get_caller_identity()
    clean_sandbox.reset()
    assert clean_sandbox.calls() == []
    clean_sandbox.client("sts").get_caller_identity()
    clean_sandbox.request("POST", "/moto-api/reset")
    assert clean_sandbox.calls() == []


# A server's record of operations across resets (it needs a server started with the directory set):
# sandbox/tests/wire/test_server.py, test_faults_from_a_file_at_start_up_pid_file_operations_record_and_stop.


@pytest.mark.parametrize("service, method, path, operation", [
    ("resource-groups", "POST", "/list-group-resources", "ListGroupResources"),
    ("resource-groups", "POST", "/groups", "CreateGroup"),
    ("resource-groups", "POST", "/nowhere", "POST /nowhere"),
    ("no-such-service", "GET", "/x", "GET /x"),
])
def test_describe_rest_json_request_by_the_models_routes(service, method, path, operation):
    info = describe_request(_environ(method=method, path=path, service=service, CONTENT_TYPE="application/json"), b"{}")
    assert (info.protocol, info.operation) == ("rest-json", operation)
    assert is_mutating(info.operation) == (operation not in ("ListGroupResources",))
